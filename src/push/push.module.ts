import { Global, Module } from '@nestjs/common';
import { DeviceNotifier } from './device-notifier.js';
import { LookaheadAnnouncer } from './lookahead-announcer.js';
import { PushBus } from './push-bus.js';
import { PushPresence } from './push-presence.js';
import { PushRepository } from './push.repository.js';
import { QueueItems } from './queue-items.js';

/**
 * The push channel's shared parts, global because broadcasts, schedules, speakers and the device API
 * all tell receivers of changes: the Redis bus, presence records, the queue item builder and the notifier.
 */
@Global()
@Module({
  providers: [PushBus, PushPresence, PushRepository, QueueItems, DeviceNotifier, LookaheadAnnouncer],
  exports: [PushBus, PushPresence, QueueItems, DeviceNotifier, LookaheadAnnouncer],
})
export class PushModule {}
