import { createParser } from 'eventsource-parser';

export interface PushedEvent {
  type: string;
  data: string;
}

/**
 * Reads one Server-Sent Events stream (an answered GET /device/events) until it ends, calling
 * `onEvent` for each event. The server sends a comment at least every 30 s, so a stream silent for
 * `idleMs` is taken for dead (a NAT or proxy dropped it without a FIN) and cancelled. Resolves
 * when the stream ends or `signal` aborts; rejects when reading fails or the stream went idle.
 */
export async function readEventStream(response: Response, onEvent: (event: PushedEvent) => void, idleMs: number, signal?: AbortSignal): Promise<void> {
  if (!response.body) throw new Error('event stream without a body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (event) => onEvent({ type: event.event ?? 'message', data: event.data }) });
  let idle = false;
  let timer = setTimeout(onIdle, idleMs);
  // Cancelling a body the fetch's own signal has already broken off rejects: nothing is left to stop then.
  const cancel = () => void reader.cancel().catch(() => undefined);
  function onIdle() {
    idle = true;
    cancel();
  }
  const onAbort = cancel;
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (idle) throw new Error(`event stream silent for ${Math.round(idleMs / 1000)} s`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
