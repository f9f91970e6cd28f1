// Mutation testing for the shared model and the session core (issue 9). Heavy: not in CI.
//   npm run mutation           both
//   npm run mutation:shared    src/shared against test/shared
//   npm run mutation:session   the session core against its tests
const MUTATE = {
  shared: ['src/shared/**/*.ts'],
  // AgentSession and its parts.
  session: [
    'src/main/core/session*.ts',
    'src/main/core/snapshot-store.ts',
    'src/main/core/keepalive-loop.ts',
  ],
};
const scope = process.env.MUTATION_SCOPE;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: scope === 'shared' || scope === 'session' ? MUTATE[scope] : Object.values(MUTATE).flat(),
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables and schemas) each reload every test file: ~10x the cost.
  // Left out by default; `npm run mutation -- --ignoreStatic false` includes them.
  ignoreStatic: true,
  // Re-runs only mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: `reports/mutation/${scope ?? 'all'}-incremental.json`,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/${scope ?? 'all'}.html` },
  // Only sources get Stryker's type-check disabling (not eslint.layers.d.ts).
  disableTypeChecks: '{src,test}/**/*.{js,ts,vue}',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['out', 'dist', 'coverage', 'reports', 'resources', 'bench', 'docs'],
};
