import { ApiProperty } from '@nestjs/swagger';
import { BROADCAST_STATUSES, type BroadcastStatus } from '../broadcasts/broadcast.entity.js';

/**
 * The data of the push channel's events (GET /device/events, SPEC §9). A `broadcast` event carries a
 * DeviceQueueItem, exactly as in /device/queue. Named in the document (`x-events` on the stream's
 * media type) so that receivers take their types from the generated client.
 */
export class DeviceHelloEvent {
  @ApiProperty({ format: 'date-time', description: "the server's clock as the stream opened" })
  now: string;
}

export class DeviceCancelEvent {
  @ApiProperty({ format: 'uuid' })
  broadcastId: string;
  @ApiProperty({ enum: BROADCAST_STATUSES, enumName: 'BroadcastStatus', description: 'what became of it: cancelled, stopped, preempted or skipped' })
  status: BroadcastStatus;
}

export class DeviceTokenEvent {
  @ApiProperty({ type: 'boolean', enum: [true], description: "the speaker's token was rotated: this stream ends, and the old token no longer works" })
  revoked: true;
}
