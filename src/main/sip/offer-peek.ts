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
  const start = /^INVITE sip:([^@;?:\s]+)@\S+ SIP\/2\.0$/.exec(lines[0]!);
  if (!start) return null;
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
  if (!/^\S+$/.test(sipCallId)) return null;
  const from = parseFrom(one('from'));
  const body = message.slice(split + 4);
  if (!from || body.length === 0) return null;
  return {
    sipCallId,
    toUser: start[1]!,
    caller: callerLabel(from.displayName, from.user),
    body,
    header: (name) => headers.get(name.toLowerCase())?.[0],
  };
}

/** The part of a name-addr header after its URI (where its parameters are). */
function afterUri(value: string): string {
  const close = value.indexOf('>');
  return close >= 0 ? value.slice(close + 1) : value;
}

/** From's display name and URI user; null for forms this first look does not handle. */
function parseFrom(value: string): { displayName?: string; user: string } | null {
  let displayName: string | undefined;
  let uri: string;
  const quoted = /^"([^"\\]*)"\s*<([^<>]+)>/.exec(value);
  const token = quoted ? null : /^([A-Za-z0-9 .!%*_+`'~-]*)<([^<>]+)>/.exec(value);
  if (quoted) {
    displayName = quoted[1]!;
    uri = quoted[2]!;
  } else if (token) {
    displayName = token[1]!.trim() || undefined;
    uri = token[2]!;
  } else if (!value.includes('<') && !value.includes('"')) {
    uri = value.split(';')[0]!.trim();
  } else {
    return null;
  }
  const parts = /^sips?:(?:([^@;?:]+)@)?([^;?:@>]+)(?::\d+)?(?:[;?].*)?$/i.exec(uri.trim());
  if (!parts) return null;
  const user = parts[1] ?? parts[2]!;
  // Escaped characters are decoded by sip.js: not worth repeating here.
  if (user.includes('%') || displayName?.includes('%')) return null;
  return displayName === undefined ? { user } : { displayName, user };
}
