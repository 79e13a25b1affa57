import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An admin without an area may upload audio for everywhere (SPEC §1: a segment belongs to its
 * uploader's area): such segments have no areaId and the root path `/`.
 */
export class SegmentAreaOptional1764288000000 implements MigrationInterface {
  name = 'SegmentAreaOptional1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await setNullable(q, true);
  }

  /** Fails while such segments exist: deciding their fate is not a migration's call. */
  async down(q: QueryRunner): Promise<void> {
    await setNullable(q, false);
  }
}

async function setNullable(q: QueryRunner, isNullable: boolean): Promise<void> {
  const table = await q.getTable('segments');
  const column = table?.findColumnByName('areaId');
  if (!table || !column) throw new Error('segments.areaId not found');
  const changed = column.clone();
  changed.isNullable = isNullable;
  await q.changeColumn(table, column, changed);
}
