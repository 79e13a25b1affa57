import { Injectable } from '@nestjs/common';
import { AreaEntity } from '../areas/area.entity.js';
import { AreasRepository } from '../areas/areas.repository.js';
import { OfficialUnits, type OfficialMerger } from '../areas/official-units.js';
import { AuditService } from '../audit/audit.service.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { SpeakersRepository } from './speakers.repository.js';

type AreaRef = Pick<AreaEntity, 'id' | 'code' | 'name'>;

export interface CommuneMove {
  from: AreaRef;
  to: AreaRef;
  speakers: number;
}

export interface MergePlan {
  /** Old communes of this installation with speakers, each with the commune it became part of. */
  moves: CommuneMove[];
  /** Old communes with speakers that cannot be moved automatically, and why. */
  unresolved: Array<{ commune: AreaRef; reason: string }>;
}

/**
 * Commune merges of the 2025 reorganisation (SPEC §2: speakers move to the new commune with their
 * history intact). The old communes of an installation are found by their official code, or for
 * the package's rows without one, by name under a parent area named like their old district; the
 * new commune must have been imported (`import-areas`). A speaker keeps its id, token and every past
 * delivery (those stay with the broadcasts of the old commune, so reports of the past do not
 * change); only the commune it belongs to changes. The old commune stays, empty, for its history.
 */
@Injectable()
export class CommuneMergeService {
  constructor(
    private readonly areas: AreasRepository,
    private readonly speakers: SpeakersRepository,
    private readonly transactions: WriteTransactions,
    private readonly audit: AuditService,
  ) {}

  async plan(): Promise<MergePlan> {
    const units = OfficialUnits.load();
    const officialCodes = new Set(units.communes.map((c) => c.code));
    const targets = await this.targetsByOldArea(units.mergers, officialCodes);
    const speakerCounts = new Map<string, number>();
    for (const s of await this.speakers.inCommunes([...targets.keys()])) speakerCounts.set(s.communeId, (speakerCounts.get(s.communeId) ?? 0) + 1);
    const newAreas = new Map((await this.areas.byCodes([...new Set(units.mergers.map((m) => m.newCode))])).filter((a) => a.kind === 'commune').map((a) => [a.code, a]));

    const plan: MergePlan = { moves: [], unresolved: [] };
    for (const [areaId, { area, newCodes }] of targets) {
      const speakers = speakerCounts.get(areaId) ?? 0;
      if (!speakers) continue;
      const from = ref(area);
      if (newCodes.size > 1) {
        plan.unresolved.push({ commune: from, reason: `split between ${[...newCodes].join(', ')}: move its ${speakers} speaker(s) by hand (PATCH /speakers/:id)` });
        continue;
      }
      const [newCode] = newCodes;
      const to = newAreas.get(newCode);
      if (!to) plan.unresolved.push({ commune: from, reason: `its new commune ${newCode} is not imported yet: run import-areas first` });
      else plan.moves.push({ from, to: ref(to), speakers });
    }
    plan.moves.sort((a, b) => a.to.code.localeCompare(b.to.code) || a.from.code.localeCompare(b.from.code));
    return plan;
  }

  /** Moves the speakers of every planned commune, one transaction and one audit entry per old commune. */
  async apply(plan: MergePlan, userId: string | null = null): Promise<number> {
    let moved = 0;
    for (const move of plan.moves) {
      const speakerIds = await this.transactions.run((manager) => this.speakers.moveAll(move.from.id, move.to.id, manager));
      if (!speakerIds.length) continue;
      moved += speakerIds.length;
      const path = await this.areas.pathOf(move.from.id);
      await this.audit.record({
        action: 'area.merge', resourceId: move.from.id, userId, areaPath: path ?? undefined,
        details: { intoCommuneId: move.to.id, intoCode: move.to.code, fromCode: move.from.code, speakerIds, via: 'cli' },
      });
    }
    return moved;
  }

  /** Each old commune of this installation named by the mapping, with the new codes it went to. */
  private async targetsByOldArea(mergers: OfficialMerger[], officialCodes: Set<string>): Promise<Map<string, { area: AreaEntity; newCodes: Set<string> }>> {
    const targets = new Map<string, { area: AreaEntity; newCodes: Set<string> }>();
    const add = (area: AreaEntity, newCode: string) => {
      // A current official unit is never an old one, whatever an old row says about its code.
      if (area.kind !== 'commune' || officialCodes.has(area.code)) return;
      const entry = targets.get(area.id) ?? { area, newCodes: new Set<string>() };
      entry.newCodes.add(newCode);
      targets.set(area.id, entry);
    };
    const coded = mergers.filter((m) => m.oldCode);
    const byCode = new Map((await this.areas.byCodes([...new Set(coded.map((m) => m.oldCode!))])).map((a) => [a.code, a]));
    for (const m of coded) {
      const area = byCode.get(m.oldCode!);
      if (area) add(area, m.newCode);
    }
    const uncoded = mergers.filter((m) => !m.oldCode);
    const named = await this.areas.communesNamed([...new Set(uncoded.map((m) => m.oldName))]);
    const parents = new Map((await this.areas.byIds([...new Set(named.map((a) => a.parentId).filter((id): id is string => !!id))])).map((a) => [a.id, a.name]));
    for (const m of uncoded) {
      const matches = named.filter((a) => a.name === m.oldName && a.parentId && parents.get(a.parentId) === m.oldDistrictName);
      if (matches.length === 1) add(matches[0], m.newCode);
    }
    return targets;
  }
}

const ref = (area: AreaEntity): AreaRef => ({ id: area.id, code: area.code, name: area.name });
