import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../../test/helpers/free-ports.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure = '';
  const attempt = () =>
    probe().catch((error: Error) => {
      failure = ` (last probe failed: ${error.message})`;
      return false;
    });
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`drill: timed out waiting for ${what}${failure}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const healthy = (url: string) => async () => (await fetch(`${url}/health`)).ok;

/** What a morning runs on: its entry URL, the processes it may kill, and how to stop it all. */
export interface Setup {
  name: string;
  url: string;
  /** Kills one process of this role with SIGKILL and answers its pid; the setup starts it again. */
  kill?(name: 'api-1' | 'worker-1'): number;
  stop(): Promise<void>;
}

function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** One process with both roles, as `npm start` runs it. */
export async function startSingle(env: Record<string, string>, logDir: string): Promise<Setup> {
  const port = await freePorts(1);
  const log = openSync(join(logDir, 'single.log'), 'a');
  const child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: String(port), LOA_ROLES: 'api,worker' }, stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the single process', healthy(url), 180_000);
  return { name: 'single process', url, stop: () => stopped(child) };
}

/** deploy/run-cluster.sh: nginx in front of 2 api processes, 2 workers; it restarts what dies. */
export async function startCluster(env: Record<string, string>, clusterDir: string): Promise<Setup> {
  const [apiPortBase, nginxPort] = [await freePorts(2), await freePorts(1)];
  const log = openSync(join(clusterDir, '..', 'cluster.log'), 'a');
  const child = spawn('bash', [join(ROOT, 'deploy', 'run-cluster.sh')], {
    env: {
      ...env, PATH: `${process.env.PATH}:/usr/sbin`, LOA_CLUSTER_SKIP_SETUP: '1', LOA_CLUSTER_DIR: clusterDir,
      LOA_API_PROCESSES: '2', LOA_WORKER_PROCESSES: '2', LOA_API_PORT_BASE: String(apiPortBase), LOA_NGINX_LISTEN: `127.0.0.1:${nginxPort}`,
    },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${nginxPort}`;
  await waitFor('the cluster', async () => (await healthy(url)()) && (await healthy(`http://127.0.0.1:${apiPortBase + 1}`)()), 240_000);
  const pidOf = (name: string) => Number(readFileSync(join(clusterDir, `${name}.pid`), 'utf8'));
  return {
    name: 'cluster (nginx, 2 api, 2 workers)',
    url,
    kill: (name) => {
      const pid = pidOf(name);
      process.kill(pid, 'SIGKILL');
      return pid;
    },
    stop: () => stopped(child),
  };
}
