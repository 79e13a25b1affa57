/**
 * Unit tests sit beside the code (*.spec.ts); HTTP/integration suites live in test/ (*.e2e-spec.ts)
 * and run twice: on SQLite, and on PostgreSQL (LOA_TEST_DB=postgres).
 * The project is ES modules (NestJS 12 ships only those): Jest runs with --experimental-vm-modules.
 */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
};
const e2e = { ...base, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 120000 };
export default {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...e2e, displayName: 'e2e-sqlite' },
    { ...e2e, displayName: 'e2e-postgres', setupFiles: ['<rootDir>/test/helpers/use-postgres.ts'] },
  ],
};
