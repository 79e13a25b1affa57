import { spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, ADMIN_PASSWORD, type TestApp } from './helpers/app.js';
import { docSessions, sessionScript, type DocSession } from './helpers/doc-sessions.js';

const SESSION_TIMEOUT_MS = 150_000;
const ROOT = join(import.meta.dirname, '..');
const sessions = docSessions(ROOT);

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-s'], { cwd, env: { ...process.env, ...env }, timeout: SESSION_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(script);
  });
}

describe('documented shell sessions run as printed', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the README has a first-broadcast session', () => {
    expect(sessions.map((session) => session.name)).toContain('first-broadcast');
  });

  it.each(sessions.map((session) => [session.name, session] as [string, DocSession]))('session %s', async (name, session) => {
    // Each session starts from nothing: its own server, and a directory holding what a clone's root
    // offers a reader (the sample files under docs/).
    t = await startTestApp();
    const cwd = join(t.dir, `session-${name}`);
    mkdirSync(cwd, { recursive: true });
    cpSync(join(ROOT, 'docs'), join(cwd, 'docs'), { recursive: true });
    const { code, output } = await runBash(sessionScript(session, t.url), cwd, { LOA_ADMIN_PASSWORD: ADMIN_PASSWORD });
    if (process.env.LOA_TEST_SHOW_SESSIONS) console.log(output);
    if (code !== 0) throw new Error(`session ${name} exited with ${code}:\n${output.slice(-6000)}`);
  }, SESSION_TIMEOUT_MS + 10_000);
});
