/** Accelerators as this machine's keyboard shows them (the rule is shared; the platform is here). */
import { describeAccelerator } from '../../shared/key-bindings';

/** The window runs on a Mac (keys are spelt and matched as a Mac has them). */
export const MAC = typeof navigator !== 'undefined' && /^Mac/i.test(navigator.platform);

/** `CommandOrControl+Alt+A` → `Ctrl+Alt+A` (or `⌘⌥A` on a Mac); '' when it reads the same. */
export function keysText(accelerator: string): string {
  const text = describeAccelerator(accelerator, MAC);
  return text === accelerator.trim() ? '' : text;
}

/**
 * True while the agent types in a field: a ringing call then neither takes the focus (their next
 * key must not answer it) nor tells them to press Enter. A checkbox is not typing.
 */
export function typingIn(active: Element | null): boolean {
  if (!active) return false;
  if ((active as HTMLElement).isContentEditable) return true;
  return (
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName) &&
    (active as HTMLInputElement).type !== 'checkbox'
  );
}

/**
 * True when a call that rings now may take the keyboard: this window has it (on a ring the shell
 * shows the window without activating it, so the agent's keys stay with the app they type in)
 * and the agent is not typing in one of its fields.
 */
export function answerTakesFocus(active: Element | null): boolean {
  return document.hasFocus() && !typingIn(active);
}

/**
 * True when Enter will answer a call that rings now: Answer takes the focus when this window has
 * the keyboard, unless the agent types in a field that stays. A field inside
 * `[data-closes-in-call]` (a reason menu) goes as the call locks the state controls, and Answer
 * takes the focus then.
 */
export function enterWillAnswer(active: Element | null): boolean {
  return document.hasFocus() && (!typingIn(active) || !!active?.closest('[data-closes-in-call]'));
}
