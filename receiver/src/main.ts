#!/usr/bin/env node
import packageJson from '../package.json' with { type: 'json' };
import { runAgent } from './agent.js';
import { runCheck } from './check.js';
import { parseOptions, USAGE } from './options.js';

const parsed = parseOptions(process.argv.slice(2), process.env);
if ('help' in parsed) {
  console.log(USAGE);
} else if ('version' in parsed) {
  console.log(packageJson.version);
} else if ('errors' in parsed) {
  for (const error of parsed.errors) console.error(`loa-receiver: ${error}`);
  console.error(`\n${USAGE}`);
  process.exit(2);
} else if (parsed.config.check) {
  process.exitCode = await runCheck(parsed.config, packageJson.version);
} else {
  try {
    await runAgent(parsed.config, packageJson.version);
    process.exit(0);
  } catch (error) {
    console.error(`loa-receiver: ${(error as Error).message}`);
    process.exit(1);
  }
}
