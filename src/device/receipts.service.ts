import { BadRequestException, Injectable, NotFoundException, PayloadTooLargeException, ConflictException } from '@nestjs/common';
import { AreasRepository } from '../areas/areas.repository.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthDevice } from '../auth/auth-user.js';
import { DeliveriesRepository, type Receipt } from '../broadcasts/deliveries.repository.js';
import { Clock } from '../common/clock.js';
import { INSTANT_RANGE, instantInRange } from '../common/iso.js';
import { MAX_RECEIPTS_PER_BATCH, type ReceiptBatch, type ReceiptResult } from './device.dto.js';

/**
 * A receipt may come for a broadcast not yet put on air: the worker is behind (down, or a busy minute)
 * or the receiver's estimate of the server's clock runs ahead. Within this much of its start the broadcast
 * is still coming, so the receipt is answered "send again" rather than "not yours", which a receiver drops.
 */
const UNDISPATCHED_RECEIPT_WINDOW_MS = 60_000;

/**
 * What receivers report having played. A batch is all or nothing: if any broadcast in it is not
 * addressed to the speaker, nothing is recorded and the answer (404) names those broadcasts, so
 * the receiver can drop them and resend the rest — a receipt is never half-applied nor silently lost.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly areas: AreasRepository,
    private readonly clock: Clock,
  ) {}

  async settle(caller: AuthDevice, batch: ReceiptBatch): Promise<ReceiptResult> {
    if (batch.receipts.length > MAX_RECEIPTS_PER_BATCH) {
      throw new PayloadTooLargeException(`at most ${MAX_RECEIPTS_PER_BATCH} receipts per request, got ${batch.receipts.length}: send them in several batches`);
    }
    const receipts = batch.receipts.map((dto, i): Receipt => {
      const startedAt = instant(dto.startedAt, `receipts.${i}.startedAt`);
      const finishedAt = dto.finishedAt ? instant(dto.finishedAt, `receipts.${i}.finishedAt`) : null;
      if (finishedAt && finishedAt < startedAt) throw new BadRequestException(`receipts.${i}.finishedAt is before its startedAt`);
      return { broadcastId: dto.broadcastId, status: dto.status, startedAt, finishedAt, error: dto.error ?? null };
    });

    const now = this.clock.now();
    const outcome = await this.deliveries.settleReceipts(caller.speakerId, receipts, now, new Date(now.getTime() + UNDISPATCHED_RECEIPT_WINDOW_MS));
    if (outcome.fillingBroadcastIds.length) {
      // Told of before its deliveries were written (CutIns), or due but not yet dispatched: not refused, which would make the receiver drop it.
      throw new ConflictException(`the deliveries of broadcast ${outcome.fillingBroadcastIds.join(', ')} are not written yet (being written, or it is about to go on air); nothing in this batch was recorded: send it again in a few seconds`);
    }
    if (outcome.unknownBroadcastIds.length) {
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no delivery to this speaker for broadcast ${outcome.unknownBroadcastIds.join(', ')}; nothing in this batch was recorded`,
        unknownBroadcastIds: outcome.unknownBroadcastIds,
      });
    }
    await this.auditLateReceipts(caller, receipts, outcome.lateBroadcastIds);
    return { accepted: outcome.accepted, duplicates: outcome.duplicates };
  }

  /**
   * A receipt for a delivery already finalised as `missed` changes figures that may have been
   * reported: it goes on the audit trail.
   */
  private async auditLateReceipts(caller: AuthDevice, receipts: Receipt[], lateBroadcastIds: string[]): Promise<void> {
    if (!lateBroadcastIds.length) return;
    const areaPath = (await this.areas.pathOf(caller.communeId)) ?? undefined;
    for (const broadcastId of lateBroadcastIds) {
      // The receipt that settled it: the batch's first for that broadcast.
      const receipt = receipts.find((r) => r.broadcastId === broadcastId)!;
      await this.audit.record({
        action: 'delivery.late_receipt',
        resourceId: broadcastId,
        areaPath,
        details: { speakerId: caller.speakerId, status: receipt.status, startedAt: receipt.startedAt.toISOString() },
      });
    }
  }
}

/** A well-formed date-time can still name no instant (a leap second, 24:00), or one past what the API writes out: refused. */
function instant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequestException(`${field} is not an instant JavaScript can represent: ${value}`);
  if (!instantInRange(date.getTime())) throw new BadRequestException(`${field} must be between ${INSTANT_RANGE}`);
  return date;
}
