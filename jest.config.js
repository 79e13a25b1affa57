import { execFileSync } from 'node:child_process';
import vm from 'node:vm';

/**
 * Unit tests sit beside the code (*.spec.ts); HTTP/integration suites live in test/ (*.e2e-spec.ts)
 * and run twice: on SQLite, and on PostgreSQL (LOA_TEST_DB=postgres, LOA_TEST_POSTGRES_URL).
 * The project is ES modules (NestJS 12 ships only those): Jest runs with --experimental-vm-modules.
 */
const ESM_ONLY_REQUIRED = '/node_modules/content-disposition/';
// Jest's module runtime can require() an ES module only where vm modules evaluate synchronously
// (Node 24.9+, the check Jest itself makes); before that it gets this one as CommonJS.
const jestRequiresEsm = typeof vm.SourceTextModule?.prototype.hasAsyncGraph === 'function';
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
    // @fastify/static (CommonJS) requires content-disposition, which ships only ES modules: Node loads
    // it natively (require(esm)), Jest's module runtime before Node 24.9 cannot.
    ...(jestRequiresEsm ? {} : { [`${ESM_ONLY_REQUIRED}.+\\.js$`]: ['babel-jest', { plugins: ['@babel/plugin-transform-modules-commonjs'] }] }),
  },
  ...(jestRequiresEsm ? {} : { transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY_REQUIRED.replace('/node_modules/', '')})`] }),
};
const e2e = { ...base, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] };
// Suites of the other ends of the system, the browser and the receiver box: what they exercise of the
// server is database-agnostic and covered on both databases by the HTTP suites, so they run once.
const SQLITE_ONLY = ['/test/console[^/]*\\.e2e-spec\\.ts$', '/test/receiver-agent\\.e2e-spec\\.ts$', '/test/receiver-install\\.e2e-spec\\.ts$'];

const postgresUrl = process.env.LOA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
function postgresAnswers() {
  try {
    execFileSync('node', ['-e', `const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).catch(()=>process.exit(1))`, postgresUrl], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const postgres = postgresAnswers();
if (!postgres) console.warn(`\n*** PostgreSQL does not answer at ${postgresUrl}: the e2e-postgres suites are NOT run (set LOA_TEST_POSTGRES_URL) ***\n`);

export default {
  // testTimeout is global in Jest (ignored inside projects); e2e suites start real apps and ffmpeg jobs.
  testTimeout: 120000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/receiver/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'] },
    { ...e2e, displayName: 'e2e-sqlite' },
    ...(postgres ? [{ ...e2e, displayName: 'e2e-postgres', setupFiles: ['<rootDir>/test/helpers/use-postgres.ts'], testPathIgnorePatterns: SQLITE_ONLY }] : []),
  ],
};
