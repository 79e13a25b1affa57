import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type AudioFault = 'pass' | 'truncate' | 'corrupt';

/**
 * An HTTP proxy in front of the test server, standing for the network between the box and the
 * server: it can go down (connections refused and cut) and come back on the same port, it can
 * damage audio answers (cut one short, flip bytes in one), and it can misbehave as a badly set up
 * proxy does (refuse some paths, hold event streams back).
 */
export class FlakyProxy {
  readonly audioRequests: Array<{ url: string; range: string | undefined; fault: AudioFault }> = [];
  /** Decides the fault of each audio answer, by its number (0 first). */
  audioFault: (index: number) => AudioFault = () => 'pass';
  /** Paths it answers 502 Bad Gateway itself, as a proxy that does not route them. */
  refuses: (path: string) => boolean = () => false;
  /** Holds event streams back until they end (which they never do), as a buffering proxy does. */
  holdsEventStreams = false;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => this.forward(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** The network is gone: open connections are cut, new ones refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', this.target);
    if (this.refuses(target.pathname)) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
      return;
    }
    if (this.holdsEventStreams && target.pathname.endsWith('/device/events')) {
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => answer.resume());
      res.on('close', () => upstream.destroy());
      upstream.on('error', () => res.destroy());
      return void req.pipe(upstream);
    }
    const audio = target.pathname.startsWith('/api/v1/device/audio/');
    const fault = audio ? this.audioFault(this.audioRequests.length) : 'pass';
    if (audio) this.audioRequests.push({ url: target.pathname, range: req.headers.range, fault });
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (fault === 'pass') return answer.pipe(res);
      let sent = 0;
      const length = Number(answer.headers['content-length'] ?? 0);
      answer.on('data', (chunk: Buffer) => {
        if (fault === 'truncate' && sent >= length) return;
        if (fault === 'truncate' && sent + chunk.length > length / 2) {
          const half = chunk.subarray(0, Math.max(0, Math.floor(length / 2) - sent));
          sent = length;
          answer.destroy();
          // The connection drops half-way, a moment after that much arrived (a stream that errors drops
          // what its reader had not taken yet, as on a real link the receiver reads as bytes come in).
          res.write(half, () => setTimeout(() => res.socket?.destroy(), 300));
          return;
        }
        if (fault === 'corrupt' && sent === 0) chunk = Buffer.from(chunk.map((b, i) => (i < 64 ? b ^ 0xff : b)));
        sent += chunk.length;
        res.write(chunk);
      });
      answer.on('end', () => res.end());
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
