/** Accelerators as this machine's keyboard shows them (the rule is shared; the platform is here). */
import { describeAccelerator } from '../../shared/key-bindings';

const MAC = typeof navigator !== 'undefined' && /^Mac/i.test(navigator.platform);

/** `CommandOrControl+Alt+A` → `Ctrl+Alt+A` (or `⌘⌥A` on a Mac); '' when it reads the same. */
export function keysText(accelerator: string): string {
  const text = describeAccelerator(accelerator, MAC);
  return text === accelerator.trim() ? '' : text;
}
