import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex, TableUnique } from 'typeorm';

// Portable schema API only: the same migration runs on SQLite and PostgreSQL.
const id = (name = 'id', nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id', isNullable: nullable });
const text = (name: string, length: number | null, nullable = false): TableColumnOptions =>
  length ? { name, type: 'varchar', length: String(length), isNullable: nullable } : { name, type: 'text', isNullable: nullable };
const instant = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'int', isNullable: nullable });
const real = (name: string): TableColumnOptions => ({ name, type: 'double precision', isNullable: true });
const count = (name: string): TableColumnOptions => ({ name, type: 'bigint', default: 0 });
const index = (table: string, columns: string[], isUnique = false) =>
  new TableIndex({ name: `ix_${table}_${columns.join('_')}`, columnNames: columns, isUnique });

export class InitialSchema1764028800000 implements MigrationInterface {
  name = 'InitialSchema1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'areas',
      columns: [id(), text('name', 200), text('code', 64), text('kind', 16), id('parentId', true), text('path', 800), int('maxBroadcastMinutes', true), instant('createdAt')],
      indices: [index('areas', ['code'], true), index('areas', ['parentId']), index('areas', ['path'])],
    }));
    await q.createTable(new Table({
      name: 'users',
      columns: [id(), text('username', 64), text('passwordHash', 255), text('role', 32), id('areaId', true), instant('createdAt')],
      indices: [index('users', ['username'], true)],
    }));
    await q.createTable(new Table({
      name: 'speakers',
      columns: [id(), text('name', 200), id('communeId'), text('location', 500, true), text('tokenHash', 64), instant('lastSeenAt', true), instant('createdAt')],
      indices: [index('speakers', ['communeId']), index('speakers', ['tokenHash'], true)],
    }));
    await q.createTable(new Table({
      name: 'segments',
      columns: [
        id(), text('title', 300), text('topic', 100), text('language', 35), text('status', 16), text('error', null, true),
        id('areaId'), text('areaPath', 800), id('uploadedBy', true), text('originalName', 255), text('sha256', 64), text('liveSha256', 64, true),
        count('sourceBytes'), real('durationSec'), real('loudnessLufs'), real('renditionLufs'), real('renditionTruePeakDb'),
        text('renditionSha256', 64, true), count('renditionBytes'),
        { name: 'approved', type: 'boolean', default: false }, id('approvedBy', true), instant('approvedAt', true),
        instant('validFrom', true), instant('validUntil', true), instant('createdAt'), instant('updatedAt'), instant('retiredAt', true),
      ],
      indices: [index('segments', ['topic']), index('segments', ['status']), index('segments', ['areaId']), index('segments', ['sha256']), index('segments', ['liveSha256'], true)],
    }));
    await q.createTable(new Table({
      name: 'schedules',
      columns: [
        id(), id('communeId'), text('title', 300), text('segmentIds', null), text('speakerIds', null, true), text('cron', 120, true),
        text('timezone', 64), text('startDate', 10, true), text('endDate', 10, true), instant('at', true), text('priority', 16),
        int('repeat'), int('gapSec'), id('createdBy', true), instant('materialisedUntil', true), instant('createdAt'), instant('updatedAt'), instant('deletedAt', true),
      ],
      indices: [index('schedules', ['communeId']), index('schedules', ['deletedAt'])],
    }));
    await q.createTable(new Table({
      name: 'broadcasts',
      columns: [
        id(), id('scheduleId', true), id('areaId'), text('areaPath', 800), text('title', 300), instant('startsAt'), instant('endsAt'),
        text('priority', 16), int('repeat'), int('gapSec'), text('segmentIds', null), text('segmentDurations', null), text('speakerIds', null, true),
        text('status', 16), text('reason', null, true), id('createdBy', true), instant('createdAt'), instant('onAirAt', true), instant('finalisedAt', true),
      ],
      uniques: [new TableUnique({ name: 'uq_broadcasts_schedule_start', columnNames: ['scheduleId', 'startsAt'] })],
      indices: [index('broadcasts', ['status', 'startsAt']), index('broadcasts', ['areaId']), index('broadcasts', ['areaPath']), index('broadcasts', ['startsAt'])],
    }));
    await q.createTable(new Table({
      name: 'deliveries',
      columns: [
        { ...id('broadcastId'), isPrimary: true }, { ...id('speakerId'), isPrimary: true }, id('communeId'), text('status', 16),
        instant('startedAt', true), instant('finishedAt', true), text('error', null, true), instant('createdAt'), instant('settledAt', true),
      ],
      indices: [index('deliveries', ['speakerId', 'status']), index('deliveries', ['communeId'])],
    }));
    await q.createTable(new Table({
      name: 'audit_entries',
      columns: [
        { name: 'seq', type: 'int', isPrimary: true }, instant('at'), id('userId', true), text('areaPath', 800, true), text('action', 64), text('resource', 32),
        text('resourceId', 64, true), text('details', null, true), text('ip', 64, true), text('prevHash', 64), text('hash', 64),
      ],
      indices: [index('audit_entries', ['at']), index('audit_entries', ['userId']), index('audit_entries', ['action'])],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_entries', 'deliveries', 'broadcasts', 'schedules', 'segments', 'speakers', 'users', 'areas']) await q.dropTable(table);
  }
}
