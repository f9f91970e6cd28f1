/**
 * The application menu: only what an agent needs — Quit (which signs out, like the tray's),
 * editing shortcuts for text fields, zoom in/out/reset (agents on small or high-DPI screens), and on
 * macOS the standard app and window menus.
 */
import { Menu } from 'electron';
import { TRAY_TEXT } from '../../shared/i18n/tray';
import type { MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../shared/domain/errors';

/** The menu template for a platform and language; Quit goes through `quit`. */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  language: Language,
  quit: () => void,
): MenuItemConstructorOptions[] {
  const text = TRAY_TEXT[language];
  const quitItem: MenuItemConstructorOptions = {
    label: text.quit,
    accelerator: 'CmdOrCtrl+Q',
    click: () => quit(),
  };
  const edit: MenuItemConstructorOptions = { role: 'editMenu', label: text.menuEdit };
  const view: MenuItemConstructorOptions = {
    label: text.menuView,
    submenu: [
      { role: 'zoomIn', label: text.zoomIn },
      { role: 'zoomOut', label: text.zoomOut },
      { role: 'resetZoom', label: text.zoomReset },
    ],
  };
  if (platform === 'darwin') {
    return [
      {
        label: text.appName,
        submenu: [
          { role: 'about' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          quitItem,
        ],
      },
      edit,
      view,
      { role: 'windowMenu' },
    ];
  }
  return [{ label: text.menuFile, submenu: [quitItem] }, edit, view];
}

/** Installs the app menu (again after a language change). */
export function setupAppMenu(
  platform: NodeJS.Platform,
  language: Language,
  quit: () => void,
): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(platform, language, quit)));
}
