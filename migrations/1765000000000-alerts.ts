import { MigrationInterface, QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

const id = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });

/** CAP 1.2 alerts (SPEC §11) and the areas they name. */
export class Alerts1765000000000 implements MigrationInterface {
  name = 'Alerts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { ...id('id'), isPrimary: true }, varchar('sender', 255), varchar('identifier', 255), instant('sent'), varchar('status', 16), varchar('msgType', 16),
          varchar('scope', 16), text('references'), varchar('event', 300, true), text('headline', true), varchar('language', 35, true), varchar('urgency', 16, true),
          varchar('severity', 16, true), instant('onset', true), instant('expires', true), text('areaIds'), text('broadcastIds'), text('segmentIds'),
          varchar('outcome', 16), text('reason', true), varchar('via', 2000), id('receivedBy', true), instant('receivedAt'), text('xml'),
        ],
        indices: [
          new TableIndex({ name: 'ux_alerts_sender_identifier', columnNames: ['sender', 'identifier'], isUnique: true }),
          new TableIndex({ columnNames: ['outcome'] }),
          new TableIndex({ columnNames: ['receivedAt'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_areas',
        columns: [{ ...id('alertId'), isPrimary: true }, { ...id('areaId'), isPrimary: true }, varchar('areaPath', 800)],
        indices: [new TableIndex({ columnNames: ['areaPath'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alert_areas');
    await q.dropTable('alerts');
  }
}
