/**
 * The sandboxed preload: exposes `window.agentDesktop`, the named-function API of
 * src/shared/ipc/api.ts, over ipcRenderer. Page code never gets ipcRenderer, a generic invoke, or
 * the IPC event object. Bundled to one CJS file (out/preload/index.cjs); it imports only types
 * from the contract so zod stays out of the bundle.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopApi } from '../shared/ipc/api';
import type { IpcRendererEvent } from 'electron';
import type { Invoke, Subscribe } from '../shared/ipc/api';
import type { Result } from '../shared/ipc/contract';

// Main answers every command with a Result; a rejected invoke means the IPC itself failed
// (e.g. main is shutting down), which the window must see as a typed error, not an exception.
const invoke: Invoke = (channel, input) =>
  ipcRenderer.invoke(channel, input).catch((error: unknown): Result<never> => ({
    ok: false,
    error: { code: 'transport', message: 'main process unavailable', detail: String(error) },
  }));

const subscribe: Subscribe = (channel, listener) => {
  const forward = (_event: IpcRendererEvent, payload: unknown) =>
    listener(payload as Parameters<typeof listener>[0]);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
};

contextBridge.exposeInMainWorld('agentDesktop', buildDesktopApi(invoke, subscribe));
