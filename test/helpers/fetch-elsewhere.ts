import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** A request for another process to send with Node's fetch (undici). */
export interface RemoteRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A JSON body of about this many bytes. */
  jsonBytes?: number;
  /** A multipart upload of one file of this many MiB, streamed (chunked) as the server takes it. */
  uploadMiB?: number;
}

export type RemoteAnswer = { status: number; contentType: string | null; text: string } | { error: string };

/**
 * The client runs in a process of its own, as a receiver or a browser would: in the server's own
 * process the client's writes and the server's reads take turns on one event loop, which hides
 * what a refusal does to a client still sending (the connection reset the fuzzer met).
 */
const CLIENT = `
const requests = JSON.parse(process.argv[1]);
const answers = [];
for (const r of requests) {
  const init = { method: r.method, headers: { ...r.headers } };
  if (r.jsonBytes) {
    init.headers['content-type'] ??= 'application/json';
    init.body = JSON.stringify({ name: 'x'.repeat(r.jsonBytes), code: 'BIG', kind: 'commune' });
  }
  if (r.uploadMiB) {
    const boundary = 'loa-upload';
    init.headers['content-type'] = 'multipart/form-data; boundary=' + boundary;
    const head = new TextEncoder().encode('--' + boundary + '\\r\\nContent-Disposition: form-data; name="file"; filename="big.wav"\\r\\nContent-Type: audio/wav\\r\\n\\r\\n');
    const chunk = new Uint8Array(1024 * 1024);
    let sent = -1;
    init.duplex = 'half';
    init.body = new ReadableStream({
      pull(controller) {
        if (sent === -1) controller.enqueue(head);
        else if (sent < r.uploadMiB) controller.enqueue(chunk);
        else { controller.enqueue(new TextEncoder().encode('\\r\\n--' + boundary + '--\\r\\n')); controller.close(); }
        sent++;
      },
    });
  }
  try {
    const res = await fetch(r.url, init);
    answers.push({ status: res.status, contentType: res.headers.get('content-type'), text: await res.text() });
  } catch (error) {
    answers.push({ error: String(error.cause?.code ?? error.cause?.message ?? error.message) });
  }
}
console.log(JSON.stringify(answers));
`;

export async function fetchElsewhere(requests: RemoteRequest[]): Promise<RemoteAnswer[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CLIENT, JSON.stringify(requests)], { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
  return JSON.parse(stdout) as RemoteAnswer[];
}
