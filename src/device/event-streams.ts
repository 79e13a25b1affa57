import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthDevice } from '../auth/auth-user.js';
import { AuthService } from '../auth/auth.service.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { PushBus } from '../push/push-bus.js';
import type { Audience, PushMessage } from '../push/push-messages.js';
import { PushPresence } from '../push/push-presence.js';
import type { DeviceCancelEvent, DeviceHelloEvent, DeviceTokenEvent } from './device-events.dto.js';
import { SeenSpeakers } from './seen-speakers.js';
import { SSE_HEARTBEAT, sseEvent, SseStream } from './sse-stream.js';
import { StreamIndex } from './stream-index.js';

interface OpenStream {
  id: string;
  speakerId: string;
  communeId: string;
  areaIds: string[];
  stream: SseStream;
  /** Its own `connected` message has come back from the bus: a later one for the same speaker replaces it. */
  announced: boolean;
}

const TOKEN_REVOKED = sseEvent('token', { revoked: true } satisfies DeviceTokenEvent);

/**
 * The receivers' event streams held by this api process (`GET /device/events`), fed by the push bus.
 * Messages name audiences; this maps them to the streams it holds (StreamIndex) and writes each event,
 * encoded once, to every stream it reaches. One stream per speaker across all processes: a stream's
 * opening is announced on the bus, and an older stream of the same speaker closes wherever it is.
 */
@Injectable()
export class EventStreams implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventStreams.name);
  private readonly streams = new StreamIndex<OpenStream>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly bus: PushBus,
    private readonly presence: PushPresence,
    private readonly seenSpeakers: SeenSpeakers,
    private readonly areas: AreasRepository,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hasRole('api')) return;
    await this.bus.listen((message) => this.handle(message), (live) => live || this.closeAll());
    this.heartbeat = setInterval(() => this.beat(), this.config.LOA_PUSH_HEARTBEAT_SEC * 1000);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.closeAll();
  }

  /** Streams open in this process. */
  get count(): number {
    return this.streams.size;
  }

  /** Opens a speaker's stream on the reply, taken from Fastify: `hello` first, then whatever the bus brings. */
  async open(device: AuthDevice, reply: FastifyReply): Promise<void> {
    if (!this.bus.live) throw new ServiceUnavailableException('the push channel is down: poll /device/queue');
    const communePath = await this.areas.pathOf(device.communeId);
    if (!communePath) throw new ServiceUnavailableException('the speaker has no commune');
    const open: OpenStream = {
      id: randomUUID(), speakerId: device.speakerId, communeId: device.communeId, areaIds: communePath.split('/').filter(Boolean),
      stream: new SseStream(reply.raw, this.config.LOA_PUSH_MAX_BUFFER_BYTES), announced: false,
    };
    reply.hijack();
    open.stream.open();
    const now = this.clock.now();
    open.stream.send(sseEvent('hello', { now: now.toISOString() } satisfies DeviceHelloEvent));
    this.streams.add(open)?.stream.end();
    open.stream.onClose(() => this.closed(open));
    void this.seenSpeakers.seen(device.speakerId, now);
    await Promise.all([
      this.bus.publish({ kind: 'connected', speakerId: device.speakerId, connectionId: open.id }),
      this.presence.hold([{ speakerId: device.speakerId, connectionId: open.id }]),
    ]).catch((error: Error) => {
      this.logger.warn(`stream of speaker ${device.speakerId} not announced: ${error.message}`);
      open.stream.end();
    });
  }

  private handle(message: PushMessage): void {
    switch (message.kind) {
      case 'announce':
        for (const { item, ...audience } of message.broadcasts) this.countTold(item.broadcastId, this.sendTo(audience, sseEvent('broadcast', item)));
        return;
      case 'withdraw':
        for (const { broadcastId, status, ...audience } of message.broadcasts) this.sendTo(audience, sseEvent('cancel', { broadcastId, status } satisfies DeviceCancelEvent));
        return;
      case 'revoke':
        this.auth.forgetDevice(message.speakerId);
        this.streams.of(message.speakerId)?.stream.end(TOKEN_REVOKED);
        return;
      case 'moved':
        this.auth.forgetDevice(message.speakerId);
        this.streams.of(message.speakerId)?.stream.end();
        return;
      case 'connected': {
        const open = this.streams.of(message.speakerId);
        if (!open) return;
        // The bus orders every process's messages alike: the stream announced last wins everywhere.
        if (open.id === message.connectionId) open.announced = true;
        else if (open.announced) open.stream.end();
      }
    }
  }

  /** Writes a frame to every stream of the audience; answers how many took it, per commune. */
  private sendTo(audience: Audience, frame: Buffer): Map<string, number> {
    const perCommune = new Map<string, number>();
    for (const open of this.streams.audience(audience)) {
      if (open.stream.send(frame)) perCommune.set(open.communeId, (perCommune.get(open.communeId) ?? 0) + 1);
    }
    return perCommune;
  }

  private countTold(broadcastId: string, perCommune: Map<string, number>): void {
    this.presence.countTold(broadcastId, perCommune).catch((error: Error) => this.logger.debug(`told count of ${broadcastId} not kept: ${error.message}`));
  }

  /** A comment on every stream, their presence kept, and their receivers marked seen. */
  private beat(): void {
    const now = this.clock.now();
    const held: Array<{ speakerId: string; connectionId: string }> = [];
    for (const open of this.streams.all()) {
      if (!open.stream.send(SSE_HEARTBEAT)) continue;
      held.push({ speakerId: open.speakerId, connectionId: open.id });
      void this.seenSpeakers.seen(open.speakerId, now);
    }
    this.presence.hold(held).catch((error: Error) => this.logger.warn(`stream presence not refreshed: ${error.message}`));
  }

  private closed(open: OpenStream): void {
    if (!this.streams.remove(open)) return;
    this.presence.release(open.speakerId, open.id).catch((error: Error) => this.logger.debug(`presence of ${open.speakerId} not released: ${error.message}`));
  }

  /** Without the bus, streams would miss events: receivers are sent back to polling until it returns. */
  private closeAll(): void {
    for (const open of [...this.streams.all()]) open.stream.end();
  }
}
