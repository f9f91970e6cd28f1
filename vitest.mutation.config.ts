import { defineConfig } from 'vitest/config';

// Mutation testing (npm run mutation) runs only the unit tests of the code it mutates: the
// shared model (test/shared) and the session core (its tests under test/main/core). No renderer
// build, no Chromium, no SIP servers. MUTATION_SCOPE=shared|session narrows it to one of them.
const TESTS = {
  // The shared model's own tests, and the unit tests of the code that renders its tables (tray
  // texts) and carries its contract (preload API, IPC handlers).
  shared: [
    'test/shared/**/*.test.ts',
    'test/main/core/tray-model.test.ts',
    'test/main/shell/preload.test.ts',
    'test/main/shell/ipc.test.ts',
  ],
  session: [
    'test/main/core/session*.test.ts',
    'test/main/core/snapshot-store.test.ts',
    'test/main/core/keepalive-loop.test.ts',
    'test/main/core/recent-reasons.test.ts',
  ],
};
const scope = process.env.MUTATION_SCOPE;

export default defineConfig({
  test: {
    name: 'mutation',
    environment: 'node',
    include: scope === 'shared' || scope === 'session' ? TESTS[scope] : Object.values(TESTS).flat(),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
