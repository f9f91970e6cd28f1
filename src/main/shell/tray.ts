/**
 * The tray: icon, tooltip and menu rendered from the core's snapshot by the pure tray model,
 * rebuilt on session and settings changes; menu clicks become core commands. The tooltip's
 * time-in-state refreshes once a second, only while the tray exists and the agent is signed in.
 */
import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import { buildTrayMenu, trayIcon, trayTooltip } from '../core/tray-model';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { Language } from '../../shared/domain/errors';
import type { DesktopCore, TrayAction } from '../core/desktop-core';
import type { TrayIconName, TrayMenuItem } from '../core/tray-model';

/** The tooltip's refresh period: at most one wake-up per second. */
export const TOOLTIP_REFRESH_MS = 1000;

export interface TrayOptions {
  core: Pick<DesktopCore, 'on' | 'snapshot' | 'settings' | 'dayStatus'>;
  /** resources/tray, holding `<icon>.png` (and `@2x`). */
  iconDir: string;
  /** The UI language, with 'system' already resolved. */
  language: () => Language;
  /** Runs a menu click; the menu is rebuilt once the returned promise settles. */
  onAction: (action: TrayAction) => void | Promise<unknown>;
  /** Windows/Linux: a click on the icon brings the window forward. */
  onClick: () => void;
  now?: () => number;
}

export interface AppTray {
  /** Re-renders icon, tooltip and menu from the current snapshot. */
  refresh(): void;
  /** Shows `name` instead of the snapshot's icon until called with null (ringing flashes it). */
  overrideIcon(name: TrayIconName | null): void;
  destroy(): void;
}

/** Turns the model's items into Electron's menu template; clicks call `onAction`. */
export function toMenuTemplate(
  items: TrayMenuItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    // '&' marks a mnemonic on Windows; reasons are free text and must show as typed.
    const label = item.label.replace(/&/g, '&&');
    // 'header' is a macOS 14 menu type; a disabled item reads the same everywhere.
    if (item.type === 'header') return { label, enabled: false };
    if (item.submenu) {
      return { label, enabled: item.enabled, submenu: toMenuTemplate(item.submenu, onAction) };
    }
    const action = item.action;
    return {
      label,
      enabled: item.enabled,
      ...(item.checked !== undefined ? { type: 'checkbox' as const, checked: item.checked } : {}),
      ...(action ? { click: () => onAction(action) } : {}),
    };
  });
}

/** Creates the tray and keeps it in step with the core; `destroy()` stops everything. */
export function setupTray(options: TrayOptions): AppTray {
  const now = options.now ?? Date.now;
  const images = new Map<TrayIconName, NativeImage>();
  const image = (name: TrayIconName) => {
    let found = images.get(name);
    if (!found) {
      found = nativeImage.createFromPath(join(options.iconDir, `${name}.png`));
      images.set(name, found);
    }
    return found;
  };

  const snapshot = options.core.snapshot();
  let icon = trayIcon(snapshot);
  const tray = new Tray(image(icon));
  let tooltip = '';
  let menuKey = '';
  let timer: ReturnType<typeof setInterval> | null = null;
  let destroyed = false;
  let override: TrayIconName | null = null;

  const updateTooltip = () => {
    const wrapUp = options.core.dayStatus?.().wrapUp ?? null;
    const next = trayTooltip(options.core.snapshot(), now(), options.language(), wrapUp);
    if (next === tooltip) return;
    tooltip = next;
    tray.setToolTip(next);
  };

  const showIcon = (current: ReturnType<typeof options.core.snapshot>) => {
    const nextIcon = override ?? trayIcon(current);
    if (nextIcon === icon) return;
    icon = nextIcon;
    tray.setImage(image(icon));
  };

  const refresh = (rebuild = false) => {
    if (destroyed) return;
    const current = options.core.snapshot();
    showIcon(current);
    updateTooltip();
    const items = buildTrayMenu(current, options.core.settings(), options.language());
    // Snapshots arrive on every keepalive; rebuild the native menu only when it changed.
    const key = JSON.stringify(items);
    if (rebuild || key !== menuKey) {
      menuKey = key;
      tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(items, onAction)));
    }
    // Time in state only moves while signed in; otherwise there is nothing to refresh.
    const ticking = current.phase === 'signed-in';
    if (ticking && !timer) timer = setInterval(updateTooltip, TOOLTIP_REFRESH_MS);
    if (!ticking && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  /**
   * Electron flips a checkbox item's tick on click (electron/electron#354), before the action
   * runs. A click that changes nothing (the current state, or one the platform refuses) sends
   * no change to rebuild from: the menu is rebuilt after every click, from the snapshot.
   */
  function onAction(action: TrayAction): void {
    void Promise.resolve(options.onAction(action)).finally(() => refresh(true));
  }

  tray.on('click', () => options.onClick());
  const unsubscribes = [
    options.core.on('session:changed', () => refresh()),
    options.core.on('settings:changed', () => refresh()),
    options.core.on('day:changed', () => refresh()),
  ];
  refresh();

  return {
    refresh: () => refresh(),
    overrideIcon: (name) => {
      override = name;
      if (!destroyed) showIcon(options.core.snapshot());
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      if (timer) clearInterval(timer);
      timer = null;
      for (const unsubscribe of unsubscribes) unsubscribe();
      tray.destroy();
    },
  };
}

/** What a tray action does: state and sign-out go to the core; failures bring the window up. */
export async function runTrayAction(
  action: TrayAction,
  deps: {
    core: Pick<DesktopCore, 'dispatch' | 'snapshot'>;
    showWindow: () => void;
    quit: () => void;
  },
): Promise<void> {
  switch (action.kind) {
    case 'show-window':
      deps.showWindow();
      return;
    case 'export-diagnostics':
      // Its dialogs sit on the window: a sheet on a hidden window (macOS) is never seen, and a
      // dialog with no window may open behind the app in front. The window comes up first.
      deps.showWindow();
      // The dialogs it opens say what happens; a failure is logged by the saver.
      await deps.core.dispatch('diagnostics:export', {});
      return;
    case 'quit':
      deps.quit();
      return;
    case 'set-state': {
      const result = await deps.core.dispatch('agent:set-state', { state: action.state });
      // The window explains what went wrong; a tray click must not fail silently.
      if (!result.ok) deps.showWindow();
      return;
    }
    case 'sign-out': {
      const result = await deps.core.dispatch('session:sign-out', { force: false });
      // In a call the core asks "hang up and sign out?" — that question lives in the window.
      if (!result.ok || deps.core.snapshot().question) deps.showWindow();
      return;
    }
  }
}
