/**
 * `npm run bench [name...]`: runs every bench/*.bench.ts (or the named ones, e.g. `transcode`),
 * one after another so they do not compete for the two cores. Each prints its own figures beside
 * the raw tool measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const wanted = process.argv.slice(2);
const benches = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.js'))
  .map((file) => file.replace(/\.bench\.js$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (wanted.length && benches.length !== wanted.length) {
  console.error(`unknown bench; available: ${readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.js')).map((f) => f.replace('.bench.js', '')).join(', ')}`);
  process.exit(2);
}

for (const name of benches) {
  console.log(`\n=== bench: ${name} ===`);
  const started = Date.now();
  const bench = (await import(pathToFileURL(join(import.meta.dirname, `${name}.bench.js`)).href)) as { run: () => Promise<void> };
  await bench.run();
  console.log(`=== ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
}
process.exit(0);
