import { jest } from '@jest/globals';
import { generate } from 'otplib';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/app.js';
import { auth, createArea, createUser, USER_PASSWORD } from './helpers/fixtures.js';

jest.setTimeout(60_000);

const LIMIT = 3;
const codeAt = (secret: string, offsetSec = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSec });

/**
 * SPEC §13: one attempt limit over every place that checks a password or a code (per client address
 * and per username, 429 with Retry-After), and the TOTP second factor. Client addresses come from
 * X-Forwarded-For, which the app trusts from loopback proxies (like the load balancer in front of it).
 */
describe('sign-in protection', () => {
  let t: TestApp;
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });
  const login = (ip: string, body: Record<string, string>) => t.http.post('/api/v1/auth/login').set(from(ip)).send(body);
  const dashboard = (ip: string, username: string, password: string) => t.http.get('/admin/queues').set(from(ip)).auth(username, password);
  const audited = async (action: string) => (await t.http.get('/api/v1/audit').query({ action, limit: 500 }).set(auth(t.adminToken))).body.items as Array<{ details: Record<string, unknown>; ip: string | null }>;

  beforeAll(async () => {
    t = await startTestApp({ LOA_LOGIN_LIMIT_PER_MIN: String(LIMIT) });
  });
  afterAll(() => t.close());

  it('the queue dashboard shares the login limit: after the limit even the right password answers 429, with Retry-After', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await dashboard('10.0.0.1', 'admin', `wrong-${i}`)).status).toBe(401);
    const blocked = await dashboard('10.0.0.1', 'admin', ADMIN_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Per username: the admin is out of attempts from every address, on the login route too.
    const elsewhere = await login('10.0.0.2', { username: 'admin', password: ADMIN_PASSWORD });
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.headers['retry-after']).toBeDefined();
    // Failures were audited with where they came from; the lockout once.
    const failures = (await audited('auth.login_failed')).filter((e) => e.details.via === 'queue-dashboard');
    expect(failures.length).toBe(LIMIT);
    expect(failures.every((e) => e.ip === '10.0.0.1' && e.details.username === 'admin')).toBe(true);
    expect((await audited('auth.locked_out')).length).toBeGreaterThanOrEqual(1);
  });

  it('per address: wrong passwords for many names from one address lock that address, not the others', async () => {
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const user = await createUser(t, 'auditor', province.id);
    for (let i = 0; i < LIMIT; i++) expect((await login('10.0.1.1', { username: `ghost-${i}`, password: 'guess-guess' })).status).toBe(401);
    expect((await login('10.0.1.1', { username: user.username, password: USER_PASSWORD })).status).toBe(429);
    expect((await login('10.0.1.2', { username: user.username, password: USER_PASSWORD })).status).toBe(200);
  });

  it('counts failures only: successful sign-ins never use the limit up', async () => {
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const user = await createUser(t, 'auditor', province.id);
    for (let i = 0; i < LIMIT * 3; i++) expect((await login('10.0.2.1', { username: user.username, password: USER_PASSWORD })).status).toBe(200);
  });

  it('a burst of parallel guesses gets no more than the limit through to the password check', async () => {
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const user = await createUser(t, 'auditor', province.id);
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => login(`10.0.3.${i}`, { username: user.username, password: `guess-${i}` })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(12 - LIMIT);
  });

  it('TOTP: enrol, confirm with a first code, then sign in with a code (each once) or a recovery code (each once)', async () => {
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const staff = await createUser(t, 'district_staff', province.id);
    const ip = '10.0.4.1';
    const enrolment = await t.http.post('/api/v1/auth/totp').set(auth(staff.token)).send({ password: USER_PASSWORD });
    expect(enrolment.status).toBe(201);
    expect(enrolment.body.otpauthUri).toMatch(new RegExp(`^otpauth://totp/Loa:${staff.username}\\?secret=${enrolment.body.secret}.*issuer=Loa`));
    expect(enrolment.body.recoveryCodes).toHaveLength(10);
    const { secret, recoveryCodes } = enrolment.body as { secret: string; recoveryCodes: string[] };
    // Not on until confirmed: the password alone still signs in.
    expect((await login(ip, { username: staff.username, password: USER_PASSWORD })).status).toBe(200);
    expect((await t.http.post('/api/v1/auth/totp/confirm').set(auth(staff.token)).send({ code: 'abcdef' })).status).toBe(400);
    const confirmed = await t.http.post('/api/v1/auth/totp/confirm').set(auth(staff.token)).send({ code: await codeAt(secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.user.totpEnabled).toBe(true);
    expect((await t.http.get('/api/v1/auth/me').set(auth(staff.token))).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/totp').set(auth(confirmed.body.accessToken)).send({ password: USER_PASSWORD })).status).toBe(409);

    const first = await login(ip, { username: staff.username, password: USER_PASSWORD });
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ totpRequired: true });
    const wrongPassword = await login(ip, { username: staff.username, password: 'not-my-password' });
    expect(wrongPassword.body.totpRequired).toBeUndefined();
    const next = await codeAt(secret, 30);
    expect((await login(ip, { username: staff.username, password: USER_PASSWORD, totp: next })).status).toBe(200);
    const replay = await login(ip, { username: staff.username, password: USER_PASSWORD, totp: next });
    expect(replay.status).toBe(401);
    expect(replay.body.totpRequired).toBe(true);
    expect((await login('10.0.4.2', { username: staff.username, password: USER_PASSWORD, totp: recoveryCodes[0].toUpperCase() })).status).toBe(200);
    expect((await login('10.0.4.2', { username: staff.username, password: USER_PASSWORD, totp: recoveryCodes[0] })).status).toBe(401);
    expect((await audited('auth.recovery_code_used')).some((e) => e.details.left === 9)).toBe(true);
  });

  it('TOTP guesses go through the same limit: after it, even the right code answers 429', async () => {
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const staff = await createUser(t, 'district_staff', province.id);
    const { secret } = (await t.http.post('/api/v1/auth/totp').set(auth(staff.token)).send({ password: USER_PASSWORD }).expect(201)).body;
    await t.http.post('/api/v1/auth/totp/confirm').set(auth(staff.token)).send({ code: await codeAt(secret) }).expect(200);
    const right = await codeAt(secret, 30);
    for (let i = 0; i < LIMIT; i++) {
      const guess = String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
      expect((await login(`10.0.5.${i}`, { username: staff.username, password: USER_PASSWORD, totp: guess })).status).toBe(401);
    }
    const blocked = await login('10.0.5.9', { username: staff.username, password: USER_PASSWORD, totp: right });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await audited('auth.login_failed')).filter((e) => e.details.username === staff.username && e.details.reason === 'wrong one-time code').length).toBe(LIMIT);
  });
});

describe('a second factor required for the roles that can start an emergency (LOA_REQUIRE_TOTP=true)', () => {
  let t: TestApp;
  let adminToken: string;
  let adminSecret: string;

  beforeAll(async () => {
    t = await startTestApp({ LOA_REQUIRE_TOTP: 'true' });
  });
  afterAll(() => t.close());

  it('lets an admin without one in only to enrol (console and queue dashboard alike), then everywhere', async () => {
    expect((await t.http.get('/api/v1/areas').set(auth(t.adminToken))).status).toBe(403);
    expect((await t.http.get('/admin/queues').auth('admin', ADMIN_PASSWORD)).status).toBe(403);
    expect((await t.http.get('/admin/queues').set(auth(t.adminToken))).status).toBe(403);
    expect((await t.http.post('/api/v1/auth/totp').set(auth(t.adminToken)).send({ password: 'not-my-password' })).status).toBe(401);
    adminSecret = (await t.http.post('/api/v1/auth/totp').set(auth(t.adminToken)).send({ password: ADMIN_PASSWORD }).expect(201)).body.secret;
    adminToken = (await t.http.post('/api/v1/auth/totp/confirm').set(auth(t.adminToken)).send({ code: await codeAt(adminSecret) }).expect(200)).body.accessToken;
    expect((await t.http.get('/api/v1/areas').set(auth(adminToken))).status).toBe(200);
    // Basic auth has one password field: the password, then the current code.
    expect((await t.http.get('/admin/queues').auth('admin', ADMIN_PASSWORD)).status).toBe(401);
    expect((await t.http.get('/admin/queues').auth('admin', `${ADMIN_PASSWORD}${await codeAt(adminSecret, 30)}`)).status).toBe(200);
  });

  it('lets district staff without one in only to enrol, then everywhere; commune operators are not bound', async () => {
    const province = await createArea(t, adminToken, { kind: 'province' });
    const admin = { ...t, adminToken };
    const staff = await createUser(admin, 'district_staff', province.id);
    const operator = await createUser(admin, 'commune_operator', (await createArea(t, adminToken, { kind: 'commune', parentId: province.id })).id);
    expect((await t.http.get('/api/v1/areas').set(auth(operator.token))).status).toBe(200);

    const session = await t.http.post('/api/v1/auth/login').send({ username: staff.username, password: USER_PASSWORD });
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ totpEnabled: false, mustEnrolTotp: true });
    const token = session.body.accessToken as string;
    const refused = await t.http.get('/api/v1/areas').set(auth(token));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/second factor/);
    expect((await t.http.get('/api/v1/auth/me').set(auth(token))).body.mustEnrolTotp).toBe(true);

    const { secret } = (await t.http.post('/api/v1/auth/totp').set(auth(token)).send({ password: USER_PASSWORD }).expect(201)).body;
    const confirmed = await t.http.post('/api/v1/auth/totp/confirm').set(auth(token)).send({ code: await codeAt(secret) }).expect(200);
    expect(confirmed.body.user).toMatchObject({ totpEnabled: true, mustEnrolTotp: false });
    expect((await t.http.get('/api/v1/areas').set(auth(confirmed.body.accessToken))).status).toBe(200);
    // It may not switch the second factor off again; an admin may reset it (a lost phone), and it enrols anew.
    expect((await t.http.delete('/api/v1/auth/totp').set(auth(confirmed.body.accessToken)).send({ password: USER_PASSWORD, totp: await codeAt(secret, 30) })).status).toBe(403);
    expect((await t.http.delete(`/api/v1/users/${staff.id}/totp`).set(auth(adminToken))).status).toBe(200);
    const again = await t.http.post('/api/v1/auth/login').send({ username: staff.username, password: USER_PASSWORD });
    expect(again.body.user).toMatchObject({ totpEnabled: false, mustEnrolTotp: true });
  });
});
