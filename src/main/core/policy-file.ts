/**
 * Where the machine-wide policy file lives and reading it. A missing file means no policy; any
 * other problem (unreadable, not JSON, an unknown key, a bad value) is a {@link PolicyError}: the
 * app must not start half-configured, and never silently ignores the file.
 *
 * Admins write this file with Notepad, PowerShell or a deployment tool, so the text is taken as
 * those save it: UTF-8 with or without a byte-order mark, or UTF-16 with one (Windows
 * PowerShell's `>` and `Out-File`). A syntax error is told by line and column, never by quoting
 * the file: the JavaScript engine's own message quotes the text around the error, which may be
 * the account's secret key, into a dialog the agent reads and into the log.
 *
 * A `sipProxyUrl` with a password in it (`http://user:secret@proxy:3128`) does not stop the
 * start. The setting refuses such a URL because the window shows it and settings.json keeps it;
 * here an administrator wrote it, in a file every agent can already read, so it is taken as if
 * the password had been written as `sipProxyPassword`: the URL keeps its user, the password
 * becomes the policy's locked (never shown) proxy password, and a warning says to move it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { isPolicyError, parsePolicy, PolicyError, PolicySchema } from '../../shared/policy';
import type { Policy } from '../../shared/policy';
import { silentLogger } from '../../lib/ports';
import type { Logger } from '../../lib/ports';
import { nearest } from './nearest-key';
import { splitProxyPassword } from './settings-file';

/** Moves the policy file (tests, staging machines); a packaged app ignores it. */
export const POLICY_ENV = 'AGENT_DESKTOP_POLICY_FILE';

const WINDOWS_PROGRAM_DATA = 'C:\\ProgramData';

/**
 * The policy file's path on this OS. The app runs as the agent, and an agent may set their own
 * environment variables (a Windows user variable needs no administrator): a variable that moved
 * the file would undo every lock. So a packaged app ignores {@link POLICY_ENV}, and on Windows
 * reads `C:\ProgramData` whenever the file is there, the `ProgramData` variable (which a user
 * variable overrides) only for a machine whose file is elsewhere. A development build takes both.
 */
export function policyPath(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  packaged = false,
  exists: (path: string) => boolean = existsSync,
): string {
  if (!packaged && env[POLICY_ENV]) return env[POLICY_ENV];
  if (platform === 'win32') {
    const under = (root: string) => win32.join(root, 'ONEYUN', 'Agent Desktop', 'policy.json');
    const fixed = under(WINDOWS_PROGRAM_DATA);
    if (!env.ProgramData || (packaged && exists(fixed))) return fixed;
    return under(env.ProgramData);
  }
  if (platform === 'darwin') {
    return join('/Library/Application Support', 'ONEYUN Agent Desktop', 'policy.json');
  }
  return '/etc/agent-desktop/policy.json';
}

/**
 * Reads the policy; null when there is no file. Throws {@link PolicyError} for anything else.
 * `logger` hears what the policy asks that the app takes, but not as written (a proxy password
 * in `sipProxyUrl`).
 */
export function readPolicy(
  path: string,
  logger: Pick<Logger, 'warn'> = silentLogger,
): Policy | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PolicyError(path, [`cannot be read (${code ?? String(error)})`]);
  }
  const text = decodePolicyText(bytes);
  if (text === null) {
    throw new PolicyError(path, [
      'not UTF-8 text (saved as ANSI/GBK?): save it as UTF-8 (or UTF-16 with a byte-order mark)',
    ]);
  }
  const problem = jsonSyntaxProblem(text);
  if (problem) throw new PolicyError(path, [problem]);
  const proxy = proxyPasswordOutOfUrl(JSON.parse(text) as unknown);
  const policy = parseWithHints(proxy ? JSON.stringify(proxy.raw) : text, path);
  // The app runs as the agent, so the agent can read this file: in gateway mode the account key
  // belongs on the gateway alone (docs/gateway.md), and a copy here undoes the point of it.
  if (policy.gatewayUrl && policy.secretKey) {
    throw new PolicyError(path, [
      'secretKey: remove it — with gatewayUrl set the gateway signs, and every agent can read this file',
    ]);
  }
  if (proxy) {
    // Never the password; the URL as the app now uses it says which proxy and user.
    logger.warn(
      proxy.conflict
        ? 'policy: sipProxyUrl holds a password and sipProxyPassword another one; ' +
            'sipProxyPassword is used: remove the password from sipProxyUrl'
        : 'policy: sipProxyUrl holds a password; it is used as the locked sipProxyPassword: ' +
            'move it to "sipProxyPassword" and leave the URL as http://user@host:port',
      { path, sipProxyUrl: policy.sipProxyUrl },
    );
  }
  return policy;
}

/**
 * `raw` with the password of its `sipProxyUrl` moved to `sipProxyPassword`; null when the URL
 * holds none. A `sipProxyPassword` the file also sets wins (`conflict` when it differs): it is
 * the key the documentation names for it.
 */
function proxyPasswordOutOfUrl(raw: unknown): { raw: object; conflict: boolean } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { sipProxyUrl, sipProxyPassword } = raw as Record<string, unknown>;
  if (typeof sipProxyUrl !== 'string') return null;
  const split = splitProxyPassword(sipProxyUrl);
  if (!split) return null;
  // Any value the file gives is its own (one the schema refuses is still reported as such).
  const given = sipProxyPassword !== undefined;
  return {
    raw: {
      ...raw,
      sipProxyUrl: split.url,
      ...(given ? {} : { sipProxyPassword: split.password }),
    },
    conflict: given && sipProxyPassword !== split.password,
  };
}

/** {@link parsePolicy}, with each unknown key named and the setting it probably meant. */
function parseWithHints(text: string, path: string): Policy {
  try {
    return parsePolicy(text, path);
  } catch (error) {
    if (!isPolicyError(error)) throw error;
    const raw = JSON.parse(text) as unknown;
    const known = Object.keys(PolicySchema.shape);
    const unknown =
      raw && typeof raw === 'object' && !Array.isArray(raw)
        ? Object.keys(raw).filter((key) => !known.includes(key))
        : [];
    if (unknown.length === 0) throw error;
    const hints = unknown.map((key) => {
      const near = nearest(key, known);
      return `"${key}" is not a setting${near ? ` — did you mean "${near}"?` : ''}`;
    });
    const rest = error.problems.filter((problem) => !/^Unrecognized keys?:/.test(problem));
    throw new PolicyError(path, [...hints, ...rest]);
  }
}

/** The file's text: UTF-8 (a BOM is dropped) or UTF-16 with a BOM; null when it is neither. */
export function decodePolicyText(bytes: Uint8Array): string | null {
  const [a, b] = bytes;
  const encoding =
    a === 0xff && b === 0xfe ? 'utf-16le' : a === 0xfe && b === 0xff ? 'utf-16be' : 'utf-8';
  try {
    // The decoder drops the byte-order mark itself.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Null when `text` is JSON; else where it first goes wrong (line and column from 1, as editors
 * count) and what was expected there — without quoting the text.
 */
export function jsonSyntaxProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch {
    // Located below.
  }
  const fail = locateJsonError(text);
  const before = text.slice(0, fail.at).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.replace(/\r$/, '').length + 1;
  return `not JSON: line ${line}, column ${column}: expected ${fail.expected}, found ${found(text, fail.at)}`;
}

/** What sits at `at`, named without repeating a secret's characters. */
function found(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  const c = text[at]!;
  if (c === "'") return 'a single quote (JSON uses double quotes)';
  if ('{}[],:"'.includes(c)) return `'${c}'`;
  if (/[\p{L}\p{N}_$+.-]/u.test(c)) return 'text without double quotes';
  if (c < ' ') return 'a line break or control character';
  return 'another character';
}

class JsonFail {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const VALUE = 'a value (a "string", a number, true, false, null, {…} or […])';

/** A strict JSON reader that only finds the first error (JSON.parse has already failed). */
function locateJsonError(text: string): JsonFail {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonFail(i, expected);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c < ' ') fail('the closing " of the string on the same line');
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if ('"\\/bfnrt'.includes(next) && next !== '') i += 2;
        else fail('an escape such as \\" or \\\\ (a backslash in a path is written \\\\)');
        continue;
      }
      i++;
    }
    fail('the closing " of the string');
  };
  const list = (close: string, item: () => void, what: string) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      space();
      item();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') fail(`',' or '${close}'`);
      i++;
      space();
      if (text[i] === close) fail(`another ${what} after the comma (or remove the comma)`);
    }
  };
  const value = (depth: number): void => {
    if (depth > 64) fail('less nesting');
    space();
    const c = text[i];
    if (c === '{') {
      return list(
        '}',
        () => {
          if (text[i] !== '"') fail('a setting name in double quotes');
          string();
          space();
          if (text[i] !== ':') fail("':'");
          i++;
          value(depth + 1);
        },
        'setting',
      );
    }
    if (c === '[') return list(']', () => value(depth + 1), 'item');
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    fail(VALUE);
  };
  try {
    value(0);
    space();
    if (i < text.length) fail('the end of the file after the closing }');
  } catch (error) {
    if (error instanceof JsonFail) return error;
    throw error;
  }
  // JSON.parse refused what this reader accepts: name no place rather than guess.
  return new JsonFail(0, 'valid JSON');
}
