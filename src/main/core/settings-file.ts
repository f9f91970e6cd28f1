/**
 * Settings persisted as JSON in the user-data folder. A damaged or hand-edited file never stops
 * the app: each field that fails its schema falls back to its default, and writes are atomic.
 * What the app cannot use is set aside first, as `settings.json.damaged-<ms>` beside it (as the
 * history store does): the next save rewrites the file from what was usable, and without the
 * copy an unreadable file — or a field IT typed by hand — would be gone without a trace. The
 * copy has any password in a URL blanked: secrets never go to disk in plain text. A key that is
 * no setting (a misspelling) is ignored, named in the log with the setting it probably meant, and
 * kept the same way. The same file met at several starts is kept once, and only the newest
 * {@link KEEP_SET_ASIDE} copies are kept.
 *
 * An earlier version kept the SIP proxy's password in `sipProxyUrl` (`http://user:password@host`):
 * at load it goes to the secret store and the file is rewritten without it. Copies that version
 * set aside kept the password as it was: at load each `settings.json.damaged-*` beside the file
 * that still holds a password in a URL is rewritten with the password blanked, and nothing else
 * changed ({@link scrubSetAsideCopies}); a failure there is logged and never stops the start.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { blankUrlPasswords, redactText } from '../../shared/redact';
import { DEFAULT_SETTINGS, SETTINGS_LIMITS, SettingsSchema } from '../../shared/settings';
import type { Settings } from '../../shared/settings';
import type { Logger, SecretStore } from '../../lib/ports';
import { nearest } from './nearest-key';

export interface SettingsPersistence {
  load(): Settings;
  /** `proxyPasswordSet`: the agent gave a new proxy password, so one the file kept goes. */
  save(settings: Settings, options?: { proxyPasswordSet?: boolean }): void;
  /**
   * The proxy password an older file held that the secret store could not take (it stays in the
   * file until the store can): used for this run, never shown. Null when there is none.
   */
  proxyPassword?(): string | null;
}

/**
 * Settings in a JSON file; `null` path = memory only (tests, the browser host). `secrets` takes
 * a proxy password found in an old file (without it the password is only removed). When the
 * store cannot write (a read-only profile, a locked keychain) the password stays in the file —
 * every save puts it back in the URL it came with — and is moved at the first save the store
 * takes it; the agent replacing that proxy URL lets it go.
 */
export function settingsFile(
  path: string | null,
  logger: Logger,
  now: () => number = Date.now,
  secrets: Pick<SecretStore, 'set'> | null = null,
): SettingsPersistence {
  let memory: Settings = DEFAULT_SETTINGS;
  /** A proxy password the store would not take: the URL as written, and without it. */
  let unmoved: { written: string; bare: string; password: string } | null = null;
  const setAside = (how: 'move' | 'copy', text: string): string | null => {
    const kept = redactText(text);
    try {
      // The same file met at every start (nobody saved since) is kept once, not once per start.
      const newest = setAsideCopies(path!).at(-1);
      const same = newest !== undefined && readFileSync(newest, 'utf8') === kept;
      const keptAs = same ? newest : `${path}.damaged-${now()}`;
      if (!same) writeFileSync(keptAs, kept, { encoding: 'utf8', mode: 0o600 });
      if (how === 'move') rmSync(path!, { force: true });
      for (const old of setAsideCopies(path!).slice(0, -KEEP_SET_ASIDE))
        rmSync(old, { force: true });
      return keptAs;
    } catch {
      return null;
    }
  };
  /** Gives the store the password; false (logged) when it cannot write. */
  const storePassword = (password: string): boolean => {
    try {
      secrets?.set('sipProxyPassword', password);
      return true;
    } catch (error) {
      logger.error(
        'settings: the SIP proxy password could not be moved to the secret store; settings.json keeps it',
        { path, error: errorCode(error) },
      );
      return false;
    }
  };
  const moveProxyPassword = (raw: unknown): unknown => {
    const found = withoutProxyPassword(raw);
    if (!found) return raw;
    if (!storePassword(found.password)) {
      // Not lost: the file stays as it is, and the window sees the URL without it.
      unmoved = { written: found.written, bare: found.raw.sipProxyUrl, password: found.password };
      return found.raw;
    }
    try {
      writeAtomically(path!, JSON.stringify(found.raw, null, 2));
      logger.warn(
        secrets
          ? 'settings: the SIP proxy password was moved from the file to the secret store'
          : 'settings: the SIP proxy password was removed from the file',
        { path },
      );
    } catch (error) {
      logger.error('settings: the SIP proxy password could not be removed from the file', {
        path,
        error: String(error),
      });
    }
    return found.raw;
  };
  /** What the file is to hold: with the unmoved password back in its URL while it is needed. */
  const forFile = (settings: Settings, replaced: boolean): Settings => {
    if (!unmoved || replaced) return settings;
    if (settings.sipProxyUrl !== unmoved.bare) return settings; // that proxy was replaced
    if (storePassword(unmoved.password)) {
      unmoved = null;
      logger.warn('settings: the SIP proxy password was moved from the file to the secret store', {
        path,
      });
      return settings;
    }
    return { ...settings, sipProxyUrl: unmoved.written };
  };
  return {
    proxyPassword: () => unmoved?.password ?? null,
    load() {
      if (!path) return memory;
      scrubSetAsideCopies(path, logger);
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
          keptAs: setAside('move', text),
          error: (error as Error).name,
        });
        return DEFAULT_SETTINGS;
      }
      const moved = moveProxyPassword(raw);
      if (moved !== raw) {
        raw = moved;
        text = JSON.stringify(raw, null, 2); // what a set-aside copy keeps, too
      }
      const { settings, invalid, trimmed, unknown } = mergeValid(raw);
      const lost = invalid.length + trimmed.length + unknown.length;
      const keptAs = lost > 0 ? setAside('copy', text) : null;
      if (unknown.length > 0) {
        // A misspelt key is ignored, and gone at the next save: say so, and what it likely meant.
        const known = Object.keys(SettingsSchema.shape);
        const didYouMean = Object.fromEntries(
          unknown.flatMap((key) => {
            const near = nearest(key, known);
            return near ? [[key, near]] : [];
          }),
        );
        logger.warn('settings: unknown keys ignored', {
          keys: unknown,
          ...(Object.keys(didYouMean).length > 0 ? { didYouMean } : {}),
          keptAs,
        });
      }
      if (invalid.length > 0) {
        logger.warn('settings fields invalid; using their defaults', { keys: invalid, keptAs });
      }
      if (trimmed.length > 0) {
        logger.warn('settings: reasons the platform would refuse were left out', {
          lists: trimmed,
          keptAs,
        });
      }
      return settings;
    },
    save(settings, options = {}) {
      const written = path ? forFile(settings, options.proxyPasswordSet === true) : settings;
      if (path) writeAtomically(path, JSON.stringify(written, null, 2));
      memory = settings;
      // Once the file no longer holds it, the store's (or no) password is the one in use.
      if (written.sipProxyUrl === settings.sipProxyUrl) unmoved = null;
    },
  };
}

/** How many `settings.json.damaged-*` copies are kept (the newest). */
const KEEP_SET_ASIDE = 5;

/** The `<settings>.damaged-<ms>` copies beside `settingsPath`, oldest first. */
function setAsideCopies(settingsPath: string): string[] {
  const prefix = `${basename(settingsPath)}.damaged-`;
  let names: string[];
  try {
    names = readdirSync(dirname(settingsPath));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((name) => join(dirname(settingsPath), name));
}

/** Write then rename, so a crash never leaves half a file. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { encoding: 'utf8', mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Rewrites each `<settings>.damaged-*` beside `settingsPath` that still holds a password in a
 * URL (set aside by a version that did not blank it), with the password blanked and the rest of
 * the file as it was: JSON by a text replace checked by reading the result back (a password
 * hidden by JSON escapes, `http:\/\/…` or `\u0040`, is blanked in the parsed value and the file
 * written anew from it); any other text by the text replace alone. Never throws: a copy that
 * cannot be read or written is logged (without its content) and left.
 */
export function scrubSetAsideCopies(settingsPath: string, logger: Logger): void {
  const folder = dirname(settingsPath);
  const prefix = `${basename(settingsPath)}.damaged-`;
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.startsWith(prefix))
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn('settings: old set-aside copies could not be checked for passwords', {
        folder,
        error: errorCode(error),
      });
    }
    return;
  }
  for (const name of names) {
    const copy = join(folder, name);
    try {
      const text = readFileSync(copy, 'utf8');
      const scrubbed = scrubbedCopy(text);
      if (scrubbed === text) continue;
      // Beside it, then over it: a crash never leaves half a copy. Readable by the agent alone.
      const tmp = join(folder, `${basename(settingsPath)}.scrub.tmp`);
      writeFileSync(tmp, scrubbed, { encoding: 'utf8', mode: 0o600 });
      renameSync(tmp, copy);
      logger.warn('settings: a password in a URL was blanked in an old set-aside copy', {
        path: copy,
      });
    } catch (error) {
      logger.warn('settings: an old set-aside copy could not be checked for passwords', {
        path: copy,
        error: errorCode(error),
      });
    }
  }
}

/** `text` with every password in a URL blanked (see {@link scrubSetAsideCopies}). */
function scrubbedCopy(text: string): string {
  const replaced = blankUrlPasswords(text);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return replaced; // not JSON: the text replace is all there is
  }
  let after: unknown;
  try {
    after = JSON.parse(replaced.replace(/^\uFEFF/, ''));
  } catch {
    after = undefined; // the replace broke the JSON (it should not): written anew below
  }
  if (after !== undefined && !holdsUrlPassword(after)) return replaced;
  return JSON.stringify(blankedValue(raw), null, 2);
}

function holdsUrlPassword(value: unknown): boolean {
  if (typeof value === 'string') return blankUrlPasswords(value) !== value;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([key, field]) => holdsUrlPassword(key) || holdsUrlPassword(field),
  );
}

function blankedValue(value: unknown): unknown {
  if (typeof value === 'string') return blankUrlPasswords(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(blankedValue);
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [blankUrlPasswords(key), blankedValue(field)]),
  );
}

/** An fs error's code (or the error's name): never a message that could quote a file. */
function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return (error as NodeJS.ErrnoException).code ?? error.name;
}

/** `raw` without the password in its `sipProxyUrl`, and that password; null when it has none. */
function withoutProxyPassword(
  raw: unknown,
): { raw: { sipProxyUrl: string }; password: string; written: string } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const text = (raw as { sipProxyUrl?: unknown }).sipProxyUrl;
  if (typeof text !== 'string') return null;
  const split = splitProxyPassword(text);
  return (
    split && { raw: { ...raw, sipProxyUrl: split.url }, password: split.password, written: text }
  );
}

/**
 * A proxy URL's password (percent-decoded) and the URL without it, as written less the password
 * (`http://u@host:3128`, not `http://u@host:3128/`); null when the URL has no password (or is
 * no URL). The policy reader splits a policy's `sipProxyUrl` with it too.
 */
export function splitProxyPassword(text: string): { url: string; password: string } | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!url.password) return null;
  let password = url.password;
  try {
    password = decodeURIComponent(password);
  } catch {
    // Not percent-encoded as a URL should be: taken as typed.
  }
  url.password = '';
  const bare = url.pathname === '/' && !text.endsWith('/') && !url.search && !url.hash;
  return { url: bare ? url.href.slice(0, -1) : url.href, password };
}

/**
 * The valid fields of `raw` over the defaults. `invalid`: keys left at their defaults;
 * `trimmed`: reason lists that kept their valid reasons, with how many were left out;
 * `unknown`: keys that are no setting (ignored).
 */
function mergeValid(raw: unknown): {
  settings: Settings;
  invalid: string[];
  trimmed: string[];
  unknown: string[];
} {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { settings: DEFAULT_SETTINGS, invalid: ['(not an object)'], trimmed: [], unknown: [] };
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const invalid: string[] = [];
  const trimmed: string[] = [];
  const unknown: string[] = [];
  const shape = SettingsSchema.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >;
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(shape, key)) {
      unknown.push(key);
      continue;
    }
    const field = shape[key]!;
    const parsed = field.safeParse(value);
    if (parsed.success) merged[key] = parsed.data;
    else if (REASON_LISTS.has(key) && Array.isArray(value)) {
      // One reason the platform would refuse costs that reason, not the agent's whole list.
      const kept = value
        .filter((r) => REASON.safeParse(r).success)
        .slice(0, SETTINGS_LIMITS.maxReasons);
      merged[key] = kept;
      trimmed.push(`${key}: ${value.length - kept.length} of ${value.length}`);
    } else invalid.push(key);
  }
  return { settings: merged as Settings, invalid, trimmed, unknown };
}

const REASON_LISTS = new Set(['busyReasons', 'awayReasons']);
const REASON = SettingsSchema.shape.busyReasons.element;
