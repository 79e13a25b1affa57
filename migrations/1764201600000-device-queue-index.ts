import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Every receiver poll looks up the scheduled broadcasts of its commune and the commune's ancestors
 * (emergencies cover subtrees) starting soon. With (areaPath, status, startsAt) each poll seeks
 * straight to those rows instead of scanning an area's whole broadcast history.
 */
const INDEX = new TableIndex({ name: 'ix_broadcasts_areaPath_status_startsAt', columnNames: ['areaPath', 'status', 'startsAt'] });

export class DeviceQueueIndex1764201600000 implements MigrationInterface {
  name = 'DeviceQueueIndex1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('broadcasts', INDEX);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('broadcasts', INDEX.name!);
  }
}
