import type { DesktopApi } from '../../shared/ipc/api';

declare global {
  interface Window {
    /**
     * Installed before the page's module runs: by the Electron preload, or by the browser
     * host's bridge script. Optional because a page opened without either must say so.
     */
    readonly agentDesktop?: DesktopApi;
  }
}

export {};
