import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { appUrl } from '../../../src/main/shell/app-url';
import { setupIpc } from '../../../src/main/shell/ipc';
import { silentLogger } from '../../../src/lib/ports';
import { COMMANDS, EVENT_CHANNELS } from '../../../src/shared/ipc/contract';
import {
  BrowserWindow,
  FakeWebFrame,
  ipcMain,
  resetElectronFake,
} from '../../support/electron-fake';
import { FakeCore, signedInSnapshot } from './fake-core';

const INDEX = '/opt/agent-desktop/out/renderer/index.html';
const APP = 'file:///opt/agent-desktop/out/renderer/index.html';
const url = appUrl(undefined, INDEX);

let core: FakeCore;
let win: InstanceType<typeof BrowserWindow>;
let dispose: () => void;

beforeEach(async () => {
  resetElectronFake();
  core = new FakeCore();
  win = new BrowserWindow({});
  await win.loadFile(INDEX);
  dispose = setupIpc({ core, window: () => win as never, appUrl: url, logger: silentLogger });
});

/** A call from the app window's main frame. */
const fromApp = () => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

describe('ipc handlers', () => {
  it('registers exactly one handler per contract channel', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('hands a trusted call to the core and returns its result', async () => {
    const result = await ipcMain.invoke('agent:set-state', fromApp(), { state: 'busy/小休' });
    expect(core.dispatch).toHaveBeenCalledWith('agent:set-state', { state: 'busy/小休' });
    expect(result).toEqual({ ok: true, value: core.current });
  });

  it('passes a malformed payload through: refusing it is the core’s job', async () => {
    core.dispatch.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-input', message: 'bad' },
    });
    const result = await ipcMain.invoke('agent:set-state', fromApp(), { state: 42, extra: true });
    expect(core.dispatch).toHaveBeenCalledWith('agent:set-state', { state: 42, extra: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('refuses another window (foreign webContents) without reaching the core', async () => {
    const other = new BrowserWindow({});
    await other.loadFile(INDEX);
    const result = await ipcMain.invoke(
      'session:sign-out',
      { sender: other.webContents, senderFrame: other.webContents.mainFrame },
      { force: true },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses a sub-frame of the app window, even one showing the app URL', async () => {
    const frame = new FakeWebFrame(APP, win.webContents.mainFrame);
    const result = await ipcMain.invoke(
      'session:snapshot',
      { sender: win.webContents, senderFrame: frame },
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses a top frame that is not the window’s main frame', async () => {
    const stranger = new FakeWebFrame(APP, null);
    const result = await ipcMain.invoke(
      'session:snapshot',
      { sender: win.webContents, senderFrame: stranger },
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('each check stands on its own (spoofed combinations)', async () => {
    const other = new BrowserWindow({});
    const main = win.webContents.mainFrame;
    // Foreign webContents, but claiming our main frame.
    const foreign = { sender: other.webContents, senderFrame: main };
    // Our webContents, a frame with our frame's ids but a parent: still a sub-frame.
    const child = { sender: win.webContents, senderFrame: { ...main, parent: main } };
    // Our webContents, a parentless frame that is not our main frame.
    const stray = {
      sender: win.webContents,
      senderFrame: { ...main, routingId: main.routingId + 1000 },
    };
    for (const from of [foreign, child, stray]) {
      const result = await ipcMain.invoke('session:snapshot', from, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses the app window once it shows a page that is not the app', async () => {
    for (const page of ['https://evil.example/', 'file:///tmp/index.html']) {
      win.webContents.mainFrame.url = page;
      const result = await ipcMain.invoke('settings:get', fromApp(), {});
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('refuses when the frame is gone or the window destroyed', async () => {
    const gone = await ipcMain.invoke(
      'settings:get',
      { sender: win.webContents, senderFrame: null },
      {},
    );
    expect(gone).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    win.destroy();
    const destroyed = await ipcMain.invoke('settings:get', fromApp(), {});
    expect(destroyed).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it('accepts the dev server page in development', async () => {
    dispose();
    const dev = appUrl('http://localhost:5173/', INDEX);
    setupIpc({ core, window: () => win as never, appUrl: dev, logger: silentLogger });
    await win.loadURL('http://localhost:5173/#/settings');
    await ipcMain.invoke('settings:get', fromApp(), {});
    expect(core.dispatch).toHaveBeenCalledWith('settings:get', {});
  });
});

describe('events to the window', () => {
  it('forwards every core event to the app window', () => {
    const snapshot = signedInSnapshot('idle');
    core.emit('session:changed', snapshot);
    core.emit('settings:changed', core.settingsView());
    core.emit('media:request', { requestId: 'r1', callId: 'c1', kind: 'close' });
    core.emit('history:changed', { size: 1 });
    core.emit('day:changed', { wrapUp: null, noAnswer: null });
    core.emit('call:ringing', {
      id: 'c1',
      caller: '13800138000',
      phase: 'ringing',
      ringingSince: 1,
      talkingSince: null,
      muted: false,
    });
    expect(win.webContents.sent.map(([channel]) => channel)).toEqual([...EVENT_CHANNELS]);
    expect(win.webContents.sent[0]).toEqual(['session:changed', snapshot]);
  });

  it('leaves the missed list out of a snapshot when the window was sent that list last', () => {
    const missed = [
      { id: 'c1', caller: '139', at: 1, reason: 'timeout' as const, stateAfter: null },
    ];
    const first = { ...signedInSnapshot('idle'), missed, missedVersion: 4 };
    core.emit('session:changed', first);
    core.emit('session:changed', { ...first, state: 'fetching' });
    core.emit('session:changed', { ...first, missed: [], missedVersion: 5 });
    const sent = win.webContents.sent.map(([, payload]) => payload as Record<string, unknown>);
    expect(sent.map((p) => p.missed)).toEqual([missed, undefined, []]);
    expect('missed' in sent[1]!).toBe(false);
    expect(sent[1]).toEqual((({ missed: _, ...rest }) => ({ ...rest, state: 'fetching' }))(first));
  });

  it('sends nothing to a foreign page or a destroyed window', () => {
    win.webContents.mainFrame.url = 'https://evil.example/';
    core.emit('media:request', { requestId: 'r1', callId: 'c1', kind: 'answer-offer', sdp: 'v=0' });
    win.webContents.mainFrame.url = APP;
    win.destroy();
    core.emit('session:changed', signedInSnapshot('idle'));
    expect(win.webContents.sent).toEqual([]);
  });

  it('dispose removes every handler and event subscription', () => {
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    for (const channel of EVENT_CHANNELS) expect(core.listenerCount(channel)).toBe(0);
  });
});
