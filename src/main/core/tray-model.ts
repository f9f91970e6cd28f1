/**
 * The tray, as data: which icon, which tooltip and which menu a snapshot calls for. Pure
 * functions of the snapshot and settings, so the tray and the window render the same state and
 * every case is testable without Electron. The shell turns these items into a native menu.
 */
import { TRAY_TEXT } from '../../shared/i18n/tray';
import { callReadiness, canSignOut, stateLock } from '../../shared/availability';
import { baseOf } from '../../shared/domain/state';
import { formatElapsed, stateTextOrSent } from '../../shared/domain/state-text';
import { reasonChoices } from '../../shared/domain/recent-reasons';
import type { CallReadiness } from '../../shared/availability';
import type { Language } from '../../shared/domain/errors';
import type { TroubleKind } from '../../shared/i18n/tray';
import type { Settings } from '../../shared/settings';
import { passwordAsked, signOutOwed, timeInStateSince } from '../../shared/snapshot';
import type { SessionSnapshot, WrapUpStatus } from '../../shared/snapshot';
import type { TrayAction } from './desktop-core';

/** Every icon shipped in resources/tray (`<name>.png` and `<name>@2x.png`). */
export const TRAY_ICONS = [
  'online',
  'idle',
  'busy',
  'away',
  'fetching',
  'talking',
  'signed-out',
  'trouble',
  'unknown',
] as const;
export type TrayIconName = (typeof TRAY_ICONS)[number];

/** One menu entry; `header` is a disabled line that only informs. */
export interface TrayMenuItem {
  label: string;
  enabled: boolean;
  checked?: boolean;
  action?: TrayAction;
  submenu?: TrayMenuItem[];
  type?: 'separator' | 'header';
}

/** Windows truncates tray tooltips at 127 characters; stay under it everywhere. */
export const MAX_TOOLTIP = 127;
const MAX_LABEL = 40;

export { formatElapsed } from '../../shared/domain/state-text';

/**
 * Why a signed-in agent cannot work normally, or null: the shared readiness rule's trouble (the
 * window's readiness light says the same), with the microphone as the window last reported it.
 */
export function trayTrouble(snapshot: SessionSnapshot): TroubleKind | null {
  const ready = trayReadiness(snapshot);
  return ready.kind === 'trouble' ? ready.trouble : null;
}

/** The shared rule with what the window last reported: its microphone and its audio output. */
function trayReadiness(snapshot: SessionSnapshot): CallReadiness {
  return callReadiness(snapshot, snapshot.microphone, snapshot.soundOutput === 'none');
}

/**
 * Idle and every link fine, but the window's device list has no speaker or headset: calls come
 * and would ring unheard, so the tray warns as the readiness light does instead of showing green.
 */
function noOutput(snapshot: SessionSnapshot): boolean {
  return trayReadiness(snapshot).kind === 'no-output';
}

/**
 * Gateway mode, the window asking for the password again, and no call on the line: the light
 * does not call the platform broken (it still routes calls), but with the window hidden the tray
 * is where the agent sees it. A call's icon stays while one is on.
 */
function signInAsked(snapshot: SessionSnapshot): boolean {
  return passwordAsked(snapshot) && snapshot.call === null;
}

/** The icon for a snapshot: trouble first, then the call, then the agent's base state. */
export function trayIcon(snapshot: SessionSnapshot): TrayIconName {
  if (snapshot.phase === 'signed-out' || snapshot.phase === 'signing-in') return 'signed-out';
  if (snapshot.phase === 'signing-out' && snapshot.state === null) return 'signed-out';
  if (trayTrouble(snapshot) !== null || signInAsked(snapshot) || noOutput(snapshot)) {
    return 'trouble';
  }
  if (snapshot.call) return snapshot.call.phase === 'ringing' ? 'fetching' : 'talking';
  return baseOf(snapshot.state) ?? 'unknown';
}

/** The state as a person reads it, e.g. "忙碌 · 小休", or the session phase when not signed in. */
export function stateLabel(snapshot: SessionSnapshot, language: Language): string {
  const text = TRAY_TEXT[language];
  switch (snapshot.phase) {
    case 'signed-out':
      return text.signedOut;
    case 'signing-in':
      return text.signingIn;
    case 'signing-out':
      return text.signingOut;
    case 'restoring':
      return text.restoring;
    case 'signed-in':
      break;
  }
  return stateTextOrSent(snapshot.state, {
    base: (base) => text.states[base],
    system: (reason) => text.systemReasons[reason],
    unknown: text.unknownState,
  });
}

/**
 * "App — state · reason · 12:34[ · trouble]", at most {@link MAX_TOOLTIP} characters. During
 * wrap-up the time is what is left of it: "忙碌 · 话后处理 · 话后处理剩余 00:27".
 */
export function trayTooltip(
  snapshot: SessionSnapshot,
  now: number,
  language: Language,
  wrapUp: WrapUpStatus | null = null,
): string {
  const text = TRAY_TEXT[language];
  const parts = [stateLabel(snapshot, language)];
  if (snapshot.phase === 'signed-in' && wrapUp) {
    parts.push(text.wrapUpLeft(formatElapsed(wrapUp.endsAt - now + 999)));
  } else {
    const since = timeInStateSince(snapshot);
    if (since !== null) parts.push(formatElapsed(now - since));
  }
  const trouble = troubleToSay(snapshot);
  if (trouble) parts.push(text.trouble[trouble]);
  if (signInAsked(snapshot)) parts.push(text.signInAgain);
  if (signOutOwed(snapshot)) parts.push(text.signOutPending);
  if (noOutput(snapshot)) parts.push(text.noOutput);
  return truncate(`${text.appName} — ${parts.join(' · ')}`, MAX_TOOLTIP);
}

/** The tray menu for a snapshot: header, state choices, show window, sign out, quit. */
export function buildTrayMenu(
  snapshot: SessionSnapshot,
  settings: Settings,
  language: Language,
): TrayMenuItem[] {
  const text = TRAY_TEXT[language];
  // The platform owns the state while it rings the agent or the agent talks (the shared rule).
  const canChange = stateLock(snapshot) === null;
  const current = snapshot.state;
  const trouble = troubleToSay(snapshot);

  const header: TrayMenuItem[] = [
    {
      label: text.current(truncate(stateLabel(snapshot, language), MAX_LABEL)),
      enabled: false,
      type: 'header',
    },
  ];
  if (trouble) header.push({ label: `⚠ ${text.trouble[trouble]}`, enabled: false, type: 'header' });
  if (signInAsked(snapshot))
    header.push({ label: `⚠ ${text.signInAgain}`, enabled: false, type: 'header' });
  if (noOutput(snapshot))
    header.push({ label: `⚠ ${text.noOutput}`, enabled: false, type: 'header' });

  const choice = (label: string, state: string): TrayMenuItem => ({
    label: truncate(label, MAX_LABEL),
    enabled: canChange,
    checked: current === state,
    action: { kind: 'set-state', state },
  });
  // The same choices, in the same order, as the window's reason picker.
  const reasonsMenu = (base: 'busy' | 'away', presets: string[]): TrayMenuItem[] => {
    const { recent, presets: preset } = reasonChoices(base, presets, snapshot.recentReasons[base]);
    const items = [choice(text.noReason, base)];
    if (recent.length) {
      items.push(separator(), { label: text.recent, enabled: false, type: 'header' });
      items.push(...recent.map((r) => choice(r, `${base}/${r}`)));
    }
    if (preset.length) items.push(separator(), ...preset.map((r) => choice(r, `${base}/${r}`)));
    return items;
  };

  return [
    ...header,
    separator(),
    choice(text.states.idle, 'idle'),
    {
      label: text.states.busy,
      enabled: canChange,
      submenu: reasonsMenu('busy', settings.busyReasons),
    },
    {
      label: text.states.away,
      enabled: canChange,
      submenu: reasonsMenu('away', settings.awayReasons),
    },
    separator(),
    { label: text.showWindow, enabled: true, action: { kind: 'show-window' } },
    { label: text.exportDiagnostics, enabled: true, action: { kind: 'export-diagnostics' } },
    { label: text.signOut, enabled: canSignOut(snapshot), action: { kind: 'sign-out' } },
    separator(),
    { label: text.quit, enabled: true, action: { kind: 'quit' } },
  ];
}

/** The trouble worth words beside the state label ("Restoring the session…" says its own). */
function troubleToSay(snapshot: SessionSnapshot): TroubleKind | null {
  const trouble = trayTrouble(snapshot);
  return trouble === 'session-restoring' ? null : trouble;
}

function separator(): TrayMenuItem {
  return { label: '', enabled: true, type: 'separator' };
}

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}
