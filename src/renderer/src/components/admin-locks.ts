/**
 * Settings the administrator's policy fixes (or, for this run, an environment variable) are shown
 * read-only and marked with who sets them ("set by your administrator"). Generic over setting keys: a field opts in with `data-setting="<key>"`;
 * the fields that predate that attribute are found by their ids below. A locked secret's input
 * is disabled too — its value is never sent to the window in any case.
 */
import { nextTick, watch } from 'vue';
import type { Ref } from 'vue';
import { ADMIN_ONLY_SETTINGS } from '../../../shared/settings-model';

/** Element ids of the existing fields, per setting key. */
export const LOCK_TARGETS: Record<string, string[]> = {
  platformBaseUrl: ['set-base-url'],
  gatewayUrl: ['set-gateway-url'],
  appId: ['set-app-id'],
  certId: ['set-cert-id'],
  secretKey: ['set-secret-key'],
  sipWsUrl: ['set-sip-ws'],
  sipDomain: ['set-sip-domain'],
  sipUserOverride: ['set-sip-user'],
  sipPassword: ['set-sip-password'],
  sipProxyPassword: ['set-sip-proxy-password'],
  keepaliveSeconds: ['set-keepalive'],
  registerExpiresSeconds: ['set-expires'],
  busyReasons: ['set-busy-reasons'],
  awayReasons: ['set-away-reasons'],
  onSuspend: ['set-on-suspend'],
  onLock: ['set-on-lock'],
  language: ['set-language'],
  hotkeyAnswer: ['set-hotkeyAnswer'],
  hotkeyHangUp: ['set-hotkeyHangUp'],
  hotkeyToggleReady: ['set-hotkeyToggleReady'],
  hotkeyMute: ['set-hotkeyMute'],
  autoAnswerDelaySeconds: ['set-autoAnswerDelay'],
  microphoneDeviceId: ['device-microphone'],
  speakerDeviceId: ['device-speaker'],
  ringerDeviceId: ['device-ringer'],
  // The day settings card (DaySettings.vue).
  wrapUpSeconds: ['day-wrap-up'],
  wrapUpSecondsByAgent: ['day-my-wrap-up'],
  wrapUpReason: ['day-wrap-up-reason'],
  noAnswerLimit: ['day-no-answer'],
  noAnswerReason: ['day-no-answer-reason'],
  historyRetentionDays: ['day-retention'],
  screenPopUrl: ['day-pop-url'],
  screenPopWhen: ['day-pop-when'],
  screenPopHosts: ['day-pop-hosts'],
  screenPopHttpHosts: ['day-pop-http-hosts'],
};

/** Settings the window has no field for (an administrator's or a build's alone). */
export const NO_FIELD: readonly string[] = ADMIN_ONLY_SETTINGS;

const MARK = 'data-admin-lock';

function targets(root: HTMLElement, key: string): HTMLElement[] {
  const byId = (LOCK_TARGETS[key] ?? [])
    .map((id) => root.querySelector<HTMLElement>(`#${CSS.escape(id)}`))
    .filter((el): el is HTMLElement => el !== null);
  const tagged = [...root.querySelectorAll<HTMLElement>(`[data-setting="${CSS.escape(key)}"]`)];
  return [...new Set([...byId, ...tagged])];
}

/** Keeps the locked fields under `root` read-only and marked, as `locked()` changes. */
export function useAdminLocks(
  root: Ref<HTMLElement | null>,
  locked: () => readonly string[],
  /** The mark for one locked key. */
  label: (key: string) => string,
): void {
  const apply = async () => {
    await nextTick();
    const el = root.value;
    if (!el) return;
    for (const mark of el.querySelectorAll(`[${MARK}]`)) mark.remove();
    for (const field of el.querySelectorAll<HTMLElement>('[data-admin-locked]')) {
      field.removeAttribute('data-admin-locked');
      field.removeAttribute('disabled');
      field.removeAttribute('aria-readonly');
    }
    for (const key of locked()) {
      for (const field of targets(el, key)) {
        field.setAttribute('data-admin-locked', key);
        field.setAttribute('disabled', '');
        field.setAttribute('aria-readonly', 'true');
        const note = document.createElement('span');
        note.setAttribute(MARK, key);
        note.className = 'admin-lock';
        note.textContent = label(key);
        field.insertAdjacentElement('afterend', note);
      }
    }
  };
  watch(
    [
      root,
      () =>
        locked()
          .map((key) => `${key}=${label(key)}`)
          .join('\n'),
    ],
    () => void apply(),
    { immediate: true },
  );
}
