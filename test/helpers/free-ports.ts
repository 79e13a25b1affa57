import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The first of `count` consecutive free ports (deploy/run-cluster.sh puts its api processes on
 * consecutive ports), taken below the kernel's ephemeral range: a port found free inside that range
 * can be taken by any outgoing connection (a test's Redis or PostgreSQL client) before the process
 * meant to listen on it starts.
 */
export async function freePorts(count: number): Promise<number> {
  const ephemeralLow = ephemeralRangeStart();
  const low = 10_000;
  for (;;) {
    const first = low + Math.floor(Math.random() * (ephemeralLow - low - count));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await canListen(first + i);
    if (free) return first;
  }
}

function ephemeralRangeStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
