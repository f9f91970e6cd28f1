/**
 * A first look at an incoming INVITE before sip.js parses it: just enough to show the agent who
 * is calling while sip.js does the rest (its grammar costs ~1–2 ms per INVITE here). Strict on
 * purpose: anything unusual (folded headers, escapes, a To tag, a second Call-ID, no SDP) gives
 * null, and the call then rings the ordinary way, after sip.js — never a different picture.
 */

/** An initial INVITE as far as the window needs it. */
export interface PeekedOffer {
  sipCallId: string;
  /** The user part of the Request-URI (whom it is for). */
  toUser: string;
  /** What the window shows: the same text as {@link callerLabel} gives for sip.js's parse. */
  caller: string;
  /** The SDP offer. */
  body: string;
  /** The first value of header `name` (any case), if present. */
  header(name: string): string | undefined;
}

/** How a caller is shown: `Name <user>`, or the user alone when the name adds nothing. */
export function callerLabel(displayName: string | undefined, user: string): string {
  const name = displayName?.trim();
  return name && name !== user ? `${name} <${user}>` : user;
}

const COMPACT: Record<string, string> = {
  i: 'call-id',
  f: 'from',
  t: 'to',
  c: 'content-type',
  m: 'contact',
  l: 'content-length',
  v: 'via',
};
const ONCE = ['call-id', 'from', 'to', 'content-type', 'contact'] as const;

/** The offer in `message`, or null when it is not a plain initial INVITE with an SDP offer. */
export function peekOffer(message: string): PeekedOffer | null {
  if (!message.startsWith('INVITE ')) return null;
  const split = message.indexOf('\r\n\r\n');
  if (split < 0) return null;
  const lines = message.slice(0, split).split('\r\n');
  const start = /^INVITE (sip:\S+) SIP\/2\.0$/.exec(lines[0]!);
  const target = start ? sipUri(start[1]!) : null;
  if (!target?.user) return null;
  const headers = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // Folded (continued) header lines and anything without a name: leave it to sip.js.
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t') return null;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  for (const name of ONCE) if (headers.get(name)?.length !== 1) return null;
  const one = (name: (typeof ONCE)[number]) => headers.get(name)![0]!;
  if (one('content-type').split(';')[0]!.trim().toLowerCase() !== 'application/sdp') return null;
  // A tag on To means a request inside a dialog (a re-INVITE), not a new call.
  if (/;\s*tag\s*=/i.test(afterUri(one('to')))) return null;
  const sipCallId = one('call-id');
  if (!CALL_ID.test(sipCallId)) return null;
  const from = parseFrom(one('from'));
  const body = message.slice(split + 4);
  if (!from || body.length === 0) return null;
  return {
    sipCallId,
    toUser: target.user,
    caller: callerLabel(from.displayName, from.user),
    body,
    header: (name) => headers.get(name.toLowerCase())?.[0],
  };
}

/** A URI user of RFC 3261's unreserved and user-unreserved characters, bar `;` and `?`. */
const USER = /^[\w\-.!~*'()&=+$,/]+$/;
const TOKEN = "[\\w\\-.!~*'()]+";
/** `;name[=value]` parameters, then `?name=value&…` headers, of plain characters. */
const PARAMS = new RegExp(
  `^(?:;${TOKEN}(?:=${TOKEN})?)*(?:\\?${TOKEN}=${TOKEN}(?:&${TOKEN}=${TOKEN})*)?$`,
);
/** From's own parameters (the tag and others): `;name[=token or "quoted"]`. */
const FROM_PARAMS = new RegExp(
  `^(?:\\s*;\\s*${TOKEN}(?:\\s*=\\s*(?:${TOKEN}|"[^"\\\\]*"))?)*\\s*$`,
);
/** RFC 3261's callid: word [ "@" word ]. */
const CALL_ID = /^[\w\-.!%*+`'~()<>:\\"/[\]?{}]+(?:@[\w\-.!%*+`'~()<>:\\"/[\]?{}]+)?$/;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/** A host name whose last label starts with a letter (RFC 3261's toplabel), or an IPv4 address. */
const HOST = new RegExp(
  `^(?:(?:${LABEL}\\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?|${OCTET}(?:\\.${OCTET}){3})$`,
);

/** The part of a name-addr header after its URI (where its parameters are). */
function afterUri(value: string): string {
  const close = value.indexOf('>');
  return close >= 0 ? value.slice(close + 1) : value;
}

/** From's display name and URI user; null for forms this first look does not handle. */
function parseFrom(value: string): { displayName?: string; user: string } | null {
  let displayName: string | undefined;
  let uri: string;
  let rest: string;
  const quoted = /^"([^"\\]*)"\s*<([^<>]+)>/.exec(value);
  const token = quoted ? null : /^([A-Za-z0-9 .!%*_+`'~-]*)<([^<>]+)>/.exec(value);
  if (quoted) {
    displayName = quoted[1]!;
    [uri, rest] = [quoted[2]!, value.slice(quoted[0].length)];
  } else if (token) {
    displayName = token[1]!.trim() || undefined;
    [uri, rest] = [token[2]!, value.slice(token[0].length)];
  } else if (!/[<"?]/.test(value)) {
    // Without brackets a URI has no headers (RFC 3261 §20): what follows `;` is From's own.
    const semi = value.indexOf(';');
    [uri, rest] = semi < 0 ? [value, ''] : [value.slice(0, semi), value.slice(semi)];
  } else {
    return null;
  }
  const parts = sipUri(uri.trim());
  // Escaped characters are decoded by sip.js: not worth repeating here.
  if (!parts || displayName?.includes('%') || !FROM_PARAMS.test(rest)) return null;
  const user = parts.user ?? parts.host;
  return displayName === undefined ? { user } : { displayName, user };
}

/**
 * A `sip:`/`sips:` URI in plain forms only: a user without escapes or a password, a host name
 * or IPv4 address, a port, simple parameters and headers. Anything else is null: sip.js's
 * grammar may refuse it (and drop the INVITE) or decode it (and show other text).
 */
function sipUri(uri: string): { user?: string; host: string } | null {
  const parts = /^sips?:(?:([^@]*)@)?([^;?:]*)(?::\d{1,5})?(.*)$/i.exec(uri);
  if (!parts) return null;
  const [, user, host, rest] = parts as unknown as [string, string | undefined, string, string];
  if (user !== undefined && !USER.test(user)) return null;
  if (!HOST.test(host) || !PARAMS.test(rest)) return null;
  return user === undefined ? { host } : { user, host };
}
