import { getSession, setSession } from './session';

export const API_BASE = '/api/v1';

/** An error answer of the API: `{statusCode, error, message}` plus whatever else it carried (e.g. `conflict`, `existingId`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(messageOf(body) ?? `HTTP ${status}`);
  }
}

function messageOf(body: Record<string, unknown>): string | undefined {
  const message = body.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function authHeaders(): Record<string, string> {
  const token = getSession()?.accessToken;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function parseBody(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { message: text };
  }
}

/** A 401 on anything but the login means the token expired or was revoked: back to the login page. */
function failed(status: number, body: Record<string, unknown>, path: string): ApiError {
  if (status === 401 && !path.startsWith('/auth/login')) setSession(null);
  return new ApiError(status, body);
}

async function send(method: string, path: string, body?: unknown, query?: Query): Promise<Response> {
  const url = API_BASE + withQuery(path, query);
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw failed(res.status, await parseBody(res), path);
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  return (await parseBody(await send(method, path, body, query))) as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, undefined, query);

/** Files behind the bearer token (audio, CSV): fetched as a Blob, for an object URL. */
export async function getBlob(path: string, query?: Query): Promise<Blob> {
  return (await send('GET', path, undefined, query)).blob();
}

export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

/** A multipart upload with progress events: fetch() cannot report upload progress, XMLHttpRequest can. */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', API_BASE + path);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = xhr.responseText ? (JSON.parse(xhr.responseText) as Record<string, unknown>) : {};
      } catch {
        body = { message: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(failed(xhr.status, body, path));
    };
    xhr.onerror = () => reject(new ApiError(0, { message: 'network error' }));
    xhr.onabort = () => reject(new ApiError(0, { message: 'aborted' }));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** Saves a Blob under a file name through a temporary link. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
