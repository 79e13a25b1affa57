import { INestApplication, INestApplicationContext, Logger, LogLevel, ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { validationPipe } from './common/validation.js';
import { installHttpHooks } from './http/http-hooks.js';
import { installXmlBodies } from './http/xml-bodies.js';
import { uploadRequestTimeoutMs } from './storage/multipart-upload.js';
import { UsersService } from './users/users.service.js';
import { resolveRedisUrl } from './queue/redis.js';
import { MetricsService } from './ops/metrics.service.js';
import { mountQueueDashboard } from './ops/queue-dashboard.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';

export const API_PREFIX = 'api/v1';

/** Every route is under /api/v1 but the operations probes. */
export const prefixRoutes = (app: INestApplication): void => void app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });

/** 1 MB of JSON: a full batch of 500 device receipts with their error texts fits. */
const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

export function appLogger(config: AppConfig): ConsoleLogger {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];
  const levels = all.slice(0, all.indexOf(config.LOA_LOG_LEVEL) + 1);
  return new ConsoleLogger('Loa', { json: config.LOA_LOG_FORMAT === 'json', logLevels: levels });
}

/**
 * Builds the Nest application for the configured roles on Fastify (every receiver polls every few
 * seconds: Fastify serves a request for a quarter of Express' CPU); `listen` is left to the caller.
 */
export async function createApp(config: AppConfig, logger = appLogger(config)): Promise<INestApplication> {
  const redisUrl = await resolveRedisUrl(config);
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    trustProxy: config.LOA_TRUST_PROXY,
    requestTimeout: uploadRequestTimeoutMs(config.LOA_MAX_UPLOAD_MB),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, redisUrl), adapter, { logger });
  app.enableShutdownHooks();
  installHttpHooks(app.getHttpAdapter().getInstance(), app.get(MetricsService));
  installXmlBodies(app.getHttpAdapter().getInstance(), config.LOA_ALERT_MAX_MB, [`/${API_PREFIX}/alerts`]);
  await mountQueueDashboard(app);
  prefixRoutes(app);
  app.useGlobalPipes(validationPipe());
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
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
