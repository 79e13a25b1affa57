import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ffmpegCli } from './helpers/audio.js';
import { waitUntil } from './helpers/waiting.js';
import { areaPath, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { FlakyProxy } from './helpers/flaky-proxy.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const PACKAGE = join(ROOT, 'receiver');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `loa-receiver-${VERSION}.tgz`;
const NULL_PLAYER = 'ffmpeg -nostdin -loglevel error -i {file} -f null -';

/** What README's "Install a receiver" prints, done here where it can be: pack, install offline, --check, the unit. */
describe('installing a receiver as the README says', () => {
  let t: TestApp;
  let dir: string;
  let bin: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = join(t.dir, 'install');
    mkdirSync(dir, { recursive: true });
  });
  afterAll(() => t.close());

  /** An HTTP server that is not Loa (or a broken proxy): it answers every request with `status` and its reason phrase. */
  async function answering(status: number) {
    const stub = { status, url: '', server: null as unknown as Server };
    stub.server = createServer((_req, res) => res.writeHead(stub.status, { 'content-type': 'text/plain' }).end(STATUS_CODES[stub.status]));
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    stub.url = `http://127.0.0.1:${(stub.server.address() as { port: number }).port}`;
    return stub;
  }

  /** Runs a command, resolving with its exit code and output whatever the code. */
  async function sh(file: string, args: string[], env: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await run(file, args, { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number | string; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, output: (e.stdout ?? '') + (e.stderr ?? '') };
    }
  }

  it('packs into the tarball the README names, which installs with npm offline', async () => {
    expect(README).toContain(`cd receiver && npm pack          # ${TARBALL}`);
    expect(README).toContain(`npm install -g ./${TARBALL}`);
    const packed = await run('npm', ['pack', '--pack-destination', dir], { cwd: PACKAGE });
    expect(packed.stdout.trim().split('\n').pop()).toBe(TARBALL);

    const prefix = join(dir, 'prefix');
    const installed = await sh('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, `./${TARBALL}`]);
    expect(installed).toMatchObject({ code: 0 });
    bin = join(prefix, 'bin', 'loa-receiver');
    expect((await sh(bin, ['--version'])).output.trim()).toBe(VERSION);
    // The README copies the unit from the installed package.
    const root = (await sh('npm', ['root', '-g', '--prefix', prefix])).output.trim();
    expect(readFileSync(join(root, 'loa-receiver', 'deploy', 'loa-receiver.service'), 'utf8')).toBe(readFileSync(join(PACKAGE, 'deploy', 'loa-receiver.service'), 'utf8'));
  }, 120_000);

  /** A speaker of commune A, its token in a file of mode 600, and a broadcast queued for it with a real rendition. */
  async function queuedSpeaker(name: string) {
    const tree = (communes ??= await areaTree(t));
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const segmentId = randomUUID();
    const path = t.app.get(AudioStorage).renditionPath(segmentId);
    await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=500:duration=2', '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', path]);
    const segment = await insertSegment(t, { id: segmentId, areaId: tree.province.id, areaPath: await areaPath(t, tree.province.id), durationSec: 2, renditionSha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
    const broadcast = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: await areaPath(t, tree.communeA.id), status: 'on_air', startsAt: new Date(Date.now() + 3_600_000), segments: [segment] });
    await insertDelivery(t, { broadcastId: broadcast.id, speakerId: speaker.id, communeId: tree.communeA.id });
    return { speaker, segmentId, tokenFile: tokenFileOf(name, speaker.deviceToken) };
  }
  let communes: Awaited<ReturnType<typeof areaTree>> | undefined;

  function tokenFileOf(name: string, token: string): string {
    const file = join(dir, `${name}.token`);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return file;
  }

  const check = (server: string, tokenFile: string, { player = NULL_PLAYER, data = join(dir, 'data') } = {}) => sh(bin, ['--check', '--server', server, '--token-file', tokenFile, '--data-dir', data, '--player', player]);
  /** The speaker's last status report, as the console shows it (reports are written once a second). */
  const reportedStatus = (speakerId: string, match: (status: Record<string, unknown>) => boolean) =>
    waitUntil(async () => (await t.http.get(`/api/v1/speakers/${speakerId}`).set(auth(t.adminToken))).body.status as Record<string, unknown> | null, (status) => status !== null && match(status), 10_000, 'the status report on the console');

  it('--check tries every part once and says everything works; its status report reaches the console', async () => {
    expect(bin).toBeDefined();
    const { speaker, segmentId, tokenFile } = await queuedSpeaker('good');
    const good = await check(t.url, tokenFile);
    const lines = good.output.trim().split('\n');
    expect(lines[0]).toBe(`loa-receiver ${VERSION} checking ${t.url}`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^ok    data directory ${join(dir, 'data')} is writable \\(\\d+ MB free; the cache may use 500 MB\\)$`)),
      expect.stringMatching(/^ok    server .* answers and accepts the token: 1 broadcast\(s\) queued; its clock is -?\d+ ms from this box's$/),
      expect.stringMatching(/^ok    push channel: the server's events reach this box \(hello after \d+ ms\)$/),
      expect.stringMatching(new RegExp(`^ok    downloaded /api/v1/device/audio/${segmentId}: \\d+ bytes in \\d+ ms, sha256 matches$`)),
      `ok    audio output: the player played half a second of silence (${NULL_PLAYER})`,
      expect.stringMatching(new RegExp(`^ok    status report accepted: the console's Receivers page shows this box \\(loa-receiver ${process.platform}-${process.arch} ${VERSION.replaceAll('.', '\\.')}\\)$`)),
      'everything works',
    ]);
    expect(good.code).toBe(0);
    expect(await reportedStatus(speaker.id, () => true)).toMatchObject({ agent: `loa-receiver ${process.platform}-${process.arch}`, version: VERSION, playing: null, outbox: 0, lastError: null });

    const idle = await createSpeaker(t, t.adminToken, communes!.communeA.id);
    const nothingQueued = await check(t.url, tokenFileOf('idle', idle.deviceToken));
    expect(nothingQueued).toMatchObject({ code: 0, output: expect.stringContaining('skip  download: nothing is queued for this speaker yet, so no audio could be fetched\n') });
  }, 120_000);

  it('--check names a token, a server or a data directory that is wrong, and a player that cannot play', async () => {
    const { tokenFile } = await queuedSpeaker('problems');
    const noAnswer = 'skip  push channel, download and status report: the server did not answer the queue read';

    const wrongToken = tokenFileOf('wrong', 'not-a-token');
    const refused = await check(t.url, wrongToken);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`FAIL  the server refused the device token in ${wrongToken} (401): it is mistyped, or the speaker's token was rotated; copy the current one from the console (Receivers)`);
    expect(refused.output).toContain(noAnswer);
    expect(refused.output).toContain('1 problem(s) found');

    const missing = await check(t.url, join(dir, 'no-such.token'));
    expect(missing.output).toContain(`FAIL  cannot read the token file ${join(dir, 'no-such.token')}: ENOENT`);
    const empty = await check(t.url, tokenFileOf('empty', ''));
    expect(empty.output).toContain(`FAIL  the token file ${join(dir, 'empty.token')} is empty: put the speaker's device token in it`);
    chmodSync(tokenFile, 0o644);
    const exposed = await check(t.url, tokenFile);
    expect(exposed.output).toContain(`FAIL  the token file ${tokenFile} is readable by other users (mode 644): chmod 600 ${tokenFile}`);
    chmodSync(tokenFile, 0o600);

    const closed = await answering(200);
    await new Promise((resolve) => closed.server.close(resolve)); // a port where nothing listens
    const nowhere = await check(closed.url, tokenFile);
    expect(nowhere.code).toBe(1);
    expect(nowhere.output).toContain(`FAIL  cannot reach the server: GET ${closed.url}/api/v1/device/queue: ECONNREFUSED. Is --server / LOA_SERVER right, is the server running, does this box have a network route to it?`);
    expect(nowhere.output).toContain(noAnswer);
    const other = await answering(404);
    const notLoa = await check(other.url, tokenFile);
    expect(notLoa.output).toContain(`FAIL  GET ${other.url}/api/v1/device/queue: answered 404: Not Found: this URL does not look like a Loa server (no /api/v1/device/queue)`);
    other.status = 503;
    const failing = await check(other.url, tokenFile);
    expect(failing.output).toContain(`FAIL  the server answered with an error: GET ${other.url}/api/v1/device/queue: answered 503: Service Unavailable`);
    other.server.close();

    writeFileSync(join(dir, 'a-file'), '');
    const notADirectory = await check(t.url, tokenFile, { data: join(dir, 'a-file', 'data') });
    expect(notADirectory.output).toContain(`FAIL  data directory ${join(dir, 'a-file', 'data')} is not writable: ENOTDIR`);

    const mute = await check(t.url, tokenFile, { player: 'ffmpeg -nostdin -loglevel error -i {file} -f alsa no-such-card' });
    expect(mute.code).toBe(1);
    expect(mute.output).toMatch(/FAIL  audio output: the player exited with code \d+: .*no-such-card.*\. Is ffmpeg installed \(apt-get install ffmpeg\), is the sound card the default ALSA device \(aplay -l\), is the user in the audio group\?/);
  }, 120_000);

  it('--check names a proxy that refuses the push channel or the status report, holds event streams back, or alters audio', async () => {
    const { speaker, tokenFile } = await queuedSpeaker('proxied');
    const proxy = new FlakyProxy(t.url);
    await proxy.up();
    try {
      proxy.refuses = (path) => path.endsWith('/device/events') || path.endsWith('/device/status');
      proxy.audioFault = () => 'corrupt';
      const refusing = await check(proxy.url, tokenFile);
      expect(refusing.code).toBe(1);
      expect(refusing.output).toContain(`FAIL  push channel: GET ${proxy.url}/api/v1/device/events: answered 502: Bad Gateway; until it works this box polls every 30 s, so an emergency reaches it up to 30 s late`);
      expect(refusing.output).toMatch(/FAIL  downloaded \/api\/v1\/device\/audio\/\S+ \(\d+ bytes\) but it does not match its sha256: something between the box and the server alters files/);
      expect(refusing.output).toContain(`FAIL  the server refused the status report: POST ${proxy.url}/api/v1/device/status: answered 502: Bad Gateway`);
      expect(refusing.output).toContain('3 problem(s) found');

      proxy.refuses = () => false;
      proxy.holdsEventStreams = true;
      proxy.audioFault = () => 'truncate';
      const holding = await check(proxy.url, tokenFile);
      expect(holding.code).toBe(1);
      expect(holding.output).toContain('FAIL  push channel: no event came through the events stream in 10 s: something between this box and the server (a proxy) holds it back');
      expect(holding.output).toMatch(/FAIL  could not download \/api\/v1\/device\/audio\/\S+: /);
      expect(holding.output).toMatch(/ok +status report accepted/);
      // The console shows the first problem the check found.
      await reportedStatus(speaker.id, (status) => /^--check: push channel: no event came through/.test(String(status.lastError)));
    } finally {
      await proxy.down();
    }
  }, 120_000);

  it('the systemd unit verifies', async () => {
    const unit = join(PACKAGE, 'deploy', 'loa-receiver.service');
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^Restart=always$/m);
    expect(text).toMatch(/^User=loa-receiver$/m);
    expect(text).toMatch(/^EnvironmentFile=\/etc\/loa-receiver\/env$/m);
    const verify = await sh('systemd-analyze', ['verify', unit]);
    if (verify.code === 'ENOENT') return console.warn('systemd-analyze is not installed here: the unit was not verified');
    expect(verify).toEqual({ code: 0, output: '' });
  }, 60_000);
});
