import type { ReceiverEvent } from './protocol/events.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** One JSON object per line on stdout (journald keeps them; `journalctl -u loa-receiver -o cat | jq` reads them). */
export function jsonLog(minimum: keyof typeof LEVELS = 'info') {
  return (event: ReceiverEvent): void => {
    if (LEVELS[event.level] < LEVELS[minimum]) return;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  };
}
