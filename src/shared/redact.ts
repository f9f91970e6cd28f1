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
  'password',
  'authorizationpassword',
  'signature',
  'authorization',
  'proxyauthorization',
  'ha1',
  'ha1b',
]);

/** True when a field of this name holds a secret (e.g. `secretKey`, `Proxy-Authorization`). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/** Literal values shorter than this are not scrubbed from text (they would match everywhere). */
const MIN_LITERAL = 4;

const PATTERNS: Array<[RegExp, string]> = [
  // Header lines in HTTP dumps and SIP messages: the whole value goes.
  [/^((?:proxy-)?authorization|signature)([ \t]*:[ \t]*)[^\r\n]*/gim, `$1$2${REDACTED}`],
  // The same headers inside JSON text or a headers object printed on one line.
  [
    /("(?:proxy-)?authorization"|"signature"|"secretkey"|"secret_key"|"sippassword"|"password")(\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1$2"${REDACTED}"`,
  ],
  // A digest answer quoted anywhere else (e.g. inside a sip.js message summary).
  [/\b(response|cnonce)=("?)[0-9a-f]{8,}\2/gi, `$1=$2${REDACTED}$2`],
  // `secretKey=…`, `password=…` in query strings or k=v dumps.
  [/\b(secret_?key|password|signature)=([^&\s,;"]+)/gi, `$1=${REDACTED}`],
];

/** Removes secrets from free text: header values, digest answers, and each known literal. */
export function redactText(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  const literals = [...known].filter((value) => value.length >= MIN_LITERAL);
  // Longest first, so a secret containing another is removed whole.
  literals.sort((a, b) => b.length - a.length);
  for (const value of literals) out = out.split(value).join(REDACTED);
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
