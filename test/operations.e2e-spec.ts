import { startTestApp, type TestApp, ADMIN_PASSWORD } from './helpers/app.js';
import { auth, createArea, createUser } from './helpers/fixtures.js';

describe('operations: health, metrics, docs, queue dashboard', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /health reports database, redis and ffmpeg up', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.redis.status).toBe('up');
    expect(res.body.info.ffmpeg).toMatchObject({ status: 'up', version: expect.stringMatching(/\d/) });
  });

  it('GET /metrics exposes HTTP latencies and queue depths in Prometheus format', async () => {
    await t.http.get('/api/v1/auth/me').set(auth(t.adminToken));
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('loa_http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/loa_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/auth\/me",status="200"\} [1-9]/);
    expect(res.text).toMatch(/loa_queue_jobs\{queue="transcode",state="waiting"\} \d+/);
    expect(res.text).toMatch(/loa_queue_jobs\{queue="broadcast",state="delayed"\} \d+/);
    expect(res.text).toContain('loa_job_duration_seconds');
  });

  it('serves the OpenAPI document and UI', async () => {
    const ui = await t.http.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const json = await t.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/areas', '/api/v1/speakers']));
  });

  it('the queue dashboard is for admins only', async () => {
    const anonymous = await t.http.get('/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    const province = await createArea(t, t.adminToken, { kind: 'province' });
    const auditor = await createUser(t, 'auditor', province.id);
    expect((await t.http.get('/admin/queues').set(auth(auditor.token))).status).toBe(403);
    expect((await t.http.get('/admin/queues').auth('admin', 'wrong')).status).toBe(401);
    const basic = await t.http.get('/admin/queues').auth('admin', ADMIN_PASSWORD);
    expect(basic.status).toBe(200);
    expect(basic.text.toLowerCase()).toContain('<!doctype html');
    const api = await t.http.get('/admin/queues/api/queues').set(auth(t.adminToken));
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['alerts', 'areas', 'broadcast', 'transcode']);
  });

  it('rate-limits failed logins per client', async () => {
    const limited = await startTestApp({ LOA_LOGIN_LIMIT_PER_MIN: '4' });
    try {
      // startTestApp signed the admin in: a success, which uses none of the limit.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.http.post('/api/v1/auth/login').send({ username: 'admin', password: 'bad' })).status);
      const blocked = await limited.http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(statuses).toEqual([401, 401, 401, 401]);
      expect(blocked.status).toBe(429);
      expect(blocked.body.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
