import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * People over time (SPEC §13): a user can be disabled (never erased: the audit trail names them),
 * every token carries the user's token version (bumped to revoke them all at once), recent password
 * hashes refuse a reused password, and an optional TOTP second factor with one-time recovery codes.
 */
export class UserLifecycle1764986400000 implements MigrationInterface {
  name = 'UserLifecycle1764986400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn({ name: 'disabled', type: 'boolean', default: false }),
      new TableColumn({ name: 'tokenVersion', type: 'int', default: 0 }),
      new TableColumn({ name: 'previousPasswordHashes', type: 'text', isNullable: true }),
      new TableColumn({ name: 'totpSecret', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'totpEnabledAt', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'totpLastStep', type: 'int', isNullable: true }),
      new TableColumn({ name: 'recoveryCodeHashes', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['recoveryCodeHashes', 'totpLastStep', 'totpEnabledAt', 'totpSecret', 'previousPasswordHashes', 'tokenVersion', 'disabled']) await q.dropColumn('users', column);
  }
}
