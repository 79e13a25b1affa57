import type { BroadcastStatus } from './types';

/** A broadcast's status as the console shows it: the API's, told apart where it misleads a reader. */
export type ShownStatus = BroadcastStatus | 'awaiting_receipts';

/**
 * The API keeps a broadcast `on_air` until its finalise job runs, LOA_RECEIPT_GRACE_SEC after
 * `endsAt`, so that late receipts still count; but nothing plays after `endsAt`. From then until it
 * is finalised it is shown as waiting for receipts.
 */
export function shownStatus(broadcast: { status: BroadcastStatus; endsAt: string }, now = Date.now()): ShownStatus {
  return broadcast.status === 'on_air' && Date.parse(broadcast.endsAt) <= now ? 'awaiting_receipts' : broadcast.status;
}
