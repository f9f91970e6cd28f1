/** Mirrors main's settings view (secrets only as set/unset), with the same subscribe-then-get order. */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import { call, desktopApi } from '../desktop';
import type { Result } from '../../../shared/ipc/contract';
import type { SettingsPatch, SettingsView } from '../../../shared/settings';

export const useSettingsStore = defineStore('settings', () => {
  const view = shallowRef<SettingsView | null>(null);
  let unsubscribe: (() => void) | null = null;

  function apply(next: SettingsView): void {
    view.value = next;
  }

  async function start(): Promise<void> {
    if (unsubscribe) return;
    const api = desktopApi();
    if (!api) return;
    unsubscribe = api.onSettings(apply);
    const result = await call((a) => a.getSettings());
    if (result.ok) apply(result.value);
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  /** Sends a patch (only what changed; secrets write-only). Never throws. */
  async function update(patch: SettingsPatch): Promise<Result<SettingsView>> {
    const result = await call((api) => api.updateSettings(patch));
    if (result.ok) apply(result.value);
    return result;
  }

  return { view, start, stop, update, apply };
});
