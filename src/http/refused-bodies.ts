import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** How much of a refused request's body is read and thrown away, at most, before its connection is cut. */
export const REFUSED_BODY_DRAIN_BYTES = 32 * 1024 * 1024;
/** How long a refused request's body is read, at most (a client that trickles does not hold a socket). */
export const REFUSED_BODY_DRAIN_MS = 30_000;

/**
 * A request refused before its body was read (401, 403 on an upload; 413, 415 by the body parser)
 * still gets its answer to every client: the rest of the body is read and discarded, up to a
 * bound, instead of the socket being closed under a client that is still sending. Closed with
 * unread bytes, a socket answers them with a reset, and a client such as Node's fetch then loses
 * the answer it had not read yet (EPIPE). Past the bound, the connection is cut: by then the client
 * has had the answer for a while.
 */
export function drainRefusedBodies(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (reply.statusCode >= 400 && !raw.complete && !raw.destroyed) {
      // Fastify asks to close after a body parser error: Node would then destroy the socket as soon as
      // the answer is written, unread bytes and all. Drained, the connection can serve again.
      reply.removeHeader('connection');
      drain(raw);
    }
    done(null, payload);
  });
}

function drain(request: IncomingMessage): void {
  let left = REFUSED_BODY_DRAIN_BYTES;
  const cut = () => request.socket.destroy();
  const timer = setTimeout(cut, REFUSED_BODY_DRAIN_MS).unref();
  const stop = () => clearTimeout(timer);
  request.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) {
      stop();
      cut();
    }
  });
  request.once('end', stop);
  request.once('close', stop);
  request.resume();
}
