import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { buildDesktopApi } from '../../../src/shared/ipc/api';
import { contextBridge, ipcRenderer, resetElectronFake } from '../../support/electron-fake';
import { signedInSnapshot } from './fake-core';
import type { DesktopApi } from '../../../src/shared/ipc/api';

let api: DesktopApi;

beforeAll(async () => {
  resetElectronFake();
  await import('../../../src/preload/index');
  api = contextBridge.exposed.agentDesktop as DesktopApi;
});

describe('preload', () => {
  it('exposes only window.agentDesktop', () => {
    expect(Object.keys(contextBridge.exposed)).toEqual(['agentDesktop']);
  });

  it('exposes exactly the DesktopApi’s named functions, nothing generic', () => {
    const expected = Object.keys(buildDesktopApi(vi.fn(), vi.fn())).sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    for (const generic of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync']) {
      expect(api).not.toHaveProperty(generic);
    }
  });

  it('invokes the contract channel with the payload and returns main’s result', async () => {
    const result = { ok: true, value: signedInSnapshot('idle') };
    ipcRenderer.invoke.mockResolvedValueOnce(result);
    await expect(api.setState('idle')).resolves.toEqual(result);
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('agent:set-state', { state: 'idle' });
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null });
    await api.setMuted('c1', true);
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('call:mute', { callId: 'c1', muted: true });
  });

  it('turns a failed IPC into a typed transport error instead of throwing', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(
      new Error("No handler registered for 'session:snapshot'"),
    );
    await expect(api.getSnapshot()).resolves.toMatchObject({
      ok: false,
      error: { code: 'transport' },
    });
  });

  it('hands subscribers the payload only, never the IPC event', () => {
    const listener = vi.fn();
    const off = api.onSnapshot(listener);
    const snapshot = signedInSnapshot('busy/小休');
    ipcRenderer.emit('session:changed', { sender: 'ipc-event', senderId: 0 }, snapshot);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([snapshot]);
    off();
  });

  it('unsubscribe removes the listener', () => {
    const listener = vi.fn();
    const off = api.onMediaRequest(listener);
    expect(ipcRenderer.listenerCount('media:request')).toBe(1);
    off();
    expect(ipcRenderer.listenerCount('media:request')).toBe(0);
    ipcRenderer.emit('media:request', {}, { requestId: 'r', callId: 'c', kind: 'close' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('each subscription is independent', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = api.onSettings(a);
    const offB = api.onSettings(b);
    offA();
    ipcRenderer.emit('settings:changed', {}, { secureStorage: false });
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledWith({ secureStorage: false });
    offB();
  });
});
