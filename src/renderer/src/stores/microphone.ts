/**
 * What only the window can know: whether the microphone may be used, and when not, why
 * (`problem`: denied, busy, none, other — the readiness light words it). Unknown until the
 * Permissions API or the first device list says otherwise (never assumed fine); each change is
 * reported to main so the tray and the readiness light agree.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call } from '../desktop';
import type { LinkHealth } from '../../../shared/snapshot';
import type { MicrophoneProblem } from '../media/microphone-problem';

function fromPermission(state: PermissionState): LinkHealth {
  return state === 'granted' ? 'ok' : state === 'denied' ? 'broken' : 'unknown';
}

export const useMicrophoneStore = defineStore('microphone', () => {
  const health = ref<LinkHealth>('unknown');
  /** Why it is broken (meaningful only while health is 'broken'). */
  const problem = ref<MicrophoneProblem>('denied');
  /** The last device list had no audio input: a granted permission does not make it fine. */
  let noInput = false;
  let started = false;

  function set(next: LinkHealth, why: MicrophoneProblem = 'other'): void {
    if (next === 'broken') problem.value = why;
    // A microphone that opened is plugged in, whatever an older device list said.
    if (next === 'ok') noInput = false;
    health.value = next;
    void report();
  }

  /** Sets the health (and why it is broken), telling main only of a change of health. */
  function follow(next: LinkHealth, why: MicrophoneProblem = 'other'): void {
    if (next === 'broken') problem.value = why;
    if (health.value !== next) set(next, why);
  }

  /** The device list says whether any microphone is plugged in at all. */
  function inputs(present: boolean): void {
    noInput = !present;
    if (!present) follow('broken', 'none');
  }

  function fromPermissionState(state: PermissionState): void {
    const next = fromPermission(state);
    // No microphone plugged in stays broken whatever the permission (the device list says when).
    if (next !== 'broken' && noInput) return;
    set(next, 'denied');
  }

  /** Nothing to tell from the permission: unknown, unless no microphone is plugged in. */
  const unknown = () => (noInput ? void report() : set('unknown'));

  /** Tells main what the window knows (again after each sign-in: a new session starts blank). */
  async function report(): Promise<void> {
    await call((api) => api.reportMicrophone(health.value));
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const permissions = typeof navigator !== 'undefined' ? navigator.permissions : undefined;
    if (!permissions?.query) {
      unknown();
      return;
    }
    try {
      const status = await permissions.query({ name: 'microphone' as PermissionName });
      fromPermissionState(status.state);
      status.onchange = () => fromPermissionState(status.state);
    } catch {
      // Some engines do not know the 'microphone' permission name: say unknown, not fine.
      unknown();
    }
  }

  return { health, problem, start, report, set, follow, inputs };
});
