import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createArea, createSpeaker, createUser, USER_PASSWORD } from './helpers/fixtures.js';

describe('auth, areas, users and speakers', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
  });
  afterAll(() => t.close());

  describe('auth', () => {
    it('logs in and answers /auth/me without the password hash', async () => {
      const res = await t.http.post('/api/v1/auth/login').send({ username: 'admin', password: 'admin-password-1' });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ id: expect.any(String), username: 'admin', role: 'admin', areaId: null, disabled: false, totpEnabled: false, mustEnrolTotp: false });
      const me = await t.http.get('/api/v1/auth/me').set(auth(res.body.accessToken));
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('admin');
      expect(JSON.stringify(me.body)).not.toContain('scrypt');
    });

    it('refuses a wrong password, unknown user, missing or bad token', async () => {
      expect((await t.http.post('/api/v1/auth/login').send({ username: 'admin', password: 'nope' })).status).toBe(401);
      expect((await t.http.post('/api/v1/auth/login').send({ username: 'ghost', password: 'nope' })).status).toBe(401);
      expect((await t.http.post('/api/v1/auth/login').send({ username: 'admin' })).status).toBe(400);
      const none = await t.http.get('/api/v1/auth/me');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect((await t.http.get('/api/v1/auth/me').set(auth('garbage'))).status).toBe(401);
    });

    it('a device token is not a user token', async () => {
      const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
      expect((await t.http.get('/api/v1/areas').set(auth(speaker.deviceToken))).status).toBe(401);
    });
  });

  describe('areas', () => {
    it('lists only the caller subtree', async () => {
      const res = await t.http.get('/api/v1/areas').set(auth(tree.staffA.token));
      expect(res.status).toBe(200);
      const ids = res.body.items.map((a: { id: string }) => a.id);
      expect(ids).toEqual(expect.arrayContaining([tree.districtA.id, tree.communeA.id]));
      expect(ids).not.toContain(tree.communeB.id);
      expect(ids).not.toContain(tree.province.id);
      expect(res.body.total).toBe(ids.length);
    });

    it('filters by parent; a parent outside scope is 404', async () => {
      const res = await t.http.get(`/api/v1/areas?parentId=${tree.province.id}`).set(auth(t.adminToken));
      expect(res.body.items.map((a: { id: string }) => a.id).sort()).toEqual([tree.districtA.id, tree.districtB.id].sort());
      expect((await t.http.get(`/api/v1/areas?parentId=${tree.districtB.id}`).set(auth(tree.staffA.token))).status).toBe(404);
      expect((await t.http.get(`/api/v1/areas/${tree.communeB.id}`).set(auth(tree.staffA.token))).status).toBe(404);
    });

    it('district staff create communes below their district, not elsewhere, not districts', async () => {
      const commune = await createArea(t, tree.staffA.token, { kind: 'commune', parentId: tree.districtA.id, maxBroadcastMinutes: 15 });
      expect(commune).toMatchObject({ kind: 'commune', parentId: tree.districtA.id, maxBroadcastMinutes: 15 });
      const other = await t.http.post('/api/v1/areas').set(auth(tree.staffA.token)).send({ name: 'x', code: 'X-1', kind: 'commune', parentId: tree.districtB.id });
      expect(other.status).toBe(403);
      const district = await t.http.post('/api/v1/areas').set(auth(tree.staffA.token)).send({ name: 'x', code: 'X-2', kind: 'district', parentId: tree.districtA.id });
      expect(district.status).toBe(403);
      const operator = await t.http.post('/api/v1/areas').set(auth(tree.operatorA.token)).send({ name: 'x', code: 'X-3', kind: 'commune', parentId: tree.districtA.id });
      expect(operator.status).toBe(403);
    });

    it('rejects bad input with 400 and duplicates with 409', async () => {
      const bad = await t.http.post('/api/v1/areas').set(auth(t.adminToken)).send({ name: '', code: 'bad code', kind: 'village' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/kind/);
      const wrongType = await t.http.post('/api/v1/areas').set(auth(t.adminToken)).send({ name: 'x', code: 'Y-1', kind: 'commune', parentId: tree.districtA.id, maxBroadcastMinutes: 'ten' });
      expect(wrongType.status).toBe(400);
      const underCommune = await t.http.post('/api/v1/areas').set(auth(t.adminToken)).send({ name: 'x', code: 'Y-2', kind: 'commune', parentId: tree.communeA.id });
      expect(underCommune.status).toBe(400);
      const dup = await t.http.post('/api/v1/areas').set(auth(t.adminToken)).send({ name: 'x', code: tree.communeA.code, kind: 'commune', parentId: tree.districtA.id });
      expect(dup.status).toBe(409);
      expect((await t.http.get('/api/v1/areas/not-a-uuid').set(auth(t.adminToken))).status).toBe(400);
    });
  });

  describe('users', () => {
    it('only admins create users; the password never comes back', async () => {
      const res = await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username: 'can-bo-xa', password: 'mat-khau-xa-y-ty', role: 'commune_operator', areaId: tree.communeA.id });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['areaId', 'disabled', 'id', 'role', 'totpEnabled', 'username']);
      expect(JSON.stringify(res.body)).not.toContain('mat-khau');
      expect((await t.http.post('/api/v1/users').set(auth(tree.staffA.token)).send({ username: 'sneaky', password: USER_PASSWORD, role: 'admin' })).status).toBe(403);
      expect((await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username: 'can-bo-xa', password: USER_PASSWORD, role: 'auditor', areaId: tree.province.id })).status).toBe(409);
      expect((await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username: 'no-area', password: USER_PASSWORD, role: 'auditor' })).status).toBe(400);
      // At least 10 characters, and not a common password (SPEC §13).
      for (const weak of ['short', 'nine-char', 'password-123', 'qwertyuiop', '1234567890']) {
        const refused = await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username: 'weak', password: weak, role: 'admin' });
        expect([weak, refused.status, refused.body.message]).toEqual([weak, 400, expect.stringMatching(/at least 10 characters|too common/)]);
      }
    });
  });

  describe('speakers', () => {
    it('registers with a device token shown once, lists with online state', async () => {
      const speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id, 'Loa thôn Mô Phí');
      expect(speaker.deviceToken).toMatch(/^loa_dev_/);
      const list = await t.http.get(`/api/v1/speakers?communeId=${tree.communeA.id}`).set(auth(tree.operatorA.token));
      expect(list.status).toBe(200);
      const listed = list.body.items.find((s: { id: string }) => s.id === speaker.id);
      expect(listed).toMatchObject({ name: 'Loa thôn Mô Phí', communeId: tree.communeA.id, lastSeenAt: null, online: false });
      expect(listed.deviceToken).toBeUndefined();
      expect(JSON.stringify(list.body)).not.toContain(speaker.deviceToken);
    });

    it('keeps other branches out: 403 in a body, 404 in a path or filter', async () => {
      const res = await t.http.post('/api/v1/speakers').set(auth(tree.staffA.token)).send({ name: 'x', communeId: tree.communeB.id });
      expect(res.status).toBe(403);
      const foreign = await createSpeaker(t, tree.staffB.token, tree.communeB.id);
      expect((await t.http.patch(`/api/v1/speakers/${foreign.id}`).set(auth(tree.staffA.token)).send({ name: 'mine' })).status).toBe(404);
      expect((await t.http.post(`/api/v1/speakers/${foreign.id}/token`).set(auth(tree.staffA.token))).status).toBe(404);
      expect((await t.http.get(`/api/v1/speakers?communeId=${tree.communeB.id}`).set(auth(tree.staffA.token))).status).toBe(404);
      expect((await t.http.post('/api/v1/speakers').set(auth(tree.operatorA.token)).send({ name: 'x', communeId: tree.communeA.id })).status).toBe(403);
      expect((await t.http.post('/api/v1/speakers').set(auth(tree.staffA.token)).send({ name: 'x', communeId: tree.districtA.id })).status).toBe(400);
    });

    it('moves to a merged commune and rotates its token', async () => {
      const speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id);
      const merged = await createArea(t, tree.staffA.token, { kind: 'commune', parentId: tree.districtA.id, name: 'Xã mới sau sáp nhập' });
      const moved = await t.http.patch(`/api/v1/speakers/${speaker.id}`).set(auth(tree.staffA.token)).send({ communeId: merged.id });
      expect(moved.status).toBe(200);
      expect(moved.body.communeId).toBe(merged.id);
      const rotated = await t.http.post(`/api/v1/speakers/${speaker.id}/token`).set(auth(tree.staffA.token));
      expect(rotated.status).toBe(201);
      expect(rotated.body.deviceToken).not.toBe(speaker.deviceToken);
    });
  });

  it('an auditor reads but may not write', async () => {
    const auditor = await createUser(t, 'auditor', tree.province.id);
    expect((await t.http.get('/api/v1/speakers').set(auth(auditor.token))).status).toBe(200);
    expect((await t.http.post('/api/v1/speakers').set(auth(auditor.token)).send({ name: 'x', communeId: tree.communeA.id })).status).toBe(403);
  });
});
