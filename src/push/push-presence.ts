import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { REDIS_URL } from '../queue/queue.module.js';
import { redisOptions } from '../queue/redis.js';

/** How long a receiver's told-counts are kept for the console's live progress. */
const TOLD_TTL_SEC = 2 * 86_400;
/** Deletes a presence key only if it still names this connection (a newer one may have taken it). */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * What the push channel records in Redis for every api process to read: which receivers hold an event
 * stream now (a key per speaker, refreshed by the heartbeat, expiring when its process dies), and how
 * many receivers of each commune were told of a broadcast (a hash per broadcast).
 */
@Injectable()
export class PushPresence implements OnApplicationShutdown {
  private readonly logger = new Logger(PushPresence.name);
  private readonly prefix: string;
  private readonly ttlMs: number;
  private client?: Redis;

  constructor(@Inject(REDIS_URL) private readonly redisUrl: string, config: AppConfig) {
    this.prefix = `${config.LOA_QUEUE_PREFIX}:push`;
    // Two heartbeats and a margin: a live stream never lapses, a dead process's streams vanish within a minute.
    this.ttlMs = (2 * config.LOA_PUSH_HEARTBEAT_SEC + 5) * 1000;
  }

  /** Marks these streams present (or still present), in one round trip. */
  async hold(streams: Array<{ speakerId: string; connectionId: string }>): Promise<void> {
    if (!streams.length) return;
    const pipeline = this.redis().pipeline();
    for (const { speakerId, connectionId } of streams) pipeline.set(this.presenceKey(speakerId), connectionId, 'PX', this.ttlMs);
    await pipeline.exec();
  }

  async release(speakerId: string, connectionId: string): Promise<void> {
    await this.redis().eval(RELEASE_SCRIPT, 1, this.presenceKey(speakerId), connectionId);
  }

  /** Which of these speakers hold an event stream now, in any api process. */
  async present(speakerIds: string[]): Promise<Set<string>> {
    if (!speakerIds.length) return new Set();
    const values = await this.redis().mget(speakerIds.map((id) => this.presenceKey(id)));
    return new Set(speakerIds.filter((_, i) => values[i] !== null));
  }

  /** Adds receivers told of a broadcast, per commune. */
  async countTold(broadcastId: string, perCommune: Map<string, number>): Promise<void> {
    if (!perCommune.size) return;
    const key = this.toldKey(broadcastId);
    const pipeline = this.redis().pipeline();
    for (const [communeId, count] of perCommune) pipeline.hincrby(key, communeId, count);
    pipeline.expire(key, TOLD_TTL_SEC);
    await pipeline.exec();
  }

  /** Receivers told of a broadcast so far, per commune. */
  async told(broadcastId: string): Promise<Map<string, number>> {
    const counts = await this.redis().hgetall(this.toldKey(broadcastId));
    return new Map(Object.entries(counts).map(([communeId, count]) => [communeId, Number(count)]));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }

  private redis(): Redis {
    if (!this.client) {
      this.client = new Redis({ ...redisOptions(this.redisUrl), connectionName: 'loa-push-presence', maxRetriesPerRequest: 1 });
      this.client.on('error', (error: Error) => this.logger.debug(`redis: ${error.message}`));
    }
    return this.client;
  }

  private presenceKey(speakerId: string): string {
    return `${this.prefix}:stream:${speakerId}`;
  }

  private toldKey(broadcastId: string): string {
    return `${this.prefix}:told:${broadcastId}`;
  }
}
