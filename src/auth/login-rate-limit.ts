import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';

/**
 * Only logins are rate-limited (per client address): guessing passwords is the threat. The limit
 * is registered once, off by default, and switched on by `@LoginRateLimited()` on the route.
 */
export async function registerLoginRateLimit(app: NestFastifyApplication, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => ({ statusCode: 429, error: 'Too Many Requests', message: 'too many login attempts; wait a minute' }),
  });
}

export const LoginRateLimited = () => RouteConfig({ rateLimit: {} });
