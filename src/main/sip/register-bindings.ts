/**
 * The bindings a registrar lists in its 200 OK to a REGISTER (RFC 3261 §10.3 step 8: "the 200 OK
 * contains Contact header fields enumerating all current bindings"). Another device's Contact
 * there means someone else registered this extension: a takeover clue for the session.
 */
import { retryAfterMs } from './timing';

/**
 * The header lines (folded lines unfolded) of a reply to a REGISTER, or null when `message` is
 * not one. Callers look at the status line first: every message passes here, INVITEs included.
 */
function registerReplyHeaders(message: string): string[] | null {
  const end = message.indexOf('\r\n\r\n');
  const head = (end >= 0 ? message.slice(0, end) : message).replace(/\r\n[ \t]+/g, ' ');
  const lines = head.split('\r\n');
  const cseq = lines.find((line) => /^cseq\s*:/i.test(line));
  return cseq && /\sREGISTER\s*$/i.test(cseq) ? lines : null;
}

/** A header's value from {@link registerReplyHeaders}' lines (the first of that name). */
function headerValue(lines: string[], name: RegExp): string | undefined {
  const line = lines.find((l) => name.test(l));
  return line?.slice(line.indexOf(':') + 1);
}

/** The Contact URIs of a REGISTER's 200 OK, or null when `message` is not one. */
export function registerReplyContacts(message: string): string[] | null {
  if (!/^SIP\/2\.0 200(\s|$)/.test(message)) return null;
  const lines = registerReplyHeaders(message);
  if (!lines) return null;
  return lines
    .filter((line) => /^(contact|m)\s*:/i.test(line))
    .flatMap((line) => splitList(line.slice(line.indexOf(':') + 1)))
    .map(contactUri)
    .filter((uri): uri is string => uri !== null);
}

/** A final refusal of a REGISTER: its status, reason phrase and Retry-After (ms), if any. */
export interface RegisterRefusal {
  code: number;
  reason: string;
  retryAfterMs: number | undefined;
}

/** `message` as a final non-2xx reply to a REGISTER, or null when it is not one. */
export function registerRefusal(message: string): RegisterRefusal | null {
  const status = /^SIP\/2\.0 ([3-6]\d\d)(?: ([^\r\n]*))?\r\n/.exec(message);
  if (!status) return null;
  const lines = registerReplyHeaders(message);
  if (!lines) return null;
  return {
    code: Number(status[1]),
    reason: (status[2] ?? '').trim(),
    retryAfterMs: retryAfterMs(headerValue(lines, /^retry-after\s*:/i)),
  };
}

/** True when `uri`'s user part is `contactName` (every attempt of a line offers that Contact). */
export function isOwnContact(uri: string, contactName: string): boolean {
  const user = /^sips?:([^@;>]+)@/i.exec(uri)?.[1];
  return user === contactName;
}

/** Splits a header value at commas outside <…> and quotes. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0 && p !== '*');
}

function contactUri(entry: string): string | null {
  const angled = /<([^>]*)>/.exec(entry)?.[1];
  const uri = (angled ?? entry.split(';')[0] ?? '').trim();
  return /^sips?:/i.test(uri) ? uri : null;
}
