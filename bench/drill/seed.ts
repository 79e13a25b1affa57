import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AreaEntity } from '../../src/areas/area.entity.js';
import { hashDeviceToken } from '../../src/auth/device-token.js';
import { chunked, placeholder, tableOf } from '../../src/database/sql.js';
import { ScheduleEntity } from '../../src/schedules/schedule.entity.js';
import { SpeakerEntity } from '../../src/speakers/speaker.entity.js';

export interface SeededReceivers {
  communeIds: string[];
  /** Speakers per commune, for the delivery check. */
  perCommune: Map<string, number>;
  tokens: string[];
}

async function insertRows(manager: EntityManager, entity: typeof SpeakerEntity | typeof ScheduleEntity, columns: string[], rows: unknown[][]): Promise<void> {
  const table = tableOf(manager, entity);
  for (const piece of chunked(rows, Math.floor(30_000 / columns.length))) {
    let n = 0;
    const tuples = piece.map(() => `(${columns.map(() => placeholder(manager, ++n)).join(', ')})`);
    await manager.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, piece.flat());
  }
}

/**
 * `count` receivers spread round-robin over every imported commune, each with its own device token,
 * written straight to the database (registering 10^5 speakers through the API would take the drill's
 * whole budget; the API path is what the receivers then exercise).
 */
export async function seedReceivers(db: DataSource, count: number): Promise<SeededReceivers> {
  const communeIds = (await db.getRepository(AreaEntity).find({ where: { kind: 'commune' }, select: { id: true }, order: { code: 'ASC' } })).map((a) => a.id);
  if (!communeIds.length) throw new Error('drill: no communes (the area import did not run)');
  const now = Date.now();
  const perCommune = new Map<string, number>();
  const tokens: string[] = [];
  const rows = Array.from({ length: count }, (_, i) => {
    const communeId = communeIds[i % communeIds.length];
    perCommune.set(communeId, (perCommune.get(communeId) ?? 0) + 1);
    const token = `loa_dev_${randomBytes(24).toString('base64url')}`;
    tokens.push(token);
    return [randomUUID(), `Cụm loa ${i + 1}`, communeId, null, hashDeviceToken(token), null, now];
  });
  await db.transaction((manager) => insertRows(manager, SpeakerEntity, ['id', 'name', 'communeId', 'location', 'tokenHash', 'lastSeenAt', 'createdAt'], rows));
  return { communeIds, perCommune, tokens };
}

/**
 * One bulletin schedule per commune at `minute`, written straight to the database not yet
 * materialised, as POST /schedules leaves it before its transaction materialises it: the worker's
 * minute tick then materialises them all (through the API they took ~80 ms each on this loaded
 * machine, 4-5 minutes for the country). From there on everything is the product's own path.
 */
export async function seedSchedules(db: DataSource, communeIds: string[], segmentId: string, minute: Date): Promise<void> {
  const now = Date.now();
  const columns = ['id', 'communeId', 'title', 'segmentIds', 'speakerIds', 'cron', 'timezone', 'startDate', 'endDate', 'at', 'priority', 'repeat', 'gapSec', 'createdBy', 'materialisedUntil', 'createdAt', 'updatedAt', 'deletedAt'];
  const rows = communeIds.map((communeId) => [randomUUID(), communeId, 'Bản tin sáng', JSON.stringify([segmentId]), null, null, 'Asia/Ho_Chi_Minh', null, null, minute.getTime(), 'normal', 1, 30, null, null, now, now, null]);
  await db.transaction((manager) => insertRows(manager, ScheduleEntity, columns, rows));
}
