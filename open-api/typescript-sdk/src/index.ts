/**
 * The Loa API client: the generated types (schema.ts, from open-api/loa-api.json) over openapi-fetch.
 * Plain ESM TypeScript with no Node-only or browser-only import, for the console (Vite) and the
 * receiver (esbuild) alike: import it by relative path.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** Every named schema of the API: `Schemas['SegmentDto']`. */
export type Schemas = components['schemas'];

export type LoaClient = Client<paths>;

export interface LoaClientOptions {
  /** Origin of the server, e.g. `http://10.0.0.5:3000`; '' for the page's own origin in a browser. */
  baseUrl: string;
  /** The bearer token to send, read before every request (a user's access token or a speaker's device token). */
  token?: () => string | null | undefined;
  /** A fetch of your own (defaults to globalThis.fetch). */
  fetch?: (request: Request) => Promise<Response>;
}

export function createLoaClient({ baseUrl, token, fetch }: LoaClientOptions): LoaClient {
  const client = createClient<paths>({ baseUrl, querySerializer: serialiseQuery, ...(fetch ? { fetch } : {}) });
  if (token) {
    client.use({
      onRequest({ request }) {
        const value = token();
        if (value) request.headers.set('Authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}

/** Query values left empty mean "no filter": nothing is sent for them (`?status=` would be refused). */
function serialiseQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}

/** An error answer: `{statusCode, error, message}` and whatever else it carried (`conflict`, `existingId`, `unknownBroadcastIds`...). */
export type ErrorBody = Schemas['ErrorDto'] & Record<string, unknown>;

export class LoaApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(Array.isArray(body.message) ? body.message.join('; ') : body.message || `HTTP ${status}`);
    this.name = 'LoaApiError';
  }
}

/** What an answer that is not JSON is read as, e.g. `{ status: 502, error: 'Bad Gateway', message: <text> }`. */
export function errorBody(status: number, body: unknown, statusText = ''): ErrorBody {
  if (body && typeof body === 'object' && 'message' in body) return { statusCode: status, error: statusText, ...(body as Record<string, unknown>) } as ErrorBody;
  return { statusCode: status, error: statusText, message: typeof body === 'string' && body ? body : `HTTP ${status}` };
}

/**
 * The data of an openapi-fetch call, or a LoaApiError: `const area = await ok(api.GET('/api/v1/areas/{id}', ...))`.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new LoaApiError(response.status, errorBody(response.status, error, response.statusText));
  return data as T;
}
