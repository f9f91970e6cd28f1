// Types for eslint.layers.js (plain JS so that eslint.config.js can load it without a build).
export type Layer =
  | 'shared'
  | 'lib'
  | 'main/sip'
  | 'main/core'
  | 'main/shell'
  | 'preload'
  | 'renderer'
  | 'emulator'
  | 'dev-host'
  | 'gateway';
export const LAYERS: Readonly<Record<Layer, string>>;
export const ALLOWED: Readonly<Record<Layer, readonly Layer[]>>;
export const EXCEPTIONS: readonly {
  from: Layer;
  to: Layer;
  file: string;
  nodeKind: string;
  why: string;
}[];
export const ONLY_PACKAGES: Readonly<Partial<Record<Layer, readonly string[]>>>;
export const ELECTRON: readonly Layer[];
export const NO_NODE: readonly Layer[];
