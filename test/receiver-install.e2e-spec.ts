import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { onPostgres, startTestApp, type TestApp } from './helpers/app.js';
import { ffmpegCli } from './helpers/audio.js';
import { areaPath, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, createSpeaker } from './helpers/fixtures.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const PACKAGE = join(ROOT, 'receiver');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `loa-receiver-${VERSION}.tgz`;
const NULL_PLAYER = 'ffmpeg -nostdin -loglevel error -i {file} -f null -';

/** What README's "Install a receiver" prints, done here where it can be: pack, install offline, --check, the unit. */
(onPostgres() ? describe.skip : describe)('installing a receiver as the README says', () => {
  let t: TestApp;
  let dir: string;
  let bin: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = join(t.dir, 'install');
    mkdirSync(dir, { recursive: true });
  });
  afterAll(() => t.close());

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

  it('--check says everything works, and names what is wrong when something is', async () => {
    expect(bin).toBeDefined();
    const tree = await areaTree(t);
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const segmentId = randomUUID();
    const path = t.app.get(AudioStorage).renditionPath(segmentId);
    await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=500:duration=2', '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', path]);
    const segment = await insertSegment(t, { id: segmentId, areaId: tree.province.id, areaPath: await areaPath(t, tree.province.id), durationSec: 2, renditionSha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
    const broadcast = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: await areaPath(t, tree.communeA.id), status: 'on_air', startsAt: new Date(Date.now() + 3_600_000), segments: [segment] });
    await insertDelivery(t, { broadcastId: broadcast.id, speakerId: speaker.id, communeId: tree.communeA.id });

    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${speaker.deviceToken}\n`, { mode: 0o600 });
    const data = join(dir, 'data');
    const check = (server: string, player = NULL_PLAYER, token = tokenFile) => sh(bin, ['--check', '--server', server, '--token-file', token, '--data-dir', data, '--player', player]);

    const good = await check(t.url);
    expect(good.output).toMatch(/ok +server .* answers and accepts the token: 1 broadcast/);
    expect(good.output).toMatch(new RegExp(`ok +downloaded /api/v1/device/audio/${segmentId}: \\d+ bytes .* sha256 matches`));
    expect(good.output).toMatch(/ok +audio output/);
    expect(good).toMatchObject({ code: 0, output: expect.stringContaining('everything works') });
    expect(existsSync(data)).toBe(true);

    const wrongToken = join(dir, 'wrong-token');
    writeFileSync(wrongToken, 'not-a-token\n', { mode: 0o600 });
    const refused = await check(t.url, NULL_PLAYER, wrongToken);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`FAIL  the server refused the device token in ${wrongToken} (401)`);

    const nowhere = await check('http://127.0.0.1:9');
    expect(nowhere.code).toBe(1);
    expect(nowhere.output).toContain('FAIL  cannot reach the server: GET http://127.0.0.1:9/api/v1/device/queue');

    const mute = await check(t.url, 'ffmpeg -nostdin -loglevel error -i {file} -f alsa no-such-card');
    expect(mute.code).toBe(1);
    expect(mute.output).toMatch(/FAIL  audio output: the player exited with code \d+: .*no-such-card/);

    chmodSync(tokenFile, 0o644);
    const exposed = await check(t.url);
    expect(exposed.output).toContain(`is readable by other users (mode 644): chmod 600 ${tokenFile}`);
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
