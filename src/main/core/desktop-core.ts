/**
 * What a host (the Electron shell, or the browser host) gets from the core: a validated command
 * dispatcher, events, power hooks and a bounded shutdown. Hosts add only their own transport
 * and sender checks; no business rule lives in a host.
 */
import type { EventChannel, EventPayloads, Result } from '../../shared/ipc/contract';
import type { AgentDayStatus, SessionSnapshot } from '../../shared/snapshot';
import type { Settings, SettingsView } from '../../shared/settings';

/** Something the tray menu (or a global hotkey) asks for. */
export type TrayAction =
  | { kind: 'set-state'; state: string }
  | { kind: 'show-window' }
  | { kind: 'sign-out' }
  | { kind: 'export-diagnostics' }
  | { kind: 'quit' };

/** Power and network events the OS reports (Electron's powerMonitor / net in the shell). */
export type SystemEvent =
  'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'online' | 'offline';

export interface DesktopCore {
  /** Validates `payload` against the contract for `channel`, then runs the command. Never throws. */
  dispatch(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  snapshot(): SessionSnapshot;
  settings(): Settings;
  settingsView(): SettingsView;
  /** Wrap-up and the no-answer guard as they stand (the tray shows wrap-up's time left). */
  dayStatus?(): AgentDayStatus;
  /** Tells the core about suspend/resume/lock/unlock/network changes. */
  system(event: SystemEvent): void;
  /** Signs out (if signed in) and stops everything, waiting at most `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<void>;
}
