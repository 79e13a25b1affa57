import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { Public } from '../auth/decorators.js';
import { MediaRepository } from '../media/media.repository.js';
import { QueueName } from '../queue/queue.constants.js';
import { HealthDto } from './health.dto.js';

/** GET /health: database, Redis and ffmpeg, each with its own status; 503 when any is down. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly media: MediaRepository,
    @InjectQueue(QueueName.Transcode) private readonly queue: Queue,
  ) {}

  @Public()
  @Get()
  // Documented here: terminus' own documentation finds @nestjs/swagger only where require() can load it.
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto, description: 'database, Redis and ffmpeg are up' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'something is down: `error` names it' })
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      () => this.indicators.check('redis').attempt(async () => ({ transcodeWaiting: (await this.queue.getJobCounts('waiting')).waiting })).withTimeout(3000),
      () => this.indicators.check('ffmpeg').attempt(async () => ({ version: await this.media.ffmpegVersion() })).withTimeout(5000),
    ]);
  }
}
