import { Agent, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';

/**
 * `fetch` over at most `maxSockets` keep-alive connections (node:http), for a process that simulates
 * thousands of receivers. With the global fetch every request that overlaps another opens a connection
 * of its own and keeps it: thousands of receivers reading their queue at once hold thousands of sockets,
 * past the open-files limit of the process and of the server (20,000 here). A real box has one or two
 * connections; the simulator's receivers share a few. A body cancelled or aborted midway destroys its
 * socket.
 */
export function pooledFetch(maxSockets: number): typeof fetch {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = httpRequest(request.url, { method: request.method, headers: Object.fromEntries(request.headers), agent, signal: request.signal }, (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
        const status = res.statusCode ?? 0;
        const empty = status === 204 || status === 304 || request.method === 'HEAD';
        // A response that has no body to read must still be drained, or its socket never goes back to the pool.
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers }));
      });
      // An aborted request fails with the signal's reason (a TimeoutError), as the global fetch's does.
      req.once('error', (error) => reject(request.signal.aborted ? request.signal.reason : error));
      req.end(body);
    });
  };
}
