import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { REDIS_URL } from '../queue/queue.module.js';
import { redisOptions } from '../queue/redis.js';
import type { PushMessage } from './push-messages.js';

/**
 * The Redis pub/sub channel between Loa processes for receivers' event streams: any process publishes
 * (a worker putting broadcasts on air, an api process sending an emergency), every api process
 * subscribes. One channel per installation (LOA_QUEUE_PREFIX), messages as JSON.
 *
 * Pub/sub keeps nothing for a subscriber that was away, so `live` says whether messages are arriving
 * now: while it is false, streams are refused or closed and receivers poll (`/device/queue` stays the
 * source of truth). The subscriber connects only when someone listens (api processes).
 */
@Injectable()
export class PushBus implements OnApplicationShutdown {
  private readonly logger = new Logger(PushBus.name);
  private readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed = false;
  private closing = false;
  private readonly listeners: Array<(message: PushMessage) => void> = [];
  private readonly liveChanges: Array<(live: boolean) => void> = [];

  constructor(@Inject(REDIS_URL) private readonly redisUrl: string, config: AppConfig) {
    this.channel = `${config.LOA_QUEUE_PREFIX}:device-events`;
  }

  get live(): boolean {
    return this.subscribed;
  }

  async publish(message: PushMessage): Promise<void> {
    this.publisher ??= this.connect('publisher');
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  /** Starts the subscription on the first listener; resolves once it is live. */
  async listen(onMessage: (message: PushMessage) => void, onLiveChange: (live: boolean) => void): Promise<void> {
    this.listeners.push(onMessage);
    this.liveChanges.push(onLiveChange);
    if (this.subscriber) return;
    const subscriber = (this.subscriber = this.connect('subscriber'));
    subscriber.on('message', (_channel: string, text: string) => this.deliver(text));
    // ioredis subscribes again by itself after a reconnect; messages sent in between are lost.
    subscriber.on('close', () => this.setLive(false));
    subscriber.on('ready', () => void this.subscribe());
    await new Promise<void>((resolve) => {
      const ready = (live: boolean) => live && resolve();
      this.liveChanges.push(ready);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.setLive(false);
    await Promise.all([this.publisher, this.subscriber].map((client) => client?.quit().catch(() => client.disconnect())));
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber!.subscribe(this.channel);
      this.setLive(true);
    } catch (error) {
      this.logger.warn(`could not subscribe to ${this.channel}: ${(error as Error).message}`);
    }
  }

  private deliver(text: string): void {
    let message: PushMessage;
    try {
      message = JSON.parse(text) as PushMessage;
    } catch {
      this.logger.warn(`unreadable message on ${this.channel}`);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  private setLive(live: boolean): void {
    if (this.subscribed === live) return;
    this.subscribed = live;
    if (!live && this.subscriber && !this.closing) this.logger.warn(`${this.channel}: subscription lost; receivers fall back to polling until it is back`);
    for (const change of this.liveChanges) change(live);
  }

  private connect(role: string): Redis {
    const client = new Redis({ ...redisOptions(this.redisUrl), connectionName: `loa-push-${role}`, maxRetriesPerRequest: 1, enableOfflineQueue: role === 'publisher' });
    client.on('error', (error: Error) => this.logger.debug(`redis ${role}: ${error.message}`));
    return client;
  }
}
