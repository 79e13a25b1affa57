import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AreaImportService, type AreaImportResult } from '../areas/area-import.service.js';
import { AreasRepository } from '../areas/areas.repository.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { CommonModule } from '../common/common.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { CommuneMergeService, type MergePlan } from '../speakers/commune-merge.service.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';

/** The areas and speakers domains without HTTP or queues: what the area commands need, audited like the API. */
@Module({})
class AreaCommandsModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AreaCommandsModule,
      imports: [ConfigModule.forConfig(config), CommonModule, DatabaseModule],
      providers: [AreasRepository, AuditRepository, AuditService, AreaImportService, SpeakersRepository, CommuneMergeService],
    };
  }
}

/** `import-areas [--province CODE]` and `merge-areas --dry-run|--apply`; answers what to print. */
export async function runAreaCommand(config: AppConfig, command: string, args: string[], print: (line: string) => void): Promise<string> {
  const options = parseArgs({ args, options: { province: { type: 'string' }, 'dry-run': { type: 'boolean' }, apply: { type: 'boolean' } }, strict: true }).values;
  if (command === 'merge-areas' && options['dry-run'] === options.apply) throw new Error('merge-areas needs exactly one of --dry-run, --apply');
  if (command === 'import-areas' && (options['dry-run'] || options.apply)) throw new Error('import-areas takes only --province CODE');
  if (command === 'merge-areas' && options.province) throw new Error('merge-areas takes no --province');
  const context = await NestFactory.createApplicationContext(AreaCommandsModule.forConfig(config), { logger: ['error'] });
  try {
    if (command === 'import-areas') {
      const importer = context.get(AreaImportService);
      importer.plan(options.province); // an unknown code fails before the database is touched
      const started = Date.now();
      const result = await importer.run({ userId: null, via: 'cli' }, options.province, (p) => {
        if (p.provincesDone) print(`  ${p.provincesDone}/${p.provincesTotal} provinces, ${p.communesDone}/${p.communesTotal} communes`);
      });
      return describeImport(result, Date.now() - started);
    }
    const merges = context.get(CommuneMergeService);
    const plan = await merges.plan();
    for (const line of describePlan(plan)) print(line);
    if (options['dry-run']) return `dry run: ${plan.moves.length} commune(s) would move ${plan.moves.reduce((n, m) => n + m.speakers, 0)} speaker(s); nothing changed`;
    return `moved ${await merges.apply(plan)} speaker(s) out of ${plan.moves.length} merged commune(s)`;
  } finally {
    await context.close();
  }
}

function describeImport(result: AreaImportResult, ms: number): string {
  const counts = (c: AreaImportResult['provinces']) => `${c.added} added, ${c.renamed} renamed, ${c.unchanged} unchanged`;
  const lines = [`provinces: ${counts(result.provinces)}`, `communes: ${counts(result.communes)}`];
  for (const skip of result.skipped) lines.push(`skipped ${skip.code}: ${skip.reason}`);
  lines.push(`done in ${(ms / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

function describePlan(plan: MergePlan): string[] {
  return [
    ...plan.moves.map((m) => `${m.from.code} ${m.from.name} -> ${m.to.code} ${m.to.name}: ${m.speakers} speaker(s)`),
    ...plan.unresolved.map((u) => `NOT MOVED ${u.commune.code} ${u.commune.name}: ${u.reason}`),
  ];
}
