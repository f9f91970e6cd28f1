/**
 * The one home for keeping secrets out of text that leaves the process's memory: log lines, the
 * diagnostics bundle, SIP message traces. What counts as a secret: the platform's secret key, the
 * request `Signature` header, SIP passwords and digest `Authorization`/`Proxy-Authorization`
 * answers — by field name, by header, and by the literal values the app knows at run time.
 */

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';

/** Field names whose values are secret wherever they appear (compared without case, `-`, `_`). */
const SECRET_FIELDS = new Set([
  'secret',
  'secretkey',
  'sippassword',
  'sipproxypassword',
  'password',
  'authorizationpassword',
  'signature',
  'authorization',
  'proxyauthorization',
  'ha1',
  'ha1b',
  'token',
  'accesstoken',
  'refreshtoken',
  'bearer',
]);

/** True when a field of this name holds a secret (e.g. `secretKey`, `Proxy-Authorization`). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Known values this long or longer are scrubbed wherever they occur, inside other text too. A
 * shorter one (a 3-character proxy password, a PIN) would, scrubbed like that, turn every "a",
 * "12" or "the" inside other words and numbers into the marker and leave the log unreadable; it
 * is scrubbed only where it stands as a whole token ({@link shortLiteral}).
 */
const MIN_ANYWHERE = 4;

/** A letter, digit or `_` (with combining marks): what a word or a number is made of. */
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;
/** What joins two words or numbers into one token: 1.2.3, 10:01, 2024-01-02, a/b, don't. */
const JOINER = String.raw`[.:/'’\-]`;

/**
 * A short known value where it is a whole token: not run together with a letter, digit or `_`
 * on either side, nor joined to one by `.`, `:`, `-`, `/` or an apostrophe (so a password "01" stays in
 * 2024-01-02 and 10:01, and "0" in 127.0.0.1, which are not it). Anything else around it ends
 * the token: spaces, quotes, brackets, `=`, `,`, `;`, a line's ends, and a sentence's `.` or `:`
 * followed by a space — `password abc.`, `pw=ab`, `{"pin":"12"}` and `'ab'` all lose the value.
 * The cost is bounded and visible: a one-digit password blanks that digit where it stands
 * alone (`"attempt":1`), never inside 10 or v1.2.
 */
function shortLiteral(value: string): RegExp {
  let pattern = shortPatterns.get(value);
  if (!pattern) {
    const escaped = value.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    pattern = new RegExp(
      `(?<!${WORD_CHAR})(?<!${WORD_CHAR}${JOINER})${escaped}(?!${WORD_CHAR})(?!${JOINER}${WORD_CHAR})`,
      'gu',
    );
    // A handful of secrets per run: compiled once each, not once per log line.
    if (shortPatterns.size >= 32) shortPatterns.clear();
    shortPatterns.set(value, pattern);
  }
  return pattern;
}

const shortPatterns = new Map<string, RegExp>();

/** `"name": "value"` (JSON), with the value blanked when the name is a secret field's. */
const JSON_FIELD = /"([A-Za-z][\w-]{0,39})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** `name: 'value'` as Node prints an object (util.inspect), likewise. */
const INSPECTED_FIELD = /\b([A-Za-z][\w-]{0,39})(\s*:\s*)'(?:[^'\\]|\\.)*'/g;
/** `name: value` unquoted (a YAML-ish dump, a message), likewise. */
const BARE_FIELD = /\b([A-Za-z][\w-]{0,39})([ \t]*:[ \t]*)([^\s,;'"}\]]+)/g;
/** `name: "value"` as Node prints a string holding a `'`, likewise. */
const DOUBLE_QUOTED_FIELD = /\b([A-Za-z][\w-]{0,39})(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** `name=value` in query strings and k=v dumps (`authorization=Bearer <token>` whole), likewise. */
const KEY_VALUE = /\b([A-Za-z][\w-]{0,39})=((?:Bearer|Basic|Digest)[ \t]+)?([^&\s,;"']+)/gi;
/**
 * A password in a URL (`scheme://user:password@host`; the user may be empty): the user stays.
 * The password runs to the last `@` before the host (an `@` in it, typed unescaped, is taken
 * whole); a space, quote, `/`, `?` or `#` ends the search, so JSON and sentences stay whole.
 * The slashes may be JSON-escaped (`http:\/\/…`, as some writers save them): a damaged settings
 * file is set aside as text.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:(?:\/\/|\\\/\\\/)[^\s/?#@:"'\\]*):([^\s/?#"']+)@/gi;

/** `text` with every password in a URL blanked, the rest as it was. */
export function blankUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (all, start: string, password: string) =>
    password === REDACTED ? all : `${start}:${REDACTED}@`,
  );
}

const PATTERNS: Array<[RegExp, string | ((...match: string[]) => string)]> = [
  // Header lines in HTTP dumps and SIP messages, wherever the header starts (a thrown error's
  // "Error: Authorization: …" too): the rest of the line goes.
  [/\b((?:proxy-)?authorization|signature)([ \t]*:[ \t]*)(?!["'])[^\r\n]*/gi, `$1$2${REDACTED}`],
  // Any field whose name is a secret's, in JSON text, a printed object or a k=v dump.
  [
    JSON_FIELD,
    (all, name, colon) => (isSecretField(name!) ? `"${name}"${colon}"${REDACTED}"` : all!),
  ],
  [
    INSPECTED_FIELD,
    (all, name, colon) => (isSecretField(name!) ? `${name}${colon}'${REDACTED}'` : all!),
  ],
  [
    DOUBLE_QUOTED_FIELD,
    (all, name, colon) => (isSecretField(name!) ? `${name}${colon}"${REDACTED}"` : all!),
  ],
  [KEY_VALUE, (all, name) => (isSecretField(name!) ? `${name}=${REDACTED}` : all!)],
  [BARE_FIELD, (all, name, colon) => (isSecretField(name!) ? `${name}${colon}${REDACTED}` : all!)],
  // A digest answer quoted anywhere else (e.g. inside a sip.js message summary).
  [/\b(response|cnonce)=("?)[0-9a-f]{8,}\2/gi, `$1=$2${REDACTED}$2`],
  // A password in a URL (`http://user:password@proxy:3128`): the user stays, the password goes.
  [
    URL_PASSWORD,
    (all, start, password) => (password === REDACTED ? all! : `${start}:${REDACTED}@`),
  ],
];

/**
 * True of any text a pattern above could change: a secret field's name (each of
 * {@link SECRET_FIELDS} contains one of these), a digest answer, a URL with a user.
 */
export const MAY_NAME_A_SECRET =
  /secret|pass|signature|auth|ha1|token|bearer|response=|cnonce=|:\\?\/\\?\/[^\s/@]*@/i;

/** The field names the patterns above blank, for the test that holds the gate to them. */
export const SECRET_FIELD_NAMES: readonly string[] = [...SECRET_FIELDS];

/** Removes secrets from free text: header values, digest answers, and each known literal. */
export function redactText(text: string, known: Iterable<string> = []): string {
  let out = text;
  // Most lines name no secret at all: one look decides whether the patterns need to run.
  if (MAY_NAME_A_SECRET.test(text)) {
    for (const [pattern, replacement] of PATTERNS) {
      out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
    }
  }
  const literals = [...known].filter((value) => value.length > 0);
  // Longest first, so a secret containing another is removed whole.
  literals.sort((a, b) => b.length - a.length);
  for (const value of literals) {
    out =
      value.length >= MIN_ANYWHERE
        ? out.split(value).join(REDACTED)
        : out.replace(shortLiteral(value), REDACTED);
  }
  return out;
}

/**
 * A deep copy of `value` with secret fields blanked and every string passed through
 * {@link redactText}. Errors become `{name, message, stack}`; cycles and depth are bounded.
 */
export function redactValue(value: unknown, known: Iterable<string> = [], depth = 0): unknown {
  const literals = Array.isArray(known) ? (known as string[]) : [...known];
  if (typeof value === 'string') return redactText(value, literals);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message, literals),
      ...(value.stack ? { stack: redactText(value.stack, literals) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, literals, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretField(key) && field !== null && field !== '' && field !== undefined
        ? typeof field === 'boolean'
          ? field
          : REDACTED
        : redactValue(field, literals, depth + 1);
  }
  return out;
}
