// The layers of src/ and which layers each may import: the one table that lint enforces
// (eslint.config.js), test/architecture checks and docs/architecture.md describes.
// A layer may always import its own files. Anything not listed is refused.

/** Layer name → its folder under src/. */
export const LAYERS = {
  shared: 'src/shared',
  lib: 'src/lib',
  'main/sip': 'src/main/sip',
  'main/core': 'src/main/core',
  'main/shell': 'src/main/shell',
  preload: 'src/preload',
  renderer: 'src/renderer',
  emulator: 'src/emulator',
  'dev-host': 'src/dev-host',
  gateway: 'src/gateway',
};

/** Layer → the other layers it may import. */
export const ALLOWED = {
  shared: [],
  lib: ['shared'],
  'main/sip': ['shared', 'lib'],
  'main/core': ['shared', 'lib', 'main/sip'],
  'main/shell': ['shared', 'lib', 'main/core', 'main/sip'],
  preload: ['shared'],
  renderer: ['shared'], // main only through window.agentDesktop (the preload API)
  emulator: ['shared', 'lib'],
  'dev-host': ['shared', 'lib', 'main/core', 'main/sip', 'emulator'],
  gateway: ['shared', 'lib'],
};

/**
 * Narrow exceptions, each one import a layer may make beyond ALLOWED. The Electron shell loads
 * the demo platform lazily (only when no platform is configured), so the product's main bundle
 * carries no emulator code: a dynamic import of that one file, nothing else.
 */
export const EXCEPTIONS = [
  {
    from: 'main/shell',
    to: 'emulator',
    file: 'src/emulator/demo-platform.ts',
    nodeKind: 'dynamic-import',
    why: 'the shell starts the embedded demo platform lazily',
  },
];

/** Layers held to a short list of packages (Node built-ins aside, ruled on below). */
export const ONLY_PACKAGES = { shared: ['zod'] };

/** Only these layers may import electron. */
export const ELECTRON = ['main/shell', 'preload'];

/** These layers run where Node is absent (browser) or must stay portable: no Node built-ins. */
export const NO_NODE = ['shared', 'renderer'];
