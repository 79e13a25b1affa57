import { createLoaClient, errorBody, type ErrorBody, type LoaClient } from '../../../open-api/typescript-sdk/src/index.js';
import type { DeviceQueue, DeviceStatus, Receipt, ReceiptAnswer } from './types.js';

/** A failed exchange with the server; the message names the method and URL. */
export class DeviceApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    /** HTTP status, or null when no readable answer came (network, timeout, a body that is not JSON). */
    readonly status: number | null,
    detail: string,
    /** The error answer, `{statusCode, error, message}` and whatever else it carried (`unknownBroadcastIds`). */
    readonly body?: ErrorBody,
  ) {
    super(`${method} ${url}: ${detail}`);
  }

  /** The server refused the device token (wrong, or rotated). */
  get unauthorized(): boolean {
    return this.status === 401;
  }

  /** An answer that is not 2xx. */
  static async from(request: Request, response: Response): Promise<DeviceApiError> {
    const text = await response.text().catch(() => '');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const body = errorBody(response.status, parsed, response.statusText);
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return new DeviceApiError(request.method, request.url, response.status, `answered ${response.status}: ${message}`, body);
  }
}

export interface DeviceApiOptions {
  /** Server origin, e.g. http://10.0.0.5:3000. */
  server: string;
  /** The current device token (it may change: a rotated token is read again). */
  token: () => string;
  fetch?: typeof fetch;
  /**
   * Give up on a request that has not answered in this long (default 30 s): a JSON exchange as a whole,
   * the answer's headers for audio and the event stream, and each wait for the next bytes of audio (the
   * event stream's body has its own idle limit, readEventStream's). A server killed mid-request, or a
   * proxy holding a request for an api process that is gone, then fails the request so that it is retried.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The device routes of the Loa API, authenticated by the speaker's token: the JSON ones through the
 * generated client (open-api/typescript-sdk), audio and the event stream as plain responses whose body
 * the caller reads. Every failure is a DeviceApiError.
 */
export class DeviceApi {
  private readonly fetch: typeof fetch;
  private readonly client: LoaClient;

  constructor(private readonly options: DeviceApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.client = createLoaClient({ baseUrl: options.server, token: options.token, fetch: (request) => this.fetch(request) });
    this.client.use({
      onError: ({ request, error }) => new DeviceApiError(request.method, request.url, null, describe(error)),
      onResponse: async ({ request, response }) => {
        if (!response.ok) throw await DeviceApiError.from(request, response);
      },
    });
  }

  queue(): Promise<DeviceQueue> {
    return this.json('GET /api/v1/device/queue', (signal) => this.client.GET('/api/v1/device/queue', { signal }));
  }

  receipts(receipts: Receipt[]): Promise<ReceiptAnswer> {
    return this.json('POST /api/v1/device/receipts', (signal) => this.client.POST('/api/v1/device/receipts', { body: { receipts }, signal }));
  }

  async status(status: DeviceStatus): Promise<void> {
    await this.json('POST /api/v1/device/status', (signal) => this.client.POST('/api/v1/device/status', { body: status, signal }));
  }

  /**
   * The rendition at `path` (a queue item's segment url), from byte `from` on (Range) when above 0. Its
   * body fails (a TimeoutError) when no bytes come for the timeout: the download is then retried.
   */
  audio(path: string, from: number, signal?: AbortSignal): Promise<Response> {
    return this.open(path, from > 0 ? { range: `bytes=${from}-` } : {}, signal, true);
  }

  /** GET /device/events (text/event-stream); the caller reads the body. */
  events(signal?: AbortSignal): Promise<Response> {
    return this.open('/api/v1/device/events', { accept: 'text/event-stream' }, signal, false);
  }

  /** A GET whose headers must come within the timeout; with `watchBody`, so must each piece of its body. */
  private async open(path: string, headers: Record<string, string>, signal: AbortSignal | undefined, watchBody: boolean): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = new AbortController();
    // Unref'd: a request the caller gave up on (its signal, a cancelled body) must not hold the process.
    let timer = setTimeout(() => deadline.abort(new DOMException('no answer in time', 'TimeoutError')), timeoutMs).unref();
    const request = new Request(new URL(path, this.options.server), {
      signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
      headers: { authorization: `Bearer ${this.options.token()}`, ...headers },
    });
    let response: Response;
    try {
      response = await this.fetch(request);
    } catch (error) {
      clearTimeout(timer);
      throw new DeviceApiError(request.method, request.url, null, describe(error));
    }
    clearTimeout(timer);
    if (!response.ok) throw await DeviceApiError.from(request, response);
    if (!watchBody || !response.body) return response;
    // Each piece of the body re-arms the deadline; silence for the timeout aborts the request, and the
    // body's reader gets the TimeoutError.
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => deadline.abort(new DOMException('no audio bytes in time', 'TimeoutError')), timeoutMs).unref();
    };
    rearm();
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          rearm();
          controller.enqueue(chunk);
        },
        flush: () => clearTimeout(timer),
      }),
      { signal: deadline.signal },
    );
    return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** One JSON exchange within the timeout; `route` ("GET /api/v1/...") names it if its answer cannot be read. */
  private async json<T>(route: string, call: (signal: AbortSignal) => Promise<{ data?: T; response: Response }>): Promise<T> {
    try {
      return (await call(AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS))).data as T;
    } catch (error) {
      if (error instanceof DeviceApiError) throw error;
      // The answer began but its body could not be read: cut off, too slow, or not JSON.
      const [method, path] = route.split(' ');
      const detail = (error as Error)?.name === 'TimeoutError' ? describe(error) : `unreadable answer: ${describe(error)}`;
      throw new DeviceApiError(method, new URL(path, this.options.server).toString(), null, detail);
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
