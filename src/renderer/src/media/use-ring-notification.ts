/**
 * An OS notification from the window while a call rings and the page is hidden (a browser tab
 * in the background). In Electron the page never reports hidden (backgroundThrottling is off),
 * so there main's own notification — with its Answer action — is the only one: no duplicates.
 * Clicking ours brings the window forward; answering stays an explicit press of Answer.
 */
import { onUnmounted, watch } from 'vue';
import { RINGING_TEXT } from '../../../shared/i18n/notifications';
import { useLanguage } from '../i18n';
import { useCallStore } from './store';

const TAG = 'agent-desktop-ringing';

export function useRingNotification(): void {
  const { language } = useLanguage();
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
      // The same words as main's native notification (one text, in src/shared).
      const text = RINGING_TEXT[language.value];
      shown = new Notification(text.title, {
        body: text.body(caller),
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
