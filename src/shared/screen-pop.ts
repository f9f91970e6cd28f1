/**
 * Screen-pop: the one rule that turns an admin's URL template and a call into the URL the
 * default browser opens. The caller's number comes from the network and is hostile until
 * proven otherwise: every placeholder value is percent-encoded (everything but letters, digits
 * and `-_~`), and the built URL must parse back to exactly itself, on the same origin the
 * template names, before anything opens it.
 */

/** The placeholders a template may use. */
export const SCREEN_POP_PLACEHOLDERS = ['caller', 'agent', 'callId'] as const;
export type ScreenPopPlaceholder = (typeof SCREEN_POP_PLACEHOLDERS)[number];
export type ScreenPopValues = Record<ScreenPopPlaceholder, string>;

/** Where the admin allows pops to go. Host names are compared in lower case. */
export interface ScreenPopPolicy {
  /** Hosts a pop may open (https). */
  hosts: readonly string[];
  /** Hosts that may also be opened over plain http (e.g. an intranet CRM). */
  httpHosts: readonly string[];
}

/** Longest URL handed to the browser. */
export const MAX_SCREEN_POP_URL = 4096;

export type ScreenPopProblem =
  | 'empty'
  | 'not-a-url'
  | 'scheme'
  | 'host-not-allowed'
  | 'placeholder-outside-path-or-query'
  | 'unknown-placeholder'
  | 'escaped'
  | 'too-long';

export type ScreenPopResult = { ok: true; url: string } | { ok: false; problem: ScreenPopProblem };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Percent-encodes everything but RFC 3986 unreserved letters, digits and `-_~` (so `.` too). */
export function encodePlaceholderValue(value: string): string {
  // A lone surrogate cannot be encoded (encodeURIComponent throws): it becomes U+FFFD.
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(
    /[!'()*.]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Checks a template on its own (settings validation): a parseable https (or allowed http) URL on
 * an allowed host, whose placeholders are known and sit in the path, query or fragment only.
 */
export function checkScreenPopTemplate(
  template: string,
  policy: ScreenPopPolicy,
): ScreenPopProblem | null {
  const built = buildScreenPopUrl(template, { caller: 'x', agent: 'x', callId: 'x' }, policy);
  return built.ok ? null : built.problem;
}

/** Builds the URL for one call, or says why it must not be opened. */
export function buildScreenPopUrl(
  template: string,
  values: ScreenPopValues,
  policy: ScreenPopPolicy,
): ScreenPopResult {
  const trimmed = template.trim();
  if (!trimmed) return fail('empty');
  for (const match of trimmed.matchAll(PLACEHOLDER)) {
    if (!(SCREEN_POP_PLACEHOLDERS as readonly string[]).includes(match[1]!))
      return fail('unknown-placeholder');
  }
  // The template's own origin, with every placeholder blanked: placeholders may not make it.
  const origin = parse(trimmed.replace(PLACEHOLDER, ''));
  if (!origin) return fail('not-a-url');
  const host = origin.hostname.toLowerCase();
  const https = origin.protocol === 'https:';
  const http = origin.protocol === 'http:' && hostIn(host, policy.httpHosts);
  if (!https && !http) return fail('scheme');
  if (!hostIn(host, policy.hosts) && !hostIn(host, policy.httpHosts))
    return fail('host-not-allowed');
  const schemeAndAuthority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(trimmed)?.[0] ?? '';
  if (PLACEHOLDER.test(schemeAndAuthority)) return fail('placeholder-outside-path-or-query');
  PLACEHOLDER.lastIndex = 0;

  // Normalise the template once with letter-only stand-ins (the parser keeps those as they are),
  // then put the encoded values in their place.
  const standIn = (name: string) => `zzscreenpop${name.toLowerCase()}zz`;
  const normal = parse(trimmed.replace(PLACEHOLDER, (_, name: string) => standIn(name)));
  if (!normal) return fail('not-a-url');
  // One pass for all of them: a value is never read again, so a caller whose number spells a
  // stand-in cannot pull the agent's name or the call id into the URL.
  const byStandIn = new Map(SCREEN_POP_PLACEHOLDERS.map((name) => [standIn(name), name]));
  const standIns = new RegExp([...byStandIn.keys()].join('|'), 'g');
  const url = normal.href.replace(standIns, (found) =>
    encodePlaceholderValue(values[byStandIn.get(found)!] ?? ''),
  );
  if (url.length > MAX_SCREEN_POP_URL) return fail('too-long');
  const parsed = parse(url);
  // The parser must not change anything (dot segments, stray characters): what was built is
  // exactly what opens, on exactly the template's origin.
  if (!parsed || parsed.href !== url || parsed.origin !== origin.origin) return fail('escaped');
  if (parsed.username || parsed.password) return fail('escaped');
  return { ok: true, url };
}

/** The number part of a caller as the INVITE names it (`Name <13900001234>` → `13900001234`). */
export function callerNumber(caller: string): string {
  const inBrackets = /<([^<>]*)>\s*$/.exec(caller);
  return (inBrackets ? inBrackets[1]! : caller).trim();
}

/** Host names as an admin types them: one per line or comma-separated, lower case, no blanks. */
export function parseHostList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
}

function hostIn(host: string, list: readonly string[]): boolean {
  return list.some((allowed) => allowed.toLowerCase() === host);
}

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function fail(problem: ScreenPopProblem): ScreenPopResult {
  return { ok: false, problem };
}
