import type { BroadcastStatus } from '../broadcasts/broadcast.entity.js';
import type { DeviceQueueItem } from '../device/device.dto.js';

/**
 * Who a broadcast reaches: every speaker of an area's subtree, or those of `speakerIds` that lie in it.
 * Messages on the bus name audiences, never single speakers, so an emergency for a province is one
 * message whatever its number of receivers; each api process maps it to the streams it holds.
 */
export interface Audience {
  areaId: string;
  speakerIds: string[] | null;
}

export type Announcement = Audience & { item: DeviceQueueItem };
export type Withdrawal = Audience & { broadcastId: string; status: BroadcastStatus };

/** What api processes tell each other about receivers' event streams, through Redis pub/sub. */
export type PushMessage =
  /** Broadcasts created or gone on air: a `broadcast` event each. */
  | { kind: 'announce'; broadcasts: Announcement[] }
  /** Broadcasts cancelled, stopped, preempted or skipped: a `cancel` event each. */
  | { kind: 'withdraw'; broadcasts: Withdrawal[] }
  /** The speaker's token was rotated: a `token` event, then its stream closes. */
  | { kind: 'revoke'; speakerId: string }
  /** The speaker moved to another commune: its stream closes, so it reconnects to its new audience. */
  | { kind: 'moved'; speakerId: string }
  /** A stream opened: an older stream of the same speaker, in any process, closes. */
  | { kind: 'connected'; speakerId: string; connectionId: string };
