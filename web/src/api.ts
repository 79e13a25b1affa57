import { createLoaClient, errorBody, LoaApiError, ok, type LoaClient } from '../../open-api/typescript-sdk/src/index';
import { getSession, setSession } from './session';

export { ok };

/** An error answer of the API: `{statusCode, error, message}` plus whatever else it carried (e.g. `conflict`, `existingId`); status 0 for a network failure. */
export { LoaApiError as ApiError };

/** Routes whose 401 is about a password or code typed on the page (a wrong one), not about the session. */
const PASSWORD_CHECKS = new Set(['/api/v1/auth/login', '/api/v1/auth/password', '/api/v1/auth/totp']);

/** The generated client (open-api/typescript-sdk) on the page's own origin, with the session's token. */
export const api: LoaClient = createLoaClient({ baseUrl: '', token: () => getSession()?.accessToken });

// A 401 elsewhere means the token expired or was revoked: back to the login page.
api.use({
  onResponse({ request, response }) {
    if (response.status === 401 && !PASSWORD_CHECKS.has(new URL(request.url).pathname)) setSession(null);
  },
  onError() {
    return new LoaApiError(0, { statusCode: 0, error: 'network error', message: 'network error' });
  },
});

/** Files behind the bearer token (audio, CSV): an answer read as a Blob, for an object URL. */
export const blob = (call: Promise<{ data?: Blob; error?: unknown; response: Response }>): Promise<Blob> => ok(call);

export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

/**
 * A multipart upload with progress events: fetch() cannot report upload progress, XMLHttpRequest can.
 * `T` is the answer's documented type, e.g. `Schemas['SegmentDto']`.
 */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path);
    const token = getSession()?.accessToken;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      } catch {
        // not JSON: kept as text for the error message
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      if (xhr.status === 401) setSession(null);
      reject(new LoaApiError(xhr.status, errorBody(xhr.status, body, xhr.statusText)));
    };
    xhr.onerror = () => reject(new LoaApiError(0, { statusCode: 0, error: 'network error', message: 'network error' }));
    xhr.onabort = () => reject(new LoaApiError(0, { statusCode: 0, error: 'aborted', message: 'aborted' }));
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
