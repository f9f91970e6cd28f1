/**
 * The sentence for a call button that failed: what failed, then why — the microphone's reason
 * when the microphone was why (a failed answer), else the error's own sentence. Takes the
 * component's own `t`, so a panel's setup does no more than it did (the ringing panel is built
 * at the first ring).
 */
import { useLanguage } from '../i18n';
import type { CallFailure } from './store';

export function useCallFailureText(t: (key: string) => string): (failure: CallFailure) => string {
  const { language, failed } = useLanguage();
  return (failure) => {
    const what = t(`call.failed.${failure.action}`);
    if (!failure.microphone) return failed(what, failure.error);
    // Chinese sentences join without a space (as `failed` joins them).
    const space = language.value === 'en' ? ' ' : '';
    return `${what}${space}${t(`call.microphoneProblem.${failure.microphone}`)}`;
  };
}
