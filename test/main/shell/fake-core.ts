/**
 * A stand-in for DesktopCore in shell tests: records dispatches and system events, emits events
 * on demand, and holds a snapshot/settings the test sets. The real core has its own tests; the
 * shell's job is only to route to it.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { initialSnapshot } from '../../../src/shared/snapshot';
import type { DesktopCore } from '../../../src/main/core/desktop-core';
import type { EventChannel, EventPayloads, Result } from '../../../src/shared/ipc/contract';
import type { Settings, SettingsView } from '../../../src/shared/settings';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

export const T0 = 1_700_000_000_000;

export function signedInSnapshot(state: string, since = T0): SessionSnapshot {
  const base = initialSnapshot('http://127.0.0.1:1', true, T0);
  return {
    ...base,
    phase: 'signed-in',
    profile: { name: 'agent', extension: '1000100001' },
    state,
    stateSince: since,
    chosenState: state,
    platform: { ...base.platform, health: 'ok' },
    sip: { ...base.sip, state: 'registered' },
  };
}

export class FakeCore implements DesktopCore {
  private readonly events = new EventEmitter();
  current: SessionSnapshot = initialSnapshot('http://127.0.0.1:1', true, T0);
  currentSettings: Settings = { ...DEFAULT_SETTINGS };
  secureStorage = true;
  readonly dispatch = vi.fn(
    async (_channel: unknown, _payload: unknown): Promise<Result<unknown>> => ({
      ok: true,
      value: this.current,
    }),
  );
  readonly system = vi.fn();
  readonly windowCrashed = vi.fn(async (_loop: boolean) => undefined);
  readonly shutdown = vi.fn(async (_timeoutMs: number) => {
    this.current = { ...this.current, phase: 'signed-out', state: null };
  });

  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }
  listenerCount(event: EventChannel): number {
    return this.events.listenerCount(event);
  }
  snapshot(): SessionSnapshot {
    return this.current;
  }
  settings(): Settings {
    return this.currentSettings;
  }
  settingsView(): SettingsView {
    return {
      settings: this.currentSettings,
      secrets: { secretKey: false, sipPassword: false, sipProxyPassword: false },
      secureStorage: this.secureStorage,
    };
  }

  /** Replaces the snapshot and pushes session:changed, as the real core does. */
  setSnapshot(snapshot: SessionSnapshot): void {
    this.current = snapshot;
    this.events.emit('session:changed', snapshot);
  }
  /** Replaces settings and pushes settings:changed. */
  setSettings(patch: Partial<Settings>): void {
    this.currentSettings = { ...this.currentSettings, ...patch };
    this.events.emit('settings:changed', this.settingsView());
  }
  emit<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    this.events.emit(event, payload);
  }
}
