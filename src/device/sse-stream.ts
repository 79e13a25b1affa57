import type { ServerResponse } from 'node:http';

/** One event in text/event-stream framing, encoded once to be written to any number of streams. JSON never holds a raw newline, so one data line. */
export const sseEvent = (event: string, data: unknown): Buffer => Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/** A comment line: keeps proxies and the receiver's watchdog from taking a quiet stream for a dead one. */
export const SSE_HEARTBEAT = Buffer.from(':\n\n');

/**
 * A Server-Sent Events response on a raw Node response (Fastify's reply hijacked).
 *
 * Written by hand rather than with better-sse, fastify-sse-v2 or Nest's @Sse (evaluated): none of them
 * bounds what it buffers for a slow client (better-sse ignores write()'s answer; Nest's SseStream and
 * fastify-sse-v2 queue without limit in a Transform or a pushable), each serialises an event per
 * session where an emergency to 20,000 receivers wants one Buffer written to every socket, and each
 * adds objects per connection (better-sse a WHATWG Request, Response and AbortController; Nest an
 * Observable and a Transform) where an idle stream should cost little more than its socket.
 *
 * Backpressure: a frame is written only while the bytes Node holds unsent for this response stay within
 * `maxBufferedBytes` (the kernel's socket buffer comes first); beyond that the client is too slow or
 * gone, and the stream is dropped: the receiver reconnects and re-reads its queue.
 */
export class SseStream {
  private ended = false;

  constructor(private readonly response: ServerResponse, private readonly maxBufferedBytes: number) {}

  open(): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx: pass events through at once rather than buffering the response.
      'x-accel-buffering': 'no',
    });
    this.response.flushHeaders();
  }

  get closed(): boolean {
    return this.ended || this.response.destroyed || this.response.writableEnded;
  }

  /** Writes a frame; answers false when the stream is closed, or was dropped because the client is too slow. */
  send(frame: Buffer): boolean {
    if (this.closed) return false;
    if (this.response.writableLength + frame.length > this.maxBufferedBytes) {
      this.drop();
      return false;
    }
    this.response.write(frame);
    return true;
  }

  /** Ends the stream, after a last frame if given. */
  end(frame?: Buffer): void {
    if (this.closed) return;
    this.ended = true;
    if (frame && this.response.writableLength + frame.length <= this.maxBufferedBytes) this.response.end(frame);
    else this.response.end();
  }

  onClose(listener: () => void): void {
    this.response.once('close', listener);
  }

  private drop(): void {
    this.ended = true;
    this.response.destroy();
  }
}
