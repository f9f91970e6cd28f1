/**
 * "Export diagnostics" (Settings and the tray): says what the bundle holds, asks where to save
 * it, then writes the zip the core built. Cancelling at either step saves nothing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog } from 'electron';
import { TRAY_TEXT } from '../../shared/i18n/tray';
import { appError } from '../../shared/domain/errors';
import type { BrowserWindow, MessageBoxOptions, SaveDialogOptions } from 'electron';
import type { Language } from '../../shared/domain/errors';
import type { DiagnosticsExport, Result } from '../../shared/ipc/contract';
import type { Logger } from '../../lib/ports';

export interface DiagnosticsSaveOptions {
  window: () => BrowserWindow | null;
  language: () => Language;
  logger: Logger;
  now?: () => Date;
}

/** The versions the bundle reports: app, Electron, Chromium, Node, OS. */
export function hostVersions(): Record<string, string> {
  return {
    app: app.getVersion(),
    electron: process.versions.electron ?? 'unknown',
    chromium: process.versions.chrome ?? 'unknown',
    node: process.versions.node,
    os: `${process.platform} ${process.getSystemVersion?.() ?? ''} ${process.arch}`.trim(),
  };
}

/** A `save` for the core's diagnostics host. */
export function diagnosticsSaver(options: DiagnosticsSaveOptions) {
  // One export at a time: a second request (a double click, the tray and Settings at once)
  // joins the open one instead of stacking a second set of dialogs.
  let open: Promise<Result<DiagnosticsExport>> | null = null;
  return (bundle: () => Uint8Array): Promise<Result<DiagnosticsExport>> =>
    (open ??= ask(bundle).finally(() => (open = null)));

  async function ask(bundle: () => Uint8Array): Promise<Result<DiagnosticsExport>> {
    const text = TRAY_TEXT[options.language()];
    const win = options.window();
    // Never a hidden window: a sheet on it (macOS) would never be seen.
    const parent = win && !win.isDestroyed() && win.isVisible() ? win : null;
    const about: MessageBoxOptions = {
      type: 'info',
      title: text.diagnosticsTitle,
      message: text.diagnosticsTitle,
      detail: text.diagnosticsContents,
      buttons: [text.diagnosticsSave, text.cancel],
      defaultId: 0,
      cancelId: 1,
    };
    const answer = await (parent
      ? dialog.showMessageBox(parent, about)
      : dialog.showMessageBox(about));
    if (answer.response !== 0) return { ok: true, value: { saved: false, path: null } };
    const stamp = (options.now?.() ?? new Date()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const where: SaveDialogOptions = {
      title: text.diagnosticsTitle,
      defaultPath: join(app.getPath('downloads'), `agent-desktop-diagnostics-${stamp}.zip`),
      filters: [{ name: 'Zip', extensions: ['zip'] }],
    };
    const chosen = await (parent
      ? dialog.showSaveDialog(parent, where)
      : dialog.showSaveDialog(where));
    if (chosen.canceled || !chosen.filePath)
      return { ok: true, value: { saved: false, path: null } };
    try {
      await writeFile(chosen.filePath, bundle());
    } catch (error) {
      options.logger.error('diagnostics not saved', { error: String(error) });
      return { ok: false, error: appError('internal', String(error)) };
    }
    options.logger.info('diagnostics saved', { path: chosen.filePath });
    return { ok: true, value: { saved: true, path: chosen.filePath } };
  }
}
