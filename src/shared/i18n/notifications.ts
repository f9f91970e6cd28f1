/**
 * The incoming-call notification's words: one text for main's native notification and the
 * window's own (shown when the page is hidden in a browser), so an agent reads the same thing.
 */
import type { Language } from '../domain/errors';

export interface RingingText {
  title: string;
  body: (caller: string) => string;
  answer: string;
}

export const RINGING_TEXT: Record<Language, RingingText> = {
  'zh-CN': { title: '来电', body: (caller) => `${caller} 正在呼叫`, answer: '接听' },
  en: { title: 'Incoming call', body: (caller) => `${caller} is calling`, answer: 'Answer' },
};
