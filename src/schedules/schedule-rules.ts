import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { AreaEntity } from '../areas/area.entity.js';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, inScope } from '../auth/scope.js';
import { Playlists, validityProblem } from '../broadcasts/playlist.js';
import { iso } from '../common/iso.js';
import type { SegmentEntity } from '../segments/segment.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { selfOverlap } from './conflicts.js';
import type { ScheduleEntity } from './schedule.entity.js';
import { broadcastLengthSec, cronProblem, dateBounds, firstStart, isLocalDate, isTimezone, lastStart, occurrences, type Timing } from './timing.js';

const DAY = 86_400_000;
/** Conflicts are checked over this window (SPEC §4). */
export const CONFLICT_WINDOW_MS = 30 * DAY;
/** More than this in 30 days is a receiver's whole day, not a programme (one every 15 minutes). */
export const MAX_OCCURRENCES_PER_WINDOW = 2880;
/** How far ahead a schedule's first occurrence is looked for (29 February can be eight years away). */
const FIRST_OCCURRENCE_SEARCH_MS = 8 * 366 * DAY;

const invalid = (message: string) => new BadRequestException(message);

/** The first thing wrong with a schedule's timing fields, as a message naming the field; null when they hold together. */
export function timingProblem(timing: Timing, now: Date): string | null {
  if (!!timing.cron === !!timing.at) return 'cron: give exactly one of cron (recurring) and at (one-off)';
  if (!isTimezone(timing.timezone)) return `timezone: "${timing.timezone}" is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)`;
  if (timing.at) {
    if (timing.startDate || timing.endDate) return `${timing.startDate ? 'startDate' : 'endDate'}: only a recurring (cron) schedule has start and end dates`;
    if (timing.at.getTime() < now.getTime()) return `at: ${iso(timing.at)} is in the past`;
    return null;
  }
  const problem = cronProblem(timing.cron!);
  if (problem) return problem;
  for (const field of ['startDate', 'endDate'] as const) {
    const value = timing[field];
    if (value !== null && !isLocalDate(value)) return `${field}: "${value}" is not a calendar date (YYYY-MM-DD) between 1970-01-01 and 9998-12-31`;
  }
  if (timing.startDate && timing.endDate && timing.endDate < timing.startDate) return `endDate: ${timing.endDate} is before startDate ${timing.startDate}`;
  if (timing.endDate && dateBounds(timing).until <= now.getTime()) return `endDate: ${timing.endDate} is in the past`;
  return null;
}

/**
 * Everything a schedule must satisfy before it is saved, short of conflicts with other schedules
 * (those need the commune locked, see SchedulesService): 400 naming the field, or 403 for things
 * outside the caller's area.
 */
@Injectable()
export class ScheduleRules {
  constructor(private readonly playlists: Playlists, private readonly areas: AreasRepository, private readonly dataSource: DataSource) {}

  /** Answers the length of one broadcast, in seconds. */
  async check(user: AuthUser, schedule: ScheduleEntity, commune: AreaEntity, now: Date): Promise<number> {
    const timingError = timingProblem(schedule, now);
    if (timingError) throw invalid(timingError);
    const playlist = await this.playlists.forArea(user, schedule.segmentIds, commune.path);
    if (schedule.speakerIds) await this.checkSpeakers(user, schedule.speakerIds, commune);
    const lengthSec = broadcastLengthSec(playlist.map((s) => s.durationSec!), schedule.repeat, schedule.gapSec);
    if (schedule.priority === 'normal') await this.checkLengthLimit(commune, lengthSec, schedule);
    this.checkOccurrences(schedule, playlist, lengthSec, now);
    return lengthSec;
  }

  private async checkSpeakers(user: AuthUser, speakerIds: string[], commune: AreaEntity): Promise<void> {
    if (new Set(speakerIds).size !== speakerIds.length) throw invalid('speakerIds: a speaker is listed twice');
    const speakers = new Map((await this.dataSource.manager.findBy(SpeakerEntity, { id: In(speakerIds) })).map((s) => [s.id, s]));
    for (const id of speakerIds) {
      const speaker = speakers.get(id);
      if (!speaker) throw invalid(`speakerIds: no speaker ${id}`);
      const path = await this.areas.pathOf(speaker.communeId);
      forbiddenUnless(!!path && inScope(user, path), `speakerIds: speaker ${id} is outside your area`);
      if (speaker.communeId !== commune.id) throw invalid(`speakerIds: speaker "${speaker.name}" (${id}) is not in ${commune.name}`);
    }
  }

  private async checkLengthLimit(commune: AreaEntity, lengthSec: number, schedule: ScheduleEntity): Promise<void> {
    const limit = await this.areas.maxBroadcastMinutes(commune.path);
    if (limit !== null && lengthSec > limit * 60) {
      throw invalid(
        `maxBroadcastMinutes: a normal broadcast in ${commune.name} may last at most ${limit} min; this one lasts ${(lengthSec / 60).toFixed(1)} min ` +
          `(repeat ${schedule.repeat} × playlist + ${schedule.repeat - 1} × gapSec ${schedule.gapSec}s)`,
      );
    }
  }

  private checkOccurrences(schedule: ScheduleEntity, playlist: SegmentEntity[], lengthSec: number, now: Date): void {
    const first = firstStart(schedule, now, new Date(now.getTime() + FIRST_OCCURRENCE_SEARCH_MS));
    if (!first) throw invalid(schedule.at ? 'at: is in the past' : `cron: "${schedule.cron}" never occurs between ${schedule.startDate ?? 'now'} and ${schedule.endDate ?? 'forever'}`);
    const window = occurrences(schedule, lengthSec, now, new Date(now.getTime() + CONFLICT_WINDOW_MS), MAX_OCCURRENCES_PER_WINDOW + 1);
    if (window.length > MAX_OCCURRENCES_PER_WINDOW) throw invalid(`cron: "${schedule.cron}" fires more than ${MAX_OCCURRENCES_PER_WINDOW} times in 30 days (at most one every 15 minutes)`);
    const overlapping = selfOverlap(window);
    if (overlapping) throw invalid(`cron: a broadcast lasts ${Math.round(lengthSec)} s, so the one starting ${iso(overlapping.startsAt)} would begin before the previous one ends`);
    const last = schedule.at ?? lastStart(schedule);
    const until = last ? new Date(last.getTime() + Math.round(lengthSec * 1000)) : null;
    for (const segment of playlist) {
      const problem = validityProblem(segment, first, until);
      if (!problem) continue;
      const hint = segment.validUntil && !schedule.at ? '; end the schedule (endDate) before then' : segment.validFrom && !schedule.at ? '; start the schedule (startDate) from then' : '';
      throw invalid(`segmentIds: ${problem}${hint}`);
    }
  }
}
