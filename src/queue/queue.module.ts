import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { QueueName } from './queue.constants.js';

export const REDIS_URL = 'loa:redis-url';

@Global()
@Module({})
export class QueueModule {
  static forRedis(config: AppConfig, redisUrl: string): DynamicModule {
    const queues = BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name })));
    return {
      module: QueueModule,
      imports: [BullModule.forRoot({ connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: config.LOA_QUEUE_PREFIX }), queues],
      providers: [{ provide: REDIS_URL, useValue: redisUrl }],
      exports: [queues, REDIS_URL],
    };
  }
}
