import { DynamicModule, Module } from '@nestjs/common';
import { AlertsWorkerModule } from './alerts/alerts-worker.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { AreasModule } from './areas/areas.module.js';
import { AreasWorkerModule } from './areas/areas-worker.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BroadcastsModule } from './broadcasts/broadcasts.module.js';
import { CommonModule } from './common/common.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsoleModule } from './console/console.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DeviceModule } from './device/device.module.js';
import { OpsModule } from './ops/ops.module.js';
import { PushModule } from './push/push.module.js';
import { QueueModule } from './queue/queue.module.js';
import { ReportsWorkerModule } from './reports/reports-worker.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SchedulerWorkerModule } from './schedules/scheduler-worker.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SegmentsWorkerModule } from './segments/segments-worker.module.js';
import { SegmentsModule } from './segments/segments.module.js';
import { SpeakersModule } from './speakers/speakers.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** The whole application; queue workers and the scheduler tick join only in the `worker` role. */
  static forConfig(config: AppConfig, redisUrl: string): DynamicModule {
    const workers: DynamicModule['imports'] = config.hasRole('worker') ? [SegmentsWorkerModule, SchedulerWorkerModule, ReportsWorkerModule, AreasWorkerModule, AlertsWorkerModule] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        CommonModule,
        DatabaseModule,
        QueueModule.forRedis(config, redisUrl),
        PushModule,
        AuditModule,
        ReportsModule,
        AuthModule,
        AreasModule,
        UsersModule,
        SpeakersModule,
        SegmentsModule,
        BroadcastsModule,
        SchedulesModule,
        DeviceModule,
        AlertsModule,
        OpsModule,
        ConsoleModule,
        ...workers,
      ],
    };
  }
}
