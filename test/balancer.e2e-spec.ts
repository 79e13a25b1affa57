import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { makeSilence } from './helpers/audio.js';
import { ADMIN_PASSWORD, testEnvironment } from './helpers/app.js';
import { auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { SseClient } from './helpers/sse.js';
import { waitUntil } from './helpers/waiting.js';
import { freePorts } from './helpers/free-ports.js';

/**
 * deploy/run-cluster.sh as the README runs it: Debian's nginx (config rendered from
 * deploy/nginx/loa.conf.template and checked with nginx -t) in front of two api processes and a
 * worker, on the suite's own database and Redis prefix.
 */
describe('nginx in front of two api processes (deploy/run-cluster.sh)', () => {
  // A heartbeat every second: the push stream test sees several pass through nginx in a few seconds.
  const { env, dir, cleanup } = testEnvironment({ LOA_LOGIN_LIMIT_PER_MIN: '5', LOA_MAX_UPLOAD_MB: '2', LOA_LOG_FORMAT: 'json', LOA_PUSH_HEARTBEAT_SEC: '1' });
  const clusterDir = join(dir, 'cluster');
  let cluster: ChildProcess;
  let output = '';
  let http: ReturnType<typeof request>;
  let nginxUrl: string;
  let apiPortBase: number;
  let adminToken: string;

  beforeAll(async () => {
    apiPortBase = await freePorts(2);
    const nginxPort = await freePorts(1);
    cluster = spawn('bash', ['deploy/run-cluster.sh'], {
      env: {
        PATH: `${process.env.PATH}:/usr/sbin`, ...env, LOA_CLUSTER_SKIP_SETUP: '1', LOA_CLUSTER_DIR: clusterDir,
        LOA_API_PROCESSES: '2', LOA_WORKER_PROCESSES: '1', LOA_API_PORT_BASE: String(apiPortBase), LOA_NGINX_LISTEN: `127.0.0.1:${nginxPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cluster.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cluster.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(async () => output, (text) => text.includes('cluster: ready') || cluster.exitCode !== null, 90_000, 'the cluster to start');
    if (!output.includes('cluster: ready')) throw new Error(`run-cluster.sh failed:\n${output}`);
    nginxUrl = `http://127.0.0.1:${nginxPort}`;
    http = request(nginxUrl);
    // Before the login-limit test spends this address's attempts for the next minute.
    adminToken = (await http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD })).body.accessToken;
  }, 120_000);

  afterAll(async () => {
    if (cluster?.exitCode === null) {
      const exited = new Promise((resolve) => cluster.once('exit', resolve));
      cluster.kill('SIGTERM');
      await exited;
    }
    await cleanup();
  }, 60_000);

  const pidOf = (name: string) => Number(readFileSync(join(clusterDir, `${name}.pid`), 'utf8'));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** Each api process reports its own start time in /metrics: which ones answered through nginx. */
  const answeringProcesses = async (requests: number) => {
    const starts = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const res = await http.get('/metrics');
      expect(res.status).toBe(200);
      starts.add(/^loa_process_start_time_seconds (\S+)$/m.exec(res.text)![1]);
    }
    return starts.size;
  };

  it('checked and rendered the configuration, and balances requests over both api processes', async () => {
    expect(output).not.toContain('[emerg]');
    expect(readFileSync(join(clusterDir, 'loa.conf'), 'utf8')).toContain(`server 127.0.0.1:${apiPortBase + 1}`);
    expect((await http.get('/health')).status).toBe(200);
    expect(await answeringProcesses(6)).toBe(2);
  });

  /** A speaker of a commune of its own, made through nginx. */
  const newSpeaker = async (code: string) => createSpeaker({ http }, adminToken, (await createArea({ http }, adminToken, { name: `Xã ${code}`, code: `${code}-${process.pid}`, kind: 'commune' })).id, 'Cụm loa thôn 1');

  it('keeps answering when an api process is killed, receivers\' reports in flight on it included, and the runner starts it again', async () => {
    const speaker = await newSpeaker('BAL-KILL');
    const report = { agent: 'loa-receiver linux-arm64', version: '1.4.0', playing: null, cacheBytes: 0, freeBytes: 8_000_000_000, outbox: 0, clockOffsetMs: 0 };
    const answers: number[] = [];
    let reporting = true;
    // Eight receivers reporting back to back over both api processes: some reports are on api-1 when it dies.
    const reporters = Array.from({ length: 8 }, async () => {
      while (reporting) answers.push((await http.post('/api/v1/device/status').set(auth(speaker.deviceToken)).send(report)).status);
    });
    await waitUntil(async () => answers.length, (n) => n >= 40, 10_000, 'reports flowing through nginx');
    const killed = pidOf('api-1');
    process.kill(killed, 'SIGKILL');
    await waitUntil(async () => alive(killed), (isAlive) => !isAlive, 5_000, 'api-1 to die');
    const atKill = answers.length;
    await waitUntil(async () => answers.length, (n) => n >= atKill + 40, 10_000, 'reports after the kill');
    reporting = false;
    await Promise.all(reporters);
    // nginx sends a receiver's report that api-1 took and never answered on to api-2, rather than answering 502.
    expect(answers.filter((status) => status !== 204)).toEqual([]);
    for (let i = 0; i < 10; i++) expect((await http.get('/health')).status).toBe(200);
    await waitUntil(async () => pidOf('api-1'), (pid) => pid !== killed, 10_000, 'api-1 to be started again');
    await waitUntil(async () => (await request(`http://127.0.0.1:${apiPortBase}`).get('/health').catch(() => ({ status: 0 }))).status, (s) => s === 200, 60_000, 'api-1 healthy again');
    expect(output).toContain('api-1 exited (137); starting it again in 1 s');
    await waitUntil(() => answeringProcesses(6), (n) => n === 2, 20_000, 'both api processes answering again');
  }, 120_000);

  it('passes a push stream through at once: hello, every heartbeat comment, and an event published by the other api process', async () => {
    const speaker = await newSpeaker('BAL');
    const opened = Date.now();
    const stream = await SseClient.connect(nginxUrl, speaker.deviceToken);
    try {
      expect(stream.status).toBe(200);
      expect((await stream.next(() => true, 5_000)).event).toBe('hello');
      expect(Date.now() - opened).toBeLessThan(2_000);
      // A comment line is 3 bytes: had nginx buffered the response, none would have come through yet.
      const comments = stream.comments;
      await waitUntil(async () => stream.comments, (n) => n >= comments + 3, 6_000, 'three heartbeats through nginx');
      // Rotating the token (through nginx, on either api process) is published through Redis to the
      // process holding the stream: the event arrives, then the stream ends.
      const rotated = Date.now();
      expect((await http.post(`/api/v1/speakers/${speaker.id}/token`).set(auth(adminToken))).status).toBe(201);
      expect((await stream.next((e) => e.event === 'token', 5_000)).data).toEqual({ revoked: true });
      expect(Date.now() - rotated).toBeLessThan(2_000);
      await stream.closed(5_000);
    } finally {
      stream.close();
    }
  });

  it('keeps push streams open far longer than the api\'s longest heartbeat: no buffering, no gzip, a read timeout of its own', () => {
    const conf = readFileSync(join(clusterDir, 'loa.conf'), 'utf8');
    const events = /location = \/api\/v1\/device\/events \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(events).toMatch(/proxy_buffering off;/);
    expect(events).toMatch(/gzip off;/);
    const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
    const seconds = (value: string) => Number(value.slice(0, -1)) * unit[value.at(-1)!];
    const readTimeout = seconds(/proxy_read_timeout (\d+[smhd]);/.exec(events)![1]);
    // nginx's default (60 s) would already outlast one heartbeat (LOA_PUSH_HEARTBEAT_SEC is at most 30 s), but
    // not a stall of the api under load or a missed beat: the stream's own limit is far above both.
    expect(readTimeout).toBeGreaterThanOrEqual(20 * 30);
    expect(readTimeout).toBeGreaterThan(seconds(/proxy_read_timeout (\d+[smhd]);/.exec(conf.replace(events, ''))![1]));
  });

  it('gives the api the client address nginx saw, whatever X-Forwarded-For the client sends: login limits cannot be dodged', async () => {
    // Every attempt claims another address and names another user. Had the api believed the header,
    // each would be a first attempt; as it is they all come from nginx's view of the client, and the
    // limit (5 a minute, per api process or shared) stops them.
    const attempts = [];
    for (let i = 0; i < 20; i++) {
      attempts.push((await http.post('/api/v1/auth/login').set('X-Forwarded-For', `203.0.113.${i + 1}`).send({ username: `nobody-${i}`, password: 'wrong-password' })).status);
    }
    expect(attempts.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
    expect(attempts.filter((status) => status === 429).length).toBeGreaterThanOrEqual(10);
    const failures = await http.get('/api/v1/audit?action=auth.login_failed&limit=50').set(auth(adminToken));
    expect(failures.body.items.length).toBeGreaterThanOrEqual(5);
    expect(new Set(failures.body.items.map((e: { ip: string }) => e.ip))).toEqual(new Set(['127.0.0.1']));
  });

  it('passes uploads up to LOA_MAX_UPLOAD_MB through to the api; a larger one gets a JSON 413 (from the api just above, from nginx far above)', async () => {
    const upload = (file: string) => http.post('/api/v1/segments').set(auth(adminToken)).field('title', 'Thông báo').field('topic', 'test').field('language', 'vi').attach('file', file);
    const small = join(dir, 'small.wav');
    const over = join(dir, 'over.wav');
    const far = join(dir, 'far.wav');
    await makeSilence(small, { seconds: 10, format: 'wav', sampleRate: 44100, stereo: true }); // 1.7 MB
    await makeSilence(over, { seconds: 14, format: 'wav', sampleRate: 44100, stereo: true }); // 2.5 MB
    await makeSilence(far, { seconds: 30, format: 'wav', sampleRate: 44100, stereo: true }); // 5.3 MB
    expect(statSync(small).size).toBeLessThan(2 * 1024 * 1024);

    const accepted = await upload(small);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'processing' });
    const tooLarge = await upload(over);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, message: expect.stringContaining('2 MB') });
    const farTooLarge = await upload(far).catch((error: { response?: { status: number; body: unknown } }) => error.response!);
    expect(farTooLarge.status).toBe(413);
    expect(farTooLarge.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  }, 60_000);
});
