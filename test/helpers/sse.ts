import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
  at: number;
}

/**
 * A receiver's view of `GET /device/events`: the events in order, heartbeat comments counted, and
 * whether the server ended the stream. `next()` waits for an event not consumed yet.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  status = 0;
  private read = 0;
  private request?: ClientRequest;
  private waiters: Array<() => void> = [];

  private constructor(private readonly url: string, private readonly token: string) {}

  /** Connects and resolves once the response headers arrive (any status). */
  static async connect(baseUrl: string, token: string): Promise<SseClient> {
    const client = new SseClient(`${baseUrl}/api/v1/device/events`, token);
    await client.start();
    return client;
  }

  private start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request = request(this.url, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' } }, (response: IncomingMessage) => {
        this.status = response.statusCode ?? 0;
        let buffered = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffered += chunk;
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            this.frame(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
          }
        });
        response.on('close', () => {
          this.ended = true;
          this.wake();
        });
        resolve();
      });
      this.request.on('error', (error) => {
        this.ended = true;
        this.wake();
        reject(error);
      });
      this.request.end();
    });
  }

  private frame(text: string): void {
    if (text.startsWith(':')) this.comments++;
    else {
      const lines = Object.fromEntries(text.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
      this.events.push({ event: lines.event ?? 'message', data: JSON.parse(lines.data), at: Date.now() });
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The next unread event matching `where` (events skipped on the way stay readable by `events`). */
  async next(where: (event: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.events.length) {
        const event = this.events[this.read++];
        if (where(event)) return event;
      }
      if (this.ended) throw new Error(`stream ended before the expected event; seen: ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no expected event within ${timeoutMs} ms; seen: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Resolves when the server ends the stream. */
  async closed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`stream still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Events of one kind about one broadcast. */
  about(event: string, broadcastId: string): SseEvent[] {
    return this.events.filter((e) => e.event === event && (e.data as { broadcastId?: string }).broadcastId === broadcastId);
  }

  close(): void {
    this.request?.destroy();
  }
}
