import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AreaEntity } from '../src/areas/area.entity.js';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { chainHash } from '../src/audit/audit-hash.js';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { DeliveriesRepository } from '../src/broadcasts/deliveries.repository.js';
import { openDatabase } from '../src/database/data-source.js';
import { WriteTransactions } from '../src/database/write-transactions.js';
import { onPostgres, startTestApp, type TestApp } from './helpers/app.js';
import { makeSpeechLike } from './helpers/audio.js';
import { capXml } from './helpers/cap.js';
import { insertSegment } from './helpers/device-rows.js';
import { waitUntil } from './helpers/waiting.js';
import { areaTree, auth, createSpeaker, createUser, USER_PASSWORD } from './helpers/fixtures.js';

interface Entry {
  seq: number;
  at: string;
  userId: string | null;
  action: string;
  resource: string;
  resourceId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  hash: string;
}
type Expectation = { action: string; resourceId?: string | null; userId?: string | null };

/** Real app, real SQLite/PostgreSQL, Redis and ffmpeg: every mutating route, then the trail read back and checked. */
describe('audit trail', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let admin: { id: string };
  const context: Record<string, string> = {};

  const trail = (token: string, query: Record<string, string | number> = {}) => t.http.get('/api/v1/audit').query(query).set(auth(token));
  const verify = async () => (await t.http.get('/api/v1/audit/verify').set(auth(tree.auditor.token)).expect(200)).body;
  const entriesAfter = async (seq: number): Promise<Entry[]> => (await trail(t.adminToken, { limit: 500 })).body.items.filter((e: Entry) => e.seq > seq);
  const lastSeq = async (): Promise<number> => (await trail(t.adminToken, { limit: 1 })).body.items[0]?.seq ?? 0;

  async function settled(id: string): Promise<string> {
    for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 150))) {
      const status = (await t.http.get(`/api/v1/segments/${id}`).set(auth(tree.staffA.token))).body.status;
      if (status !== 'processing') return status;
    }
    throw new Error(`segment ${id} still processing`);
  }

  /**
   * One successful call of each mutating route, in an order that lets later ones use what earlier ones
   * made, and the entries each must leave. Routes that do not exist (yet) are skipped; a mutating route
   * missing from this list fails the coverage test below.
   */
  const scenarios: Array<{ route: string; run: () => Promise<Expectation[]> }> = [
    {
      route: 'POST /api/v1/auth/login',
      run: async () => {
        expect((await t.http.post('/api/v1/auth/login').send({ username: tree.staffA.username, password: 'wrong-password' })).status).toBe(401);
        expect((await t.http.post('/api/v1/auth/login').send({ username: 'nobody-at-all', password: 'wrong-password' })).status).toBe(401);
        await t.login(tree.staffA.username, USER_PASSWORD);
        return [
          { action: 'auth.login_failed', userId: tree.staffA.id },
          { action: 'auth.login_failed', userId: null },
          { action: 'auth.login', userId: tree.staffA.id, resourceId: tree.staffA.id },
        ];
      },
    },
    {
      route: 'POST /api/v1/areas',
      run: async () => {
        const res = await t.http.post('/api/v1/areas').set(auth(tree.staffA.token)).send({ name: 'Xã A Mú Sung', code: `AMS-${Date.now()}`, kind: 'commune', parentId: tree.districtA.id });
        expect(res.status).toBe(201);
        return [{ action: 'area.create', resourceId: res.body.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/users',
      run: async () => {
        const user = await createUser(t, 'commune_operator', tree.communeA.id);
        return [{ action: 'user.create', resourceId: user.id, userId: admin.id }, { action: 'auth.login', resourceId: user.id }];
      },
    },
    {
      route: 'POST /api/v1/areas/imports',
      run: async () => {
        // One small official province (Lai Châu, 38 units), as a job on the areas queue.
        const started = await t.http.post('/api/v1/areas/imports').set(auth(t.adminToken)).send({ province: '12' }).expect(202);
        await waitUntil(async () => (await t.http.get(`/api/v1/areas/imports/${started.body.id}`).set(auth(t.adminToken))).body.state, (state) => state === 'completed', 60_000, 'area import');
        return [{ action: 'area.import', userId: admin.id }];
      },
    },
    {
      route: 'PATCH /api/v1/users/{id}',
      run: async () => {
        const user = await createUser(t, 'commune_operator', tree.communeA.id);
        context.personId = user.id;
        context.personName = user.username;
        context.personToken = user.token;
        const res = await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ role: 'auditor', areaId: tree.districtA.id }).expect(200);
        expect(res.body).toMatchObject({ role: 'auditor', areaId: tree.districtA.id });
        context.personToken = await t.login(user.username, USER_PASSWORD);
        return [{ action: 'user.update', resourceId: user.id, userId: admin.id }];
      },
    },
    {
      route: 'POST /api/v1/auth/password',
      run: async () => {
        const change = (currentPassword: string, newPassword: string) => t.http.post('/api/v1/auth/password').set(auth(context.personToken)).send({ currentPassword, newPassword });
        expect((await change('not-my-password', 'song-hong-chay-mai')).status).toBe(401);
        const res = await change(USER_PASSWORD, 'song-hong-chay-mai');
        expect(res.status).toBe(200);
        context.personToken = res.body.accessToken;
        return [
          { action: 'auth.reauth_failed', userId: context.personId },
          { action: 'user.change_password', resourceId: context.personId, userId: context.personId },
        ];
      },
    },
    {
      route: 'POST /api/v1/auth/totp',
      run: async () => {
        const res = await t.http.post('/api/v1/auth/totp').set(auth(context.personToken)).send({ password: 'song-hong-chay-mai' }).expect(201);
        context.totpSecret = res.body.secret;
        context.recoveryCode = res.body.recoveryCodes[0];
        return [{ action: 'user.totp_enrol', resourceId: context.personId, userId: context.personId }];
      },
    },
    {
      route: 'POST /api/v1/auth/totp/confirm',
      run: async () => {
        const code = await generate({ secret: context.totpSecret });
        const wrong = code === '000000' ? '111111' : '000000';
        expect((await t.http.post('/api/v1/auth/totp/confirm').set(auth(context.personToken)).send({ code: wrong })).status).toBe(400);
        const res = await t.http.post('/api/v1/auth/totp/confirm').set(auth(context.personToken)).send({ code }).expect(200);
        context.personToken = res.body.accessToken;
        return [{ action: 'auth.totp_failed', userId: context.personId }, { action: 'user.totp_enable', resourceId: context.personId, userId: context.personId }];
      },
    },
    {
      route: 'DELETE /api/v1/auth/totp',
      run: async () => {
        const res = await t.http.delete('/api/v1/auth/totp').set(auth(context.personToken)).send({ password: 'song-hong-chay-mai', totp: context.recoveryCode }).expect(200);
        context.personToken = res.body.accessToken;
        return [{ action: 'auth.recovery_code_used', userId: context.personId }, { action: 'user.totp_disable', resourceId: context.personId, userId: context.personId }];
      },
    },
    {
      route: 'DELETE /api/v1/users/{id}/totp',
      run: async () => {
        await t.http.delete(`/api/v1/users/${context.personId}/totp`).set(auth(t.adminToken)).expect(200);
        return [{ action: 'user.reset_totp', resourceId: context.personId, userId: admin.id }];
      },
    },
    {
      route: 'POST /api/v1/users/{id}/password',
      run: async () => {
        await t.http.post(`/api/v1/users/${context.personId}/password`).set(auth(t.adminToken)).send({ password: 'cau-may-doi-gio' }).expect(200);
        return [{ action: 'user.reset_password', resourceId: context.personId, userId: admin.id }];
      },
    },
    {
      route: 'DELETE /api/v1/users/{id}',
      run: async () => {
        const res = await t.http.delete(`/api/v1/users/${context.personId}`).set(auth(t.adminToken)).expect(200);
        expect(res.body).toMatchObject({ id: context.personId, disabled: true });
        expect((await t.http.post('/api/v1/auth/login').send({ username: context.personName, password: 'cau-may-doi-gio' })).status).toBe(401);
        return [{ action: 'user.disable', resourceId: context.personId, userId: admin.id }, { action: 'auth.login_failed', userId: context.personId }];
      },
    },
    {
      route: 'POST /api/v1/speakers',
      run: async () => {
        const speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id, 'Loa nhà văn hoá');
        context.speakerId = speaker.id;
        context.deviceToken = speaker.deviceToken;
        return [{ action: 'speaker.create', resourceId: speaker.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'PATCH /api/v1/speakers/{id}',
      run: async () => {
        await t.http.patch(`/api/v1/speakers/${context.speakerId}`).set(auth(tree.staffA.token)).send({ location: 'Cổng chợ' }).expect(200);
        const spare = await createSpeaker(t, t.adminToken, tree.communeA.id);
        await t.http.patch(`/api/v1/speakers/${spare.id}`).set(auth(t.adminToken)).send({ communeId: tree.communeB.id }).expect(200);
        return [{ action: 'speaker.update', resourceId: context.speakerId }, { action: 'speaker.create', resourceId: spare.id }, { action: 'speaker.move', resourceId: spare.id }];
      },
    },
    {
      route: 'POST /api/v1/speakers/{id}/token',
      run: async () => {
        const res = await t.http.post(`/api/v1/speakers/${context.speakerId}/token`).set(auth(tree.staffA.token)).expect(201);
        context.deviceToken = res.body.deviceToken;
        return [{ action: 'speaker.rotate_token', resourceId: context.speakerId }];
      },
    },
    {
      route: 'POST /api/v1/segments',
      run: async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'loa-audit-')), 'bhxh.wav');
        await makeSpeechLike(file, { seconds: 3, lufs: -24, stereo: false, format: 'wav' });
        const res = await t.http.post('/api/v1/segments').set(auth(tree.staffA.token)).field('title', 'Thông báo BHXH').field('topic', 'social-insurance').field('language', 'vi').attach('file', file);
        expect(res.status).toBe(202);
        context.segmentId = res.body.id;
        expect(await settled(res.body.id)).toBe('ready');
        return [{ action: 'segment.upload', resourceId: res.body.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/segments/{id}/approve',
      run: async () => {
        await t.http.post(`/api/v1/segments/${context.segmentId}/approve`).set(auth(tree.staffA.token)).expect(200);
        return [{ action: 'segment.approve', resourceId: context.segmentId }];
      },
    },
    {
      route: 'DELETE /api/v1/segments/{id}',
      run: async () => {
        await t.http.delete(`/api/v1/segments/${context.segmentId}`).set(auth(tree.staffA.token)).expect(200);
        return [{ action: 'segment.retire', resourceId: context.segmentId }];
      },
    },
    {
      route: 'POST /api/v1/speech/preview',
      run: async () => {
        // Reads nothing back into the system: no entry.
        await t.http.post('/api/v1/speech/preview').set(auth(tree.staffA.token)).send({ text: 'Thông báo lúc 6h30', language: 'vi' }).expect(200);
        return [];
      },
    },
    {
      route: 'POST /api/v1/speech/preview/audio',
      run: async () => {
        await t.http.post('/api/v1/speech/preview/audio').set(auth(tree.staffA.token)).send({ text: 'Thông báo', language: 'vi' }).expect(200);
        return [];
      },
    },
    {
      route: 'POST /api/v1/segments/speech',
      run: async () => {
        const res = await t.http.post('/api/v1/segments/speech').set(auth(tree.staffA.token)).send({ text: 'Ủy ban nhân dân xã thông báo lịch tiêm chủng.', title: 'Tiêm chủng', topic: 'health', language: 'vi' });
        expect(res.status).toBe(202);
        return [{ action: 'segment.speech', resourceId: res.body.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/alerts',
      run: async () => {
        // A Test message: stored and audited, never aired (SPEC §11), so no other scenario's speakers are held.
        const xml = capXml({ identifier: `AUDIT-${Date.now()}`, status: 'Test', geocodes: [['LOA', tree.communeA.code]] });
        const res = await t.http.post('/api/v1/alerts').set(auth(tree.staffA.token)).set('content-type', 'application/cap+xml').send(xml);
        expect(res.status).toBe(201);
        context.alertId = res.body.id;
        return [{ action: 'alert.receive', resourceId: res.body.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/alerts/{id}/stop',
      run: async () => {
        await t.http.post(`/api/v1/alerts/${context.alertId}/stop`).set(auth(tree.staffA.token)).expect(200);
        return [{ action: 'alert.stop', resourceId: context.alertId, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/schedules',
      run: async () => {
        const at = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000).toISOString();
        const res = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token)).send({ communeId: tree.communeA.id, title: 'Bản tin sáng', segmentIds: [context.readySegmentId], at });
        expect(res.status).toBe(201);
        context.scheduleId = res.body.id;
        return [{ action: 'schedule.create', resourceId: res.body.id, userId: tree.operatorA.id }];
      },
    },
    {
      route: 'PATCH /api/v1/schedules/{id}',
      run: async () => {
        await t.http.patch(`/api/v1/schedules/${context.scheduleId}`).set(auth(tree.operatorA.token)).send({ title: 'Bản tin sáng (sửa)' }).expect(200);
        return [{ action: 'schedule.update', resourceId: context.scheduleId }];
      },
    },
    {
      route: 'DELETE /api/v1/schedules/{id}',
      run: async () => {
        await t.http.delete(`/api/v1/schedules/${context.scheduleId}`).set(auth(tree.operatorA.token)).expect(200);
        return [{ action: 'schedule.delete', resourceId: context.scheduleId }];
      },
    },
    {
      route: 'POST /api/v1/broadcasts/emergency',
      run: async () => {
        const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(tree.staffA.token)).send({ areaId: tree.communeA.id, segmentIds: [context.readySegmentId], title: 'Cảnh báo lũ quét' });
        expect(res.status).toBe(201);
        context.emergencyId = res.body.id;
        return [{ action: 'broadcast.emergency', resourceId: res.body.id, userId: tree.staffA.id }];
      },
    },
    {
      route: 'POST /api/v1/device/receipts',
      run: async () => {
        // Receipts are routine; one for a delivery already finalised as missed changes reported figures, and is audited.
        const deliveries = t.app.get(DeliveriesRepository, { strict: false });
        await t.app.get(DataSource).transaction((m) => deliveries.markMissed(m, [context.emergencyId], new Date()));
        const res = await t.http.post('/api/v1/device/receipts').set(auth(context.deviceToken)).send({ receipts: [{ broadcastId: context.emergencyId, status: 'played', startedAt: new Date().toISOString() }] });
        expect(res.status).toBe(200);
        return [{ action: 'delivery.late_receipt', resourceId: context.emergencyId, userId: null }];
      },
    },
    {
      route: 'POST /api/v1/device/status',
      run: async () => {
        // A receiver's routine report on itself, every minute: telemetry kept on the speaker, not an audited act.
        const status = { agent: 'loa-receiver linux-arm64', version: '0.1.0', playing: null, cacheBytes: 0, freeBytes: null, outbox: 0, clockOffsetMs: 4 };
        expect((await t.http.post('/api/v1/device/status').set(auth(context.deviceToken)).send(status)).status).toBe(204);
        return [];
      },
    },
    {
      route: 'POST /api/v1/broadcasts/{id}/stop',
      run: async () => {
        const res = await t.http.post(`/api/v1/broadcasts/${context.emergencyId}/stop`).set(auth(tree.staffA.token));
        expect(res.status).toBe(200);
        return [{ action: 'broadcast.stop', resourceId: context.emergencyId, userId: tree.staffA.id }];
      },
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    admin = (await t.http.get('/api/v1/auth/me').set(auth(t.adminToken))).body;
    const province = await t.app.get(DataSource).getRepository(AreaEntity).findOneByOrFail({ id: tree.province.id });
    context.readySegmentId = (await insertSegment(t, { areaId: province.id, areaPath: province.path, durationSec: 30 })).id;
  });
  afterAll(() => t?.close());

  it('covers every mutating route of the API with a scenario', async () => {
    const docs = (await t.http.get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const mutating = Object.entries(docs.paths).flatMap(([path, methods]) => Object.keys(methods).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(mutating.filter((route) => !scenarios.some((s) => s.route === route))).toEqual([]);
    context.routes = JSON.stringify(mutating);
  });

  it('leaves an entry for every mutation, logins and failed logins included', async () => {
    const routes: string[] = JSON.parse(context.routes);
    for (const scenario of scenarios.filter((s) => routes.includes(s.route))) {
      const before = await lastSeq();
      const expected = await scenario.run();
      const entries = await entriesAfter(before);
      for (const expectation of expected) {
        expect({ route: scenario.route, entries }).toEqual({ route: scenario.route, entries: expect.arrayContaining([expect.objectContaining(expectation)]) });
      }
    }
  }, 240_000);

  it('answers entries with seq, time, actor, action, resource, details, address and hash', async () => {
    const res = await trail(t.adminToken, { action: 'area.create', limit: 1 });
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toEqual({
      seq: expect.any(Number), at: expect.stringMatching(/Z$/), userId: tree.staffA.id, action: 'area.create', resource: 'area', resourceId: expect.any(String),
      details: expect.objectContaining({ name: 'Xã A Mú Sung', kind: 'commune' }), ip: expect.stringMatching(/127\.0\.0\.1/), hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('filters by user, action, resource and time, and pages newest first (or oldest first)', async () => {
    const all = (await trail(t.adminToken, { limit: 500 })).body;
    expect(all.total).toBe(all.items.length);
    const seqs = all.items.map((e: Entry) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const page = (await trail(t.adminToken, { limit: 2, offset: 1 })).body;
    expect(page).toEqual({ items: all.items.slice(1, 3), total: all.total });
    const oldest = (await trail(t.adminToken, { limit: 3, order: 'asc' })).body.items.map((e: Entry) => e.seq);
    expect(oldest).toEqual([1, 2, 3]);

    const byUser = (await trail(t.adminToken, { userId: tree.staffA.id, limit: 500 })).body;
    expect(byUser.items.length).toBeGreaterThan(3);
    expect(byUser.items.every((e: Entry) => e.userId === tree.staffA.id)).toBe(true);
    const failed = (await trail(t.adminToken, { action: 'auth.login_failed' })).body;
    expect(failed.items.map((e: Entry) => e.details?.username)).toEqual(expect.arrayContaining([tree.staffA.username, 'nobody-at-all']));
    const speakers = (await trail(t.adminToken, { resource: 'speaker', limit: 500 })).body.items.map((e: Entry) => e.action);
    expect(new Set(speakers)).toEqual(new Set(['speaker.create', 'speaker.update', 'speaker.move', 'speaker.rotate_token']));

    const middle = all.items[Math.floor(all.items.length / 2)] as Entry;
    const since = (await trail(t.adminToken, { from: middle.at, limit: 500 })).body.items as Entry[];
    expect(since.every((e) => e.at >= middle.at)).toBe(true);
    expect(since.map((e) => e.seq)).toContain(middle.seq);
    const until = (await trail(t.adminToken, { to: middle.at, limit: 500 })).body.items as Entry[];
    expect(until.every((e) => e.at < middle.at)).toBe(true);
    expect(since.length + until.length).toBe(all.total);
  });

  it('shows auditors what actors in their subtree did, and nothing else', async () => {
    const mine = (await trail(tree.auditor.token, { limit: 500 })).body.items as Entry[];
    const actors = new Set(mine.map((e) => e.userId));
    expect(actors.has(tree.staffA.id)).toBe(true);
    expect(actors.has(tree.operatorA.id) || !JSON.parse(context.routes).includes('POST /api/v1/schedules')).toBe(true);
    expect(actors.has(admin.id)).toBe(false);
    expect(mine.some((e) => e.action === 'auth.login_failed' && e.userId === tree.staffA.id)).toBe(true);
    expect(mine.some((e) => e.action === 'auth.login_failed' && e.userId === null)).toBe(false);

    const outsider = await createUser(t, 'auditor', (await t.http.post('/api/v1/areas').set(auth(t.adminToken)).send({ name: 'Tỉnh Lai Châu', code: `LC-${Date.now()}`, kind: 'province' })).body.id);
    const theirs = (await trail(outsider.token, { limit: 500 })).body.items as Entry[];
    expect(theirs.map((e) => e.action)).toEqual(['auth.login']);
    // A filter naming someone outside their area is 404, like any path id or filter out of scope (SPEC §1).
    const foreign = await trail(outsider.token, { userId: tree.staffA.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ statusCode: 404, message: 'user not found' });
    expect((await trail(outsider.token, { userId: outsider.id })).status).toBe(200);
    expect((await trail(tree.auditor.token, { userId: tree.staffA.id })).status).toBe(200);
    expect((await trail(tree.auditor.token, { userId: admin.id })).status).toBe(404);
    expect((await trail(t.adminToken, { userId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('is for admins and auditors only, read-only, and refuses bad filters', async () => {
    expect((await trail(tree.staffA.token)).status).toBe(403);
    expect((await trail(tree.operatorA.token)).status).toBe(403);
    expect((await t.http.get('/api/v1/audit/verify').set(auth(tree.staffA.token))).status).toBe(403);
    expect((await t.http.get('/api/v1/audit')).status).toBe(401);
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      expect((await t.http[method]('/api/v1/audit/1').set(auth(t.adminToken))).status).toBe(404);
      expect((await t.http[method]('/api/v1/audit').set(auth(t.adminToken))).status).toBe(404);
    }
    for (const [query, field] of [[{ userId: 'x' }, 'userId'], [{ action: 'DROP TABLE' }, 'action'], [{ resource: 'a.b' }, 'resource'], [{ from: '2025-01-01' }, 'from'], [{ order: 'up' }, 'order'], [{ limit: 501 }, 'limit']] as const) {
      const res = await trail(t.adminToken, query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    }
  });

  // PostgreSQL, the scale-out database: SQLite connections of one process cannot stand in for processes
  // (better-sqlite3 waits for the file lock synchronously, holding up the connection that has it).
  (onPostgres() ? it : it.skip)('takes appends from several processes at once without a retry, chained without a gap', async () => {
    // Each writer is another process's view: its own connections and its own AuditRepository.
    const writers = await Promise.all(Array.from({ length: 3 }, () => openDatabase(t.config)));
    let failedStatements = 0;
    for (const db of writers) {
      const logger = db.logger as { logQueryError: (...args: unknown[]) => void };
      logger.logQueryError = () => failedStatements++;
    }
    try {
      const before = await lastSeq();
      const appenders = writers.map((db) => new AuditRepository(db.getRepository(AuditEntryEntity), new WriteTransactions(db)));
      const rows = await Promise.all(appenders.flatMap((appender, w) => Array.from({ length: 40 }, (_, i) =>
        appender.append({ at: new Date(), userId: null, areaPath: null, action: 'test.concurrent', resource: 'test', resourceId: `${w}-${i}`, details: { w, i }, ip: null }))));
      expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => before + 1 + i));
      expect(failedStatements).toBe(0);
      expect(await verify()).toMatchObject({ ok: true, firstBadSeq: null, entries: before + 120 });
    } finally {
      await Promise.all(writers.map((db) => db.destroy()));
    }
  });

  it('verifies the chain in pages, and finds the first edited, re-hashed or deleted entry', async () => {
    const appender = t.app.get(AuditRepository, { strict: false });
    for (let i = 0; i < 2100; i++) await appender.append({ at: new Date(), userId: null, areaPath: null, action: 'test.fill', resource: 'test', resourceId: String(i), details: { i }, ip: null });
    const intact = await verify();
    const total = await lastSeq();
    expect(intact).toEqual({ ok: true, entries: total, firstBadSeq: null, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const entries = t.app.get(DataSource).getRepository(AuditEntryEntity);
    const victim = await entries.findOneByOrFail({ seq: 7 });
    await entries.update({ seq: 7 }, { details: { ...victim.details, name: 'Xã bị sửa' } });
    expect(await verify()).toMatchObject({ ok: false, entries: total, firstBadSeq: 7 });
    await entries.update({ seq: 7 }, { details: victim.details } as QueryDeepPartialEntity<AuditEntryEntity>);
    expect(await verify()).toMatchObject({ ok: true, firstBadSeq: null });

    // Moving an entry out of an auditor's subtree would hide it from them: the hash covers the area too.
    const login = (await trail(t.adminToken, { action: 'auth.login', userId: tree.staffA.id, limit: 1 })).body.items[0] as Entry;
    const original = await entries.findOneByOrFail({ seq: login.seq });
    await entries.update({ seq: login.seq }, { areaPath: null });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: login.seq });
    await entries.update({ seq: login.seq }, { areaPath: original.areaPath });
    expect(await verify()).toMatchObject({ ok: true, firstBadSeq: null });

    // Deep in the second page: an edit that also recomputes its own hash breaks the next link.
    const deep = await entries.findOneByOrFail({ seq: total - 50 });
    const forged = { ...deep, userId: tree.staffB.id };
    await entries.update({ seq: deep.seq }, { userId: forged.userId, hash: chainHash(deep.prevHash, forged) });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: total - 49 });
    await entries.update({ seq: deep.seq }, { userId: deep.userId, hash: deep.hash });

    await entries.delete({ seq: 12 });
    expect(await verify()).toEqual({ ok: false, entries: total - 1, firstBadSeq: 12, headHash: intact.headHash });
  }, 120_000);
});
