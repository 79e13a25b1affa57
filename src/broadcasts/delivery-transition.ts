import type { DeliveryStatus } from './delivery.entity.js';

/**
 * One delivery's status change, as written by DeliveriesRepository: `from` is null when the delivery
 * is created. Report rollups are maintained from these, in the same transaction.
 */
export interface DeliveryTransition {
  broadcastId: string;
  speakerId: string;
  /** The commune snapshotted on the delivery (where the speaker was when the broadcast aired). */
  communeId: string;
  from: DeliveryStatus | null;
  to: DeliveryStatus;
}
