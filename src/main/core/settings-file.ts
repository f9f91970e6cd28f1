/**
 * Settings persisted as JSON in the user-data folder. A damaged or hand-edited file never stops
 * the app: each field that fails its schema falls back to its default, and writes are atomic.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../shared/settings';
import type { Settings } from '../../shared/settings';
import type { Logger } from '../../lib/ports';

export interface SettingsPersistence {
  load(): Settings;
  save(settings: Settings): void;
}

/** Settings in a JSON file; `null` path = memory only (tests, the browser host). */
export function settingsFile(path: string | null, logger: Logger): SettingsPersistence {
  let memory: Settings = DEFAULT_SETTINGS;
  return {
    load() {
      if (!path) return memory;
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          logger.warn('settings file unreadable; using defaults', { path, error: String(error) });
        }
        return DEFAULT_SETTINGS;
      }
      return mergeValid(raw, logger);
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

function mergeValid(raw: unknown, logger: Logger): Settings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const shape = SettingsSchema.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >;
  for (const [key, value] of Object.entries(raw)) {
    const field = shape[key];
    if (!field) continue;
    const parsed = field.safeParse(value);
    if (parsed.success) merged[key] = parsed.data;
    else logger.warn('settings field invalid; using default', { key });
  }
  return merged as Settings;
}
