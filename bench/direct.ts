import { pathToFileURL } from 'node:url';

/** Lets a bench run on its own (`node dist-bench/bench/<name>.bench.js`) as well as through bench/run.ts. */
export function runWhenMain(moduleUrl: string, run: () => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
