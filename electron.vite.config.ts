import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { windowCsp } from './src/shared/csp';

/** The production window carries its CSP as a <meta> tag too (see src/shared/csp.ts). */
function cspMeta(): Plugin {
  return {
    name: 'agent-desktop-csp-meta',
    apply: 'build',
    // Right after the charset declaration, before anything it must govern.
    transformIndexHtml: (html) =>
      html.replace(
        /<meta charset="UTF-8" \/>/i,
        (charset) =>
          `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${windowCsp({ forMeta: true })}" />`,
      ),
  };
}

// Main and preload run in Node/Electron; the renderer is a plain web build that the
// browser host can serve too. The preload is sandboxed, so it is bundled into one CJS file.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/main/shell/index.ts') },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: false,
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // Compile-time flags, for a smaller bundle: every component is `<script setup>`, so Vue's
    // Options API is dropped; vue-i18n keeps the composition API only, with no devtools hooks.
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      __VUE_I18N_FULL_INSTALL__: 'false',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    build: {
      // electron-vite leaves the renderer unminified by default; the window's budget is 90 KB gzip.
      minify: process.env.AGENT_DESKTOP_NO_MINIFY !== '1',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [vue(), cspMeta()],
  },
});
