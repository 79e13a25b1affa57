import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createUser, USER_PASSWORD } from './helpers/fixtures.js';

jest.setTimeout(60_000);

/** SPEC §13: users change role and area, are disabled (never erased), get new passwords; their tokens follow at once. */
describe('people over time', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;

  const login = (username: string, password: string, extra: Record<string, string> = {}) => t.http.post('/api/v1/auth/login').send({ username, password, ...extra });
  const me = (token: string) => t.http.get('/api/v1/auth/me').set(auth(token));

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
  });
  afterAll(() => t.close());

  it('keeps the new routes inside role and area: admins only, 404 for users outside, 403 for areas outside', async () => {
    const districtAdmin = await createUser(t, 'admin', tree.districtA.id);
    const inside = await createUser(t, 'commune_operator', tree.communeA.id);
    const outside = await createUser(t, 'commune_operator', tree.communeB.id);
    const routes = [
      { name: 'GET /users/:id', call: (token: string, id: string) => t.http.get(`/api/v1/users/${id}`).set(auth(token)), readers: true },
      { name: 'PATCH /users/:id', call: (token: string, id: string) => t.http.patch(`/api/v1/users/${id}`).set(auth(token)).send({ disabled: false }) },
      { name: 'POST /users/:id/password', call: (token: string, id: string) => t.http.post(`/api/v1/users/${id}/password`).set(auth(token)).send({ password: 'dong-song-da-chieu-thu' }) },
      { name: 'DELETE /users/:id/totp', call: (token: string, id: string) => t.http.delete(`/api/v1/users/${id}/totp`).set(auth(token)) },
      { name: 'DELETE /users/:id', call: (token: string, id: string) => t.http.delete(`/api/v1/users/${id}`).set(auth(token)) },
    ];
    const callers = [
      { role: 'admin', token: t.adminToken, inside: 200, outside: 200 },
      { role: 'admin of district A', token: districtAdmin.token, inside: 200, outside: 404 },
      { role: 'district_staff', token: tree.staffA.token, inside: 403, outside: 403, reads: [200, 404] },
      { role: 'commune_operator', token: tree.operatorA.token, inside: 403, outside: 403 },
      { role: 'auditor', token: tree.auditor.token, inside: 403, outside: 403, reads: [200, 200] },
    ];
    const seen: string[] = [];
    const expected: string[] = [];
    // Disabling goes last, so every route before it meets enabled users.
    for (const route of routes) {
      for (const caller of callers) {
        const [inStatus, outStatus] = route.readers && caller.reads ? caller.reads : [caller.inside, caller.outside];
        seen.push(`${route.name} by ${caller.role}: ${(await route.call(caller.token, inside.id)).status} / ${(await route.call(caller.token, outside.id)).status}`);
        expected.push(`${route.name} by ${caller.role}: ${inStatus} / ${outStatus}`);
      }
    }
    expect(seen).toEqual(expected);
    expect((await t.http.patch(`/api/v1/users/${inside.id}`).set(auth(districtAdmin.token)).send({ areaId: tree.communeB.id })).status).toBe(403);
    expect((await t.http.post('/api/v1/users').set(auth(districtAdmin.token)).send({ username: 'ngoai-vung', password: USER_PASSWORD, role: 'auditor', areaId: tree.communeB.id })).status).toBe(403);
    expect((await t.http.patch('/api/v1/users/not-a-uuid').set(auth(t.adminToken)).send({})).status).toBe(400);
  });

  it('disables a user: its token stops at once, and its login answers exactly like a wrong password', async () => {
    const user = await createUser(t, 'district_staff', tree.districtA.id);
    expect((await me(user.token)).status).toBe(200);
    const disabled = await t.http.delete(`/api/v1/users/${user.id}`).set(auth(t.adminToken));
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ id: user.id, username: user.username, role: 'district_staff', areaId: tree.districtA.id, disabled: true, totpEnabled: false });
    expect((await me(user.token)).status).toBe(401);
    expect((await t.http.get('/api/v1/areas').set(auth(user.token))).status).toBe(401);

    const asDisabled = await login(user.username, USER_PASSWORD);
    const wrongPassword = await login(tree.staffB.username, 'not-the-password');
    expect(asDisabled.status).toBe(401);
    expect(asDisabled.body).toEqual(wrongPassword.body);
    // Never erased: still listed, and enabling it again lets it sign in (its old token stays dead).
    expect((await t.http.get(`/api/v1/users/${user.id}`).set(auth(t.adminToken))).body.disabled).toBe(true);
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ disabled: false })).body.disabled).toBe(false);
    expect((await login(user.username, USER_PASSWORD)).status).toBe(200);
    expect((await me(user.token)).status).toBe(401);
  });

  it('changing role or area revokes the tokens at once; the next login carries the new rights', async () => {
    const user = await createUser(t, 'district_staff', tree.districtA.id);
    const moved = await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ role: 'auditor', areaId: tree.province.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ role: 'auditor', areaId: tree.province.id, disabled: false });
    expect((await me(user.token)).status).toBe(401);
    const again = await login(user.username, USER_PASSWORD);
    expect(again.body.user).toMatchObject({ role: 'auditor', areaId: tree.province.id });
    expect((await t.http.post('/api/v1/speakers').set(auth(again.body.accessToken)).send({ name: 'x', communeId: tree.communeA.id })).status).toBe(403);

    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ role: 'commune_operator', areaId: null })).status).toBe(400);
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ role: 'king' })).status).toBe(400);
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ areaId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(auth(t.adminToken)).send({ disabled: 'yes' })).status).toBe(400);
    expect((await t.http.patch('/api/v1/users/00000000-0000-4000-8000-000000000000').set(auth(t.adminToken)).send({ disabled: true })).status).toBe(404);
  });

  it('keeps one active admin', async () => {
    const admin = (await me(t.adminToken)).body;
    expect((await t.http.delete(`/api/v1/users/${admin.id}`).set(auth(t.adminToken))).status).toBe(409);
    expect((await t.http.patch(`/api/v1/users/${admin.id}`).set(auth(t.adminToken)).send({ role: 'auditor', areaId: tree.province.id })).status).toBe(409);
    expect((await me(t.adminToken)).status).toBe(200);
  });

  it('an admin sets a new password: the old one and every token stop working; weak ones are refused', async () => {
    const user = await createUser(t, 'commune_operator', tree.communeA.id);
    const reset = (password: string) => t.http.post(`/api/v1/users/${user.id}/password`).set(auth(t.adminToken)).send({ password });
    for (const weak of ['short', 'password-123', 'qwertyuiop', `${user.username}1`]) {
      const res = await reset(weak);
      expect([weak, res.status]).toEqual([weak, 400]);
      expect(res.body.message).toMatch(/at least 10 characters|too common/);
    }
    expect((await me(user.token)).status).toBe(200);
    expect((await reset('ruong-bac-thang-mua-vang')).status).toBe(200);
    expect((await me(user.token)).status).toBe(401);
    expect((await login(user.username, USER_PASSWORD)).status).toBe(401);
    expect((await login(user.username, 'ruong-bac-thang-mua-vang')).status).toBe(200);
    expect((await t.http.post('/api/v1/users').set(auth(t.adminToken)).send({ username: 'yeu-qua', password: 'matkhau123456', role: 'auditor', areaId: tree.province.id })).status).toBe(400);
  });

  it('a user changes its own password: 401 wrong current, 400 weak or reused; other tokens stop, the answer carries a fresh one', async () => {
    const user = await createUser(t, 'commune_operator', tree.communeA.id);
    const otherSession = user.token;
    const thisSession = (await login(user.username, USER_PASSWORD)).body.accessToken as string;
    const change = (token: string, currentPassword: string, newPassword: string) => t.http.post('/api/v1/auth/password').set(auth(token)).send({ currentPassword, newPassword });

    expect((await change(thisSession, 'not-my-password', 'hoa-ban-no-trang-doi')).status).toBe(401);
    expect((await change(thisSession, USER_PASSWORD, 'iloveyou123')).status).toBe(400);
    const same = await change(thisSession, USER_PASSWORD, USER_PASSWORD);
    expect(same.status).toBe(400);
    expect(same.body.message).toMatch(/not used recently/);
    expect((await t.http.post('/api/v1/auth/password').set(auth(thisSession)).send({ currentPassword: USER_PASSWORD })).status).toBe(400);
    expect((await me(otherSession)).status).toBe(200);

    const changed = await change(thisSession, USER_PASSWORD, 'hoa-ban-no-trang-doi');
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ id: user.id, username: user.username });
    expect((await me(otherSession)).status).toBe(401);
    expect((await me(thisSession)).status).toBe(401);
    const fresh = changed.body.accessToken as string;
    expect((await me(fresh)).status).toBe(200);
    // The one before is "recent" too.
    const back = await change(fresh, 'hoa-ban-no-trang-doi', USER_PASSWORD);
    expect(back.status).toBe(400);
    expect((await login(user.username, 'hoa-ban-no-trang-doi')).status).toBe(200);
    expect((await t.http.post('/api/v1/auth/password').send({ currentPassword: 'x', newPassword: 'y' })).status).toBe(401);
  });
});
