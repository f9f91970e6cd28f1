import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Two projects: everything that runs in Node (shared model, main core, emulator, hosts,
// Chromium-driven end-to-end tests) and the renderer's component tests in happy-dom.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
          globalSetup: ['test/support/build.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
        },
      },
    ],
  },
});
