/**
 * The language the app starts in, read before Electron is ready: Chromium takes its locale (the
 * one its own controls are drawn in, such as the History tab's date fields) from the command line
 * only then. The policy's language wins, then the one the agent saved; what cannot be read counts
 * as 'system' here, silently: the core's own start reads both files again and says what is wrong.
 */
import { readFileSync } from 'node:fs';
import { readPolicy } from './policy-file';
import { SettingsSchema } from '../../shared/settings';
import type { LanguageSetting } from '../../shared/settings';

export function startLanguage(settingsPath: string, policyFile: string | null): LanguageSetting {
  try {
    const fixed = policyFile ? readPolicy(policyFile)?.language : undefined;
    if (fixed) return fixed;
  } catch {
    // A malformed policy stops the start a moment later, with the problem named.
  }
  try {
    // A byte-order mark (a file edited in Notepad) is read past, as the settings loader does.
    const text = readFileSync(settingsPath, 'utf8').replace(/^\uFEFF/, '');
    const saved = (JSON.parse(text) as { language?: unknown } | null)?.language;
    const parsed = SettingsSchema.shape.language.safeParse(saved);
    if (parsed.success) return parsed.data;
  } catch {
    // No file yet, or a damaged one (set aside and reported by the core).
  }
  return 'system';
}
