import { Injectable } from '@nestjs/common';

/** Something at the other end of a URL that could not be had within the limits; `message` is fit for a 400. */
export class FetchError extends Error {}

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  accept?: string;
}

/**
 * Outbound HTTP (CAP resources given by `uri`, Atom feeds of CAP messages): http and https only, a
 * deadline for the whole transfer and a size bound checked as the bytes arrive, so a slow or endless
 * answer cannot hold an alert up or fill memory.
 */
@Injectable()
export class HttpFetcher {
  async fetch(url: string, limits: FetchLimits): Promise<{ body: Buffer; contentType: string | null }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new FetchError(`"${url}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new FetchError(`${parsed.protocol} URLs are not fetched (http and https only)`);
    const signal = AbortSignal.timeout(limits.timeoutMs);
    try {
      const response = await fetch(parsed, { signal, redirect: 'follow', headers: limits.accept ? { accept: limits.accept } : {} });
      if (!response.ok) throw new FetchError(`${url} answered ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) throw new FetchError(`${url} is ${declared} bytes, more than the ${limits.maxBytes} allowed`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > limits.maxBytes) throw new FetchError(`${url} is more than the ${limits.maxBytes} bytes allowed`);
        chunks.push(Buffer.from(chunk));
      }
      return { body: Buffer.concat(chunks), contentType: response.headers.get('content-type') };
    } catch (error) {
      if (error instanceof FetchError) throw error;
      if (signal.aborted) throw new FetchError(`${url} did not answer within ${limits.timeoutMs / 1000} s`);
      throw new FetchError(`${url} could not be fetched: ${(error as Error).message}`);
    }
  }
}
