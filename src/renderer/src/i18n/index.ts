/**
 * vue-i18n in composition mode. The language follows the setting; 'system' follows the OS
 * locale through the same rule the tray uses (resolveLanguage), so window and tray agree.
 */
import { computed } from 'vue';
import { createI18n, useI18n } from 'vue-i18n';
import { resolveLanguage } from '../../../shared/i18n/tray';
import { describeError } from '../../../shared/domain/errors';
import { useSessionStore } from '../stores/session';
import { stateTextOrSent } from '../../../shared/domain/state-text';
import type { StateWords } from '../../../shared/domain/state-text';
import en from './en';
import zhCN from './zh-CN';
import type { AppError, Language } from '../../../shared/domain/errors';
import type { LanguageSetting } from '../../../shared/settings';
import type { StateLock } from '../../../shared/availability';
import type { Messages } from './zh-CN';

export const LANGUAGE_OPTIONS: readonly LanguageSetting[] = ['system', 'zh-CN', 'en'];

/** The OS locale as the window sees it (the browser host's Chromium, or Electron's). */
export function systemLocale(): string {
  return typeof navigator !== 'undefined' ? navigator.language : 'zh-CN';
}

export function createAppI18n(setting: LanguageSetting = 'system') {
  return createI18n<[Messages], Language, false>({
    legacy: false,
    locale: resolveLanguage(setting, systemLocale()),
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** The window's words for a state (base and the app's own reasons), as the tray has them. */
export function stateWords(t: (key: string) => string): StateWords {
  return {
    base: (base) => t(`states.${base}`),
    system: (reason) => t(`systemReasons.${reason}`),
    unknown: t('unknownState'),
  };
}

const LOCK_KEYS: Record<StateLock, string> = {
  'in-call': 'controls.lockedInCall',
  restoring: 'controls.lockedRestoring',
  'signed-out': 'controls.lockedNotSignedIn',
};

/** Why no state can be chosen now, in words ('' when it can): the shared `stateLock` rule. */
export function stateLockText(t: (key: string) => string, lock: StateLock | null): string {
  return lock ? t(LOCK_KEYS[lock]) : '';
}

/** The current language, plus the sentence for any AppError in it (from the one error table). */
export function useLanguage() {
  const { locale, t } = useI18n();
  const language = computed<Language>(() => (locale.value === 'en' ? 'en' : 'zh-CN'));
  // Gateway mode: no answer is the agent gateway's, not the platform's (the shared error table).
  const session = useSessionStore();
  /** `once`: for an attempt that is not retried (no "the app will retry"). */
  const errorText = (error: AppError, once = false) =>
    describeError(error, language.value, {
      once,
      gateway: session.snapshot?.access?.mode === 'gateway',
    });
  /** "What failed" + the error's sentence; Chinese sentences join without a space. */
  const failed = (what: string, error: AppError, once = false) =>
    `${what}${language.value === 'en' ? ' ' : ''}${errorText(error, once)}`;
  /** Applies a language setting at once (the header switch and the settings store use it). */
  const apply = (setting: LanguageSetting) => {
    locale.value = resolveLanguage(setting, systemLocale());
  };
  /** "Busy · Lunch", as everywhere in the window; a state with no known base reads as sent. */
  const stateName = (state: string) => stateTextOrSent(state, stateWords(t));
  return { language, errorText, failed, apply, stateName };
}
