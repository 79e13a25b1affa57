/** The device API's shapes (SPEC §6, §8, §9), from the generated client's schema (open-api/loa-api.json). */
import type { Schemas } from '../../../open-api/typescript-sdk/src/index.js';

export type Priority = Schemas['Priority'];

export type QueueSegment = Schemas['DeviceQueueSegment'];

/** One item of GET /device/queue, and the data of a pushed `broadcast` event. */
export type QueueItem = Schemas['DeviceQueueItem'];

export type DeviceQueue = Schemas['DeviceQueue'];

export type Receipt = Schemas['ReceiptBatch']['receipts'][number];

export type ReceiptAnswer = Schemas['ReceiptResult'];

/** The 404 answer to a receipt batch naming broadcasts not addressed to this speaker (nothing of the batch was recorded). */
export type ReceiptsRefused = Schemas['UnknownBroadcastsErrorDto'];

/** POST /device/status. */
export type DeviceStatus = Schemas['DeviceStatusReport'];

export type PlayingNow = NonNullable<DeviceStatus['playing']>;

/** The data of each event of GET /device/events, by event name. */
export interface PushEventData {
  hello: Schemas['DeviceHelloEvent'];
  broadcast: QueueItem;
  cancel: Schemas['DeviceCancelEvent'];
  token: Schemas['DeviceTokenEvent'];
}

export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };
