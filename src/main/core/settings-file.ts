/**
 * Settings persisted as JSON in the user-data folder. A damaged or hand-edited file never stops
 * the app: each field that fails its schema falls back to its default, and writes are atomic.
 * What the app cannot use is set aside first, as `settings.json.damaged-<ms>` beside it (as the
 * history store does): the next save rewrites the file from what was usable, and without the
 * copy an unreadable file — or a field IT typed by hand — would be gone without a trace.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../shared/settings';
import type { Settings } from '../../shared/settings';
import type { Logger } from '../../lib/ports';

export interface SettingsPersistence {
  load(): Settings;
  save(settings: Settings): void;
}

/** Settings in a JSON file; `null` path = memory only (tests, the browser host). */
export function settingsFile(
  path: string | null,
  logger: Logger,
  now: () => number = Date.now,
): SettingsPersistence {
  let memory: Settings = DEFAULT_SETTINGS;
  const setAside = (how: 'move' | 'copy'): string | null => {
    const keptAs = `${path}.damaged-${now()}`;
    try {
      if (how === 'move') renameSync(path!, keptAs);
      else copyFileSync(path!, keptAs);
      return keptAs;
    } catch {
      return null;
    }
  };
  return {
    load() {
      if (!path) return memory;
      let text: string;
      try {
        // Notepad saves UTF-8 with a byte-order mark, which JSON.parse takes for a stray character.
        text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          logger.warn('settings file unreadable; using defaults', { path, error: String(error) });
        }
        return DEFAULT_SETTINGS;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        // The parser's message quotes the text around the fault: the error's name is enough.
        logger.warn('settings file damaged; using defaults', {
          path,
          keptAs: setAside('move'),
          error: (error as Error).name,
        });
        return DEFAULT_SETTINGS;
      }
      const { settings, invalid } = mergeValid(raw);
      if (invalid.length > 0) {
        logger.warn('settings fields invalid; using their defaults', {
          keys: invalid,
          keptAs: setAside('copy'),
        });
      }
      return settings;
    },
    save(settings) {
      memory = settings;
      if (!path) return;
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, JSON.stringify(settings, null, 2), 'utf8');
      renameSync(tmp, path);
    },
  };
}

function mergeValid(raw: unknown): { settings: Settings; invalid: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { settings: DEFAULT_SETTINGS, invalid: ['(not an object)'] };
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: string[] = [];
  const shape = SettingsSchema.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >;
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(shape, key)) continue;
    const field = shape[key]!;
    const parsed = field.safeParse(value);
    if (parsed.success) merged[key] = parsed.data;
    else invalid.push(key);
  }
  return { settings: merged as Settings, invalid };
}
