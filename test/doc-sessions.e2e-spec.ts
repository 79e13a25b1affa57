import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, ADMIN_PASSWORD, type TestApp } from './helpers/app.js';
import { docSessions, sessionScript, type DocSession } from './helpers/doc-sessions.js';

const SESSION_TIMEOUT_MS = 150_000;
const sessions = docSessions(join(import.meta.dirname, '..'));

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
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('the README has a first-broadcast session', () => {
    expect(sessions.map((session) => session.name)).toContain('first-broadcast');
  });

  it.each(sessions.map((session) => [session.name, session] as [string, DocSession]))('session %s', async (name, session) => {
    const cwd = join(t.dir, `session-${name}`);
    mkdirSync(cwd, { recursive: true });
    const { code, output } = await runBash(sessionScript(session, t.url), cwd, { LOA_ADMIN_PASSWORD: ADMIN_PASSWORD });
    if (process.env.LOA_TEST_SHOW_SESSIONS) console.log(output);
    if (code !== 0) throw new Error(`session ${name} exited with ${code}:\n${output.slice(-6000)}`);
  }, SESSION_TIMEOUT_MS + 10_000);
});
