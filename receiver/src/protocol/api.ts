import type { DeviceQueue, DeviceStatus, Receipt, ReceiptAnswer } from './types.js';

/** A failed exchange with the server; the message names the method and URL. */
export class DeviceApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    /** HTTP status, or null when no answer came (network, timeout). */
    readonly status: number | null,
    detail: string,
    readonly body?: unknown,
  ) {
    super(`${method} ${url}: ${detail}`);
  }

  /** The server refused the device token (wrong, or rotated). */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface DeviceApiOptions {
  /** Server origin, e.g. http://10.0.0.5:3000. */
  server: string;
  /** The current device token (it may change: a rotated token is read again). */
  token: () => string;
  fetch?: typeof fetch;
  /** Give up on a request that has not answered in this long (downloads and the event stream are exempt). */
  timeoutMs?: number;
}

const API = '/api/v1';

/** The device routes of the Loa API, authenticated by the speaker's token. */
export class DeviceApi {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: DeviceApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get server(): string {
    return this.options.server;
  }

  url(path: string): string {
    return new URL(path.startsWith('/') ? path : `${API}/${path}`, this.options.server).toString();
  }

  queue(): Promise<DeviceQueue> {
    return this.json<DeviceQueue>('GET', 'device/queue');
  }

  receipts(receipts: Receipt[]): Promise<ReceiptAnswer> {
    return this.json<ReceiptAnswer>('POST', 'device/receipts', { receipts });
  }

  async status(status: DeviceStatus): Promise<void> {
    await this.json('POST', 'device/status', status);
  }

  /** The rendition at `path` (a queue item's segment url), from byte `from` on (Range) when above 0. */
  audio(path: string, from: number, signal?: AbortSignal): Promise<Response> {
    return this.open('GET', path, from > 0 ? { range: `bytes=${from}-` } : {}, signal);
  }

  /** GET /device/events (text/event-stream); the caller reads the body. */
  events(signal?: AbortSignal): Promise<Response> {
    return this.open('GET', 'device/events', { accept: 'text/event-stream' }, signal);
  }

  /** A request whose answer must be 2xx; the body is left to the caller. */
  async open(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal, body?: string): Promise<Response> {
    const url = this.url(path);
    let res: Response;
    try {
      res = await this.fetch(url, { method, body, signal, headers: { authorization: `Bearer ${this.options.token()}`, ...headers } });
    } catch (error) {
      throw new DeviceApiError(method, url, null, describe(error));
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      const message = (parsed as { message?: unknown })?.message ?? text;
      throw new DeviceApiError(method, url, res.status, `answered ${res.status}${message ? `: ${typeof message === 'string' ? message : JSON.stringify(message)}` : ''}`, parsed);
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    const res = await this.open(method, path, body === undefined ? {} : { 'content-type': 'application/json' }, signal, body === undefined ? undefined : JSON.stringify(body));
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch (error) {
      throw new DeviceApiError(method, this.url(path), res.status, `unreadable answer: ${describe(error)}`);
    }
  }
}

/** The most telling message of a fetch failure (undici hides the cause: ECONNREFUSED, ENOTFOUND...). */
export function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.cause?.code) return `${e.cause.code}${e.cause.message && !e.cause.message.includes(e.cause.code) ? ` (${e.cause.message})` : ''}`;
  return e?.cause?.message ?? e?.message ?? String(error);
}
