import type { Readable } from 'node:stream';

/** Parses a child process's JSON-line log as it comes; a line that is not JSON goes to `raw`. */
export function onJsonLines<T>(stream: Readable, line: (parsed: T) => void, raw: (text: string) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const text of lines) {
      let parsed: T;
      try {
        parsed = JSON.parse(text) as T;
      } catch {
        raw(text);
        continue;
      }
      line(parsed);
    }
  });
}
