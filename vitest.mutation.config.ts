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
  // The session's own tests, and those that drive its call side (ringing, missed offers, the
  // state around a call) through the call controller, as the app does.
  session: [
    'test/main/core/session*.test.ts',
    'test/main/core/calls*.test.ts',
    'test/main/core/early-offer.test.ts',
    'test/main/core/in-call-refusal.test.ts',
    'test/main/core/auto-answer.test.ts',
    'test/main/core/wrap-up-calls.test.ts',
    'test/main/core/crash-hold.test.ts',
    'test/main/core/snapshot-store.test.ts',
    'test/main/core/keepalive-loop.test.ts',
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
