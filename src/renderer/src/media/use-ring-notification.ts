/**
 * An OS notification from the window while a call rings and the page is hidden (a browser tab
 * in the background). In Electron the page never reports hidden (backgroundThrottling is off),
 * so there main's own notification — with its Answer action — is the only one: no duplicates.
 * Clicking ours brings the window forward; answering stays an explicit press of Answer.
 */
import { onUnmounted, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useCallStore } from './store';

const TAG = 'agent-desktop-ringing';

export function useRingNotification(): void {
  const { t } = useI18n();
  const calls = useCallStore();
  let shown: Notification | null = null;

  function close(): void {
    shown?.close();
    shown = null;
  }

  function show(caller: string): void {
    if (typeof Notification !== 'function' || Notification.permission !== 'granted') return;
    close();
    try {
      // Silent: the ringtone is the sound; a second chime would only confuse.
      shown = new Notification(t('call.notifyTitle'), {
        body: t('call.notifyBody', { caller }),
        tag: TAG,
        silent: true,
        requireInteraction: true,
      });
      shown.onclick = () => {
        window.focus();
        close();
      };
    } catch {
      shown = null;
    }
  }

  watch(
    [() => calls.call?.id ?? null, () => calls.call?.phase ?? null],
    ([id, phase]) => {
      if (id && phase === 'ringing') {
        if (document.hidden && !shown) show(calls.call?.caller ?? '');
      } else {
        close();
      }
    },
    { immediate: true },
  );
  onUnmounted(close);
}
