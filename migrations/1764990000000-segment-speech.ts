import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Spoken bulletins (SPEC §10): a segment made from text, read by a voice. */
export class SegmentSpeech1764990000000 implements MigrationInterface {
  name = 'SegmentSpeech1764990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('segments', [
      new TableColumn({ name: 'source', type: 'varchar', length: '16', default: "'upload'" }),
      new TableColumn({ name: 'text', type: 'text', isNullable: true }),
      new TableColumn({ name: 'voice', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'spokenText', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['spokenText', 'voice', 'text', 'source']) await q.dropColumn('segments', name);
  }
}
