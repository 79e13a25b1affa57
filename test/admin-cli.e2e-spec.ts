import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './helpers/app.js';
import { auth, createArea } from './helpers/fixtures.js';

const run = promisify(execFile);

/** Runs the built admin CLI (npm test builds before the suites) against the test app's database. */
function admin(t: TestApp, args: string[], password?: string) {
  return run('node', ['dist/src/cli/admin.js', ...args], { env: { ...process.env, ...t.env, LOA_NEW_PASSWORD: password ?? '' } }).then(
    ({ stdout }) => ({ code: 0, out: stdout.trim() }),
    (error: { code: number; stderr: string }) => ({ code: error.code, out: error.stderr.trim() }),
  );
}

describe('admin CLI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a user who can then log in, and resets a password; both audited', async () => {
    const commune = await createArea(t, t.adminToken, { kind: 'province', code: 'CLI-P' });
    expect(await admin(t, ['create-user', 'cli-auditor', 'auditor', 'CLI-P'], 'first-password')).toEqual({ code: 0, out: 'created auditor cli-auditor' });
    const first = await t.http.post('/api/v1/auth/login').send({ username: 'cli-auditor', password: 'first-password' });
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ role: 'auditor', areaId: commune.id });

    expect((await admin(t, ['reset-password', 'cli-auditor'], 'second-password')).code).toBe(0);
    // Like the API's reset: the tokens issued before stop working.
    expect((await t.http.get('/api/v1/auth/me').set(auth(first.body.accessToken))).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/login').send({ username: 'cli-auditor', password: 'first-password' })).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/login').send({ username: 'cli-auditor', password: 'second-password' })).status).toBe(200);

    const audit = await t.http.get('/api/v1/audit?resource=user').set(auth(t.adminToken));
    if (audit.status === 200) expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['user.create', 'user.reset_password']));
  });

  it('refuses bad commands with a message and a non-zero exit', async () => {
    expect(await admin(t, ['create-user', 'x-user', 'king'], 'long-password')).toEqual({ code: 1, out: expect.stringContaining('role must be one of') });
    expect(await admin(t, ['create-user', 'x-user', 'auditor', 'NOPE'], 'long-password')).toEqual({ code: 1, out: 'no area with code NOPE' });
    expect(await admin(t, ['reset-password', 'ghost'], 'long-password')).toEqual({ code: 1, out: 'no user ghost' });
    expect(await admin(t, ['create-user', 'x-user', 'admin'])).toEqual({ code: 1, out: expect.stringContaining('LOA_NEW_PASSWORD') });
    expect(await admin(t, ['create-user', 'x-user', 'admin'], 'password-123')).toEqual({ code: 1, out: expect.stringMatching(/LOA_NEW_PASSWORD: .*too common/) });
    expect(await admin(t, ['reset-password', 'admin'], 'short')).toEqual({ code: 1, out: expect.stringMatching(/LOA_NEW_PASSWORD: .*at least 10 characters/) });
    expect((await admin(t, [])).out).toContain('usage');
  });
});
