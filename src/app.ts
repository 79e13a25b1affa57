import { INestApplication, INestApplicationContext, Logger, LogLevel, ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { rateLimit } from 'express-rate-limit';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { requestContext } from './common/request-context.js';
import { validationPipe } from './common/validation.js';
import { uploadRequestTimeoutMs } from './storage/multipart-upload.js';
import { UsersService } from './users/users.service.js';
import { resolveRedisUrl } from './queue/redis.js';
import { MetricsService } from './ops/metrics.service.js';
import { mountQueueDashboard } from './ops/queue-dashboard.js';

export const API_PREFIX = 'api/v1';

export function appLogger(config: AppConfig): ConsoleLogger {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];
  const levels = all.slice(0, all.indexOf(config.LOA_LOG_LEVEL) + 1);
  return new ConsoleLogger('Loa', { json: config.LOA_LOG_FORMAT === 'json', logLevels: levels });
}

/** Builds the Nest application for the configured roles; `listen` is left to the caller. */
export async function createApp(config: AppConfig, logger = appLogger(config)): Promise<INestApplication> {
  const redisUrl = await resolveRedisUrl(config);
  const app = await NestFactory.create(AppModule.forConfig(config, redisUrl), { logger, bodyParser: true });
  // 1 MB of JSON: a full batch of 500 device receipts with their error texts fits.
  app.use(json({ limit: '1mb' }));
  app.enableShutdownHooks();
  app.getHttpAdapter().getInstance().set('trust proxy', 'loopback');
  (app.getHttpServer() as Server).requestTimeout = uploadRequestTimeoutMs(config.LOA_MAX_UPLOAD_MB);
  app.use((req: Request, _res: Response, next: NextFunction) => requestContext.run({ ip: req.ip }, next));
  app.use(app.get(MetricsService).httpTimer());
  mountQueueDashboard(app);
  // Only logins are rate-limited (per client address): guessing passwords is the threat.
  app.use(`/${API_PREFIX}/auth/login`, rateLimit({ windowMs: 60_000, limit: config.LOA_LOGIN_LIMIT_PER_MIN, standardHeaders: 'draft-7', legacyHeaders: false, message: { statusCode: 429, error: 'Too Many Requests', message: 'too many login attempts; wait a minute' } }));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics', 'admin/queues', 'admin/queues/{*path}'] });
  app.useGlobalPipes(validationPipe());
  const docs = new DocumentBuilder().setTitle('Loa API').setDescription('Grassroots loudspeaker broadcast scheduler').setVersion('1').addBearerAuth().build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, docs));
  await app.init();
  await app.get(UsersService).bootstrapAdmin(config.LOA_ADMIN_PASSWORD);
  return app;
}

/** A worker-only process: no HTTP server, just queues and the scheduler. */
export async function createWorkerContext(config: AppConfig, logger = appLogger(config)): Promise<INestApplicationContext> {
  const redisUrl = await resolveRedisUrl(config);
  const context = await NestFactory.createApplicationContext(AppModule.forConfig(config, redisUrl), { logger });
  context.enableShutdownHooks();
  await context.get(UsersService).bootstrapAdmin(config.LOA_ADMIN_PASSWORD);
  Logger.log('worker started', 'Loa');
  return context;
}
