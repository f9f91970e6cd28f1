/**
 * What only the window can know: whether the microphone may be used. Unknown until the
 * Permissions API says otherwise (never assumed fine); each change is reported to main so the
 * tray and the readiness light agree.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call } from '../desktop';
import type { LinkHealth } from '../../../shared/snapshot';

function fromPermission(state: PermissionState): LinkHealth {
  return state === 'granted' ? 'ok' : state === 'denied' ? 'broken' : 'unknown';
}

export const useMicrophoneStore = defineStore('microphone', () => {
  const health = ref<LinkHealth>('unknown');
  let started = false;

  function set(next: LinkHealth): void {
    health.value = next;
    void report();
  }

  /** Tells main what the window knows (again after each sign-in: a new session starts blank). */
  async function report(): Promise<void> {
    await call((api) => api.reportMicrophone(health.value));
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const permissions = typeof navigator !== 'undefined' ? navigator.permissions : undefined;
    if (!permissions?.query) {
      set('unknown');
      return;
    }
    try {
      const status = await permissions.query({ name: 'microphone' as PermissionName });
      set(fromPermission(status.state));
      status.onchange = () => set(fromPermission(status.state));
    } catch {
      // Some engines do not know the 'microphone' permission name: say unknown, not fine.
      set('unknown');
    }
  }

  return { health, start, report, set };
});
