import { HttpException, HttpStatus, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { REDIS_URL } from '../queue/queue.module.js';
import { redisOptions } from '../queue/redis.js';

/** Who is trying a password (or a one-time code). */
export interface AttemptSource {
  /** The client address; null when there is none (a command line). */
  ip: string | null;
  username: string;
}

/** 429 with Retry-After (set by RetryAfterFilter, or by the queue dashboard itself). */
export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSec: number) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: `too many failed attempts; try again in ${retryAfterSec} s`, retryAfterSec }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

const WINDOW_SEC = 60;

/**
 * The one limit on guessing: every place that checks a password or a one-time code runs the check
 * through here. Failures are counted per client address and per username (LOA_LOGIN_LIMIT_PER_MIN
 * each, per minute) in Redis, so every api process shares the counts; once either count is used
 * up, checks for it answer 429 until its minute ends, whatever the password.
 *
 * Each attempt takes its point before the password is checked (so a burst of parallel guesses cannot
 * all slip in under the limit) and gives it back when it succeeds: only failures use the limit up.
 * If Redis is unreachable the counts fall back to this process' memory rather than failing logins.
 */
@Injectable()
export class PasswordAttempts implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly limiter: RateLimiterRedis;

  constructor(config: AppConfig, @Inject(REDIS_URL) redisUrl: string, private readonly audit: AuditService) {
    this.redis = new Redis({ ...redisOptions(redisUrl), maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported by /health; the memory fallback covers meanwhile
    const limit = { points: config.LOA_LOGIN_LIMIT_PER_MIN, duration: WINDOW_SEC };
    this.limiter = new RateLimiterRedis({
      ...limit,
      storeClient: this.redis,
      keyPrefix: `${config.LOA_QUEUE_PREFIX}:password-attempts`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(limit),
    });
  }

  /**
   * Runs `check` (answering what it proved, or null for a failure) under the limit. Throws
   * TooManyAttemptsException without running it when the address or the username is out of attempts.
   */
  async attempt<T>(source: AttemptSource, check: () => Promise<T | null>): Promise<T | null> {
    const keys = this.keys(source);
    const taken = await Promise.allSettled(keys.map((key) => this.limiter.consume(key)));
    const refused = taken.flatMap((result, i) => (result.status === 'rejected' ? [{ key: keys[i], result: result.reason as unknown }] : []));
    if (refused.length) {
      await this.giveBack(keys.filter((_, i) => taken[i].status === 'fulfilled'));
      const waits = refused.map(({ result }) => (result instanceof RateLimiterRes ? result.msBeforeNext : WINDOW_SEC * 1000));
      const retryAfterSec = Math.max(1, Math.ceil(Math.max(...waits) / 1000));
      await this.auditLockouts(source, refused, retryAfterSec);
      throw new TooManyAttemptsException(retryAfterSec);
    }
    const proved = await check();
    if (proved !== null) await this.giveBack(keys);
    return proved;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(source: AttemptSource): string[] {
    const keys = [`user:${source.username.toLowerCase()}`];
    if (source.ip) keys.push(`ip:${source.ip}`);
    return keys;
  }

  private async giveBack(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.limiter.reward(key, 1)));
  }

  /** The first refusal of a window is audited (the lockout starts); the rest of a flood is not, so it cannot flood the trail. */
  private async auditLockouts(source: AttemptSource, refused: Array<{ key: string; result: unknown }>, retryAfterSec: number): Promise<void> {
    const starting = refused.filter(({ result }) => result instanceof RateLimiterRes && result.consumedPoints === this.limiter.points + 1);
    if (!starting.length) return;
    await this.audit.record({
      action: 'auth.locked_out',
      userId: null,
      details: { username: source.username, ip: source.ip, limitedBy: starting.map(({ key }) => key.split(':')[0]), retryAfterSec },
    });
  }
}
