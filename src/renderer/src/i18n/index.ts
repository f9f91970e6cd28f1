/**
 * vue-i18n in composition mode. The language follows the setting; 'system' follows the OS
 * locale through the same rule the tray uses (resolveLanguage), so window and tray agree.
 */
import { computed } from 'vue';
import { createI18n, useI18n } from 'vue-i18n';
import { resolveLanguage } from '../../../shared/i18n/tray';
import { describeError } from '../../../shared/domain/errors';
import { useSessionStore } from '../stores/session';
import { viaGateway } from '../../../shared/snapshot';
import { stateTextOrSent } from '../../../shared/domain/state-text';
import type { StateWords } from '../../../shared/domain/state-text';
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

/**
 * The window's i18n. Only the Chinese catalog is in the start-up script (most floors work in
 * Chinese); English comes with its own chunk the first time it is needed (`useLanguage().apply`,
 * or `startLanguage` before the first render). `preloaded` gives catalogs at once (tests). Until
 * English is in, a window set to it starts in Chinese.
 */
export function createAppI18n(
  setting: LanguageSetting = 'system',
  preloaded: Partial<Record<Language, Messages>> = {},
) {
  const messages = { 'zh-CN': zhCN, ...preloaded };
  const wanted = resolveLanguage(setting, systemLocale());
  return createI18n<[Messages], Language, false>({
    legacy: false,
    locale: messages[wanted] ? wanted : 'zh-CN',
    fallbackLocale: 'zh-CN',
    // English may be missing until switchLanguage loads it; lookups fall back to Chinese.
    messages: messages as Record<Language, Messages>,
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** What switching language needs of vue-i18n's composer (the global one, or `useI18n()`'s). */
interface LanguageTarget {
  locale: { value: string };
  te: (key: string, locale?: Language) => boolean;
  mergeLocaleMessage: (locale: Language, messages: Messages) => void;
}

/** The language asked for last: an earlier one that finishes loading later does not win. */
const asked = new WeakMap<LanguageTarget['locale'], Language>();

/**
 * Switches to a language setting, loading its catalog first when it is not in yet (English;
 * merged, so words a screen merged in before are kept). Resolves once it is shown.
 */
export async function switchLanguage(target: LanguageTarget, setting: LanguageSetting) {
  const language = resolveLanguage(setting, systemLocale());
  asked.set(target.locale, language);
  if (!target.te('app.title', language)) {
    const { default: messages } = await import('./en');
    target.mergeLocaleMessage('en', messages);
    if (asked.get(target.locale) !== language) return;
  }
  target.locale.value = language;
}

/** Before the first render: the setting's language, with its catalog (main.ts). */
export function startLanguage(i18n: AppI18n, setting: LanguageSetting = 'system') {
  return switchLanguage(i18n.global, setting);
}

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
  const composer = useI18n();
  const { locale, t } = composer;
  const language = computed<Language>(() => (locale.value === 'en' ? 'en' : 'zh-CN'));
  // Gateway mode: no answer is the agent gateway's, not the platform's (the shared error table).
  const session = useSessionStore();
  /** `once`: for an attempt that is not retried (no "the app will retry"). */
  const errorText = (error: AppError, once = false) =>
    describeError(error, language.value, {
      once,
      gateway: viaGateway(session.snapshot),
    });
  /** "What failed" + the error's sentence; Chinese sentences join without a space. */
  const failed = (what: string, error: AppError, once = false) =>
    `${what}${language.value === 'en' ? ' ' : ''}${errorText(error, once)}`;
  /**
   * Applies a language setting (the header switch and the settings store use it): at once when
   * its words are in, else once they have loaded.
   */
  const apply = (setting: LanguageSetting) => switchLanguage(composer, setting);
  /** "Busy · Lunch", as everywhere in the window; a state with no known base reads as sent. */
  const stateName = (state: string) => stateTextOrSent(state, stateWords(t));
  return { language, errorText, failed, apply, stateName };
}
