import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { BrowserWindow, dialog, resetElectronFake } from '../../support/electron-fake';
import { diagnosticsSaver, hostVersions } from '../../../src/main/shell/diagnostics';
import { silentLogger } from '../../../src/lib/ports';

let dir: string;
const bundle = vi.fn(() => new Uint8Array([0x50, 0x4b, 0x05, 0x06]));
const save = diagnosticsSaver({
  window: () => null,
  language: () => 'en',
  logger: silentLogger,
  now: () => new Date('2026-11-27T14:00:00Z'),
});
beforeEach(() => {
  resetElectronFake();
  bundle.mockClear();
  dir = mkdtempSync(join(tmpdir(), 'agent-diag-save-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Export diagnostics', () => {
  it('says what the bundle holds, asks where to save it, then writes it there', async () => {
    const target = join(dir, 'mine.zip');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await save(bundle)).toEqual({ ok: true, value: { saved: true, path: target } });
    const [about] = dialog.showMessageBox.mock.calls[0] as unknown as [Record<string, unknown>];
    expect(about.detail).toMatch(
      /log files.*versions.*secrets removed.*200 state changes.*200 SIP messages.*readiness.*missed/s,
    );
    const [where] = dialog.showSaveDialog.mock.calls[0] as unknown as [Record<string, unknown>];
    expect(where.defaultPath).toBe(
      join(
        '/tmp/agent-desktop-fake-downloads',
        'agent-desktop-diagnostics-2026-11-27-14-00-00.zip',
      ),
    );
    expect([...readFileSync(target)]).toEqual([0x50, 0x4b, 0x05, 0x06]);
  });

  it('cancelling either dialog saves nothing and builds nothing', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(await save(bundle)).toEqual({ ok: true, value: { saved: false, path: null } });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(await save(bundle)).toEqual({ ok: true, value: { saved: false, path: null } });
    expect(bundle).not.toHaveBeenCalled();
  });

  it('a second export while the first one is asking joins it: one set of dialogs', async () => {
    // A double click, or the tray and Settings at once.
    const target = join(dir, 'once.zip');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    const [first, second] = await Promise.all([save(bundle), save(bundle)]);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(first).toEqual({ ok: true, value: { saved: true, path: target } });
    expect(second).toEqual(first);
    // Once it is over, the next export asks again.
    await save(bundle);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
  });

  it('a folder that cannot be written: a typed error, not a crash', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({
      canceled: false,
      filePath: join(dir, 'no', 'x.zip'),
    });
    expect(await save(bundle)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('the dialogs sit on the window when it is in sight, never on a hidden one', async () => {
    const win = new BrowserWindow({});
    const saveOn = diagnosticsSaver({
      window: () => win as never,
      language: () => 'en',
      logger: silentLogger,
    });
    const about = () => dialog.showMessageBox.mock.calls as unknown[][];
    const where = () => dialog.showSaveDialog.mock.calls;
    win.show();
    await saveOn(bundle);
    expect(about()[0]?.[0]).toBe(win);
    expect(where()[0]?.[0]).toBe(win);
    // Hidden in the tray: a sheet on it (macOS) would never be seen; the dialogs stand alone.
    win.hide();
    await saveOn(bundle);
    expect(about()[1]).toHaveLength(1);
    expect(where()[1]).toHaveLength(1);
  });

  it('reports the app, Electron, Chromium, Node and OS versions', () => {
    expect(Object.keys(hostVersions())).toEqual(['app', 'electron', 'chromium', 'node', 'os']);
  });
});
