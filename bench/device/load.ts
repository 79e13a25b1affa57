import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  statuses: Record<number, number>;
  /** Latency percentiles, milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Bodies of the 2xx answers, when asked for. */
  bodies: unknown[];
  /** Open loop only: the server fell more than 2 s of requests behind, so sending stopped early. */
  overloaded: boolean;
}

export interface LoadOptions {
  url: string;
  /** Keep-alive connections to 127.0.0.1 (at most, with `rate`). */
  connections: number;
  /** Stop after this long... */
  seconds?: number;
  /** ...or after this many requests, whichever comes first. */
  requests?: number;
  /**
   * Open loop: start a request every 1/rate s whatever the answers do, and time each from when it was
   * due (no coordinated omission). Without it, closed loop: each connection sends its next request as
   * soon as the previous answer is in (maximum throughput).
   */
  rate?: number;
  keepBodies?: boolean;
  /** Builds request i. */
  next: (i: number) => LoadRequest;
}

/** A small autocannon on node:http. */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const target = new URL(opts.url);
  if (target.hostname !== '127.0.0.1') throw new Error('benchmarks only load 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const bodies: unknown[] = [];
  const limit = opts.requests ?? Infinity;
  const deadline = performance.now() + (opts.seconds ?? Infinity) * 1000;
  let issued = 0;
  const started = performance.now();

  const send = (req: LoadRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
      const headers: Record<string, string | number> = { authorization: `Bearer ${req.token}` };
      if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      const outgoing = request({ agent, host: target.hostname, port: target.port, method: req.method, path: req.path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });

  const timed = async (i: number, since: number) => {
    const { status, body } = await send(opts.next(i));
    latencies.push(performance.now() - since);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (opts.keepBodies && status < 300) bodies.push(JSON.parse(body));
  };
  const more = () => issued < limit && performance.now() < deadline;

  let overloaded = false;
  if (opts.rate) {
    const interval = 1000 / opts.rate;
    const inFlight = new Set<Promise<void>>();
    for (let due = started; more() && !overloaded; await new Promise((resolve) => setTimeout(resolve, 1))) {
      overloaded = inFlight.size > opts.rate * 2;
      for (; due <= performance.now() && more() && !overloaded; due += interval) {
        const pending = timed(issued++, due).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
      }
    }
    await Promise.all(inFlight);
  } else {
    const connection = async () => {
      while (more()) await timed(issued++, performance.now());
    };
    await Promise.all(Array.from({ length: opts.connections }, connection));
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, statuses, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, bodies, overloaded };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
