/**
 * What the line checks in a registrar's answer to its own REGISTER before sip.js acts on it.
 * sip.js takes some answers at their word in ways that make the line spin: it registers again at
 * once for every 423 Interval Too Brief, and arms its refresh timer with whatever expiry the
 * 200 OK grants (0, a missing one, or one too large for a timer all fire at once). These helpers
 * read the REGISTER the line sent and the answer to it; registration.ts decides.
 */
import { Core } from 'sip.js';
import type { URI } from 'sip.js';

/**
 * The longest expiry sip.js can time: it arms `setTimeout(expires × 1000)`, and Node fires a
 * delay above 2^31−1 ms after 1 ms instead.
 */
export const MAX_TIMED_EXPIRES_SEC = Math.floor((2 ** 31 - 1) / 1000);

/** A REGISTER the line sent: what identifies its answers, and the expiry it asked for. */
export interface SentRegister {
  callId: string;
  cseq: number;
  /** The Contact's `expires` (or the Expires header's); 0 for an un-REGISTER. */
  expires: number | undefined;
}

/** The header lines of `message` (folded lines unfolded), without the start line. */
function headLines(message: string): string[] {
  const end = message.indexOf('\r\n\r\n');
  const head = (end >= 0 ? message.slice(0, end) : message).replace(/\r\n[ \t]+/g, ' ');
  return head.split('\r\n').slice(1);
}

/** The first value of a header (long or compact name), trimmed. */
function first(lines: string[], name: RegExp): string | undefined {
  const line = lines.find((l) => name.test(l));
  return line?.slice(line.indexOf(':') + 1).trim();
}

const CALL_ID = /^(call-id|i)\s*:/i;
const CSEQ = /^cseq\s*:/i;

/** `message` as a REGISTER the line sends, or null when it is something else. */
export function sentRegister(message: string): SentRegister | null {
  if (!message.startsWith('REGISTER ')) return null;
  const lines = headLines(message);
  const callId = first(lines, CALL_ID);
  const cseq = Number(/^(\d+)/.exec(first(lines, CSEQ) ?? '')?.[1]);
  if (!callId || !Number.isInteger(cseq)) return null;
  const contact = first(lines, /^(contact|m)\s*:/i) ?? '';
  const param = /;\s*expires\s*=\s*(\d+)/i.exec(contact.slice(contact.lastIndexOf('>') + 1))?.[1];
  const header = first(lines, /^expires\s*:/i);
  const expires = Number(param ?? header);
  return { callId, cseq, expires: Number.isFinite(expires) ? expires : undefined };
}

/** Whether `message` is an answer (any status) to `sent`. */
export function answers(message: string, sent: SentRegister): boolean {
  if (!message.startsWith('SIP/2.0 ')) return false;
  const lines = headLines(message);
  const cseq = /^(\d+)\s+REGISTER\s*$/i.exec(first(lines, CSEQ) ?? '');
  return Number(cseq?.[1]) === sent.cseq && first(lines, CALL_ID) === sent.callId;
}

/** The status code of a SIP response, or null. */
export function statusOf(message: string): number | null {
  const code = /^SIP\/2\.0 (\d{3})(?:\s|$)/.exec(message)?.[1];
  return code === undefined ? null : Number(code);
}

/** The raw Min-Expires value of a 423, or undefined when it has none. */
export function minExpires(message: string): string | undefined {
  return first(headLines(message), /^min-expires\s*:/i);
}

/** Our binding as a 200 OK lists it: the raw Contact entry and the expiry it grants. */
export interface ListedBinding {
  /** The entry's text as it stands in the message (one of a Contact header's values). */
  entry: string;
  /** The entry's `expires` parameter as given, if any. */
  param: string | undefined;
  /** What the registrar granted: the parameter, else the Expires header (RFC 3261 §10.2.4). */
  granted: number | undefined;
}

/** sip.js's parser wants a logger; nothing it would say matters here. */
const QUIET = { debug() {}, log() {}, warn() {}, error() {} } as unknown as Core.Logger;

/**
 * The Contact entries of a 200 OK to a REGISTER, and the one that is `ours` as sip.js's
 * Registerer finds it (the last one equivalent to our Contact, RFC 3261 §19.1.4), or null when
 * sip.js could not parse the message at all (it then drops it itself).
 */
export function listedBindings(
  message: string,
  ours: URI,
): { listed: string[]; mine: ListedBinding | null } | null {
  const parsed = Core.Parser.parseMessage(message, QUIET);
  if (!(parsed instanceof Core.IncomingResponseMessage)) return null;
  const entries = parsed.getHeaders('contact');
  const listed: string[] = [];
  let mine: ListedBinding | null = null;
  for (let i = entries.length - 1; i >= 0; i--) {
    const contact = parsed.parseHeader('contact', i) as Core.NameAddrHeader | undefined;
    if (!contact) continue;
    listed.unshift(contact.uri.toString());
    if (mine || !Core.equivalentURI(contact.uri, ours)) continue;
    const param = contact.getParam('expires') ?? undefined;
    const raw = param ?? parsed.getHeader('expires');
    const granted = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    mine = {
      entry: entries[i]!,
      param,
      granted: Number.isFinite(granted) ? granted : undefined,
    };
  }
  return { listed, mine };
}

/**
 * `message` with our binding's `expires` parameter set to `expires` (the one sip.js times its
 * refresh by), or null when the entry is not in it as listed.
 */
export function withExpires(
  message: string,
  binding: ListedBinding,
  expires: number,
): string | null {
  const { entry } = binding;
  const close = entry.lastIndexOf('>');
  const uri = close >= 0 ? entry.slice(0, close + 1) : '';
  const params = (close >= 0 ? entry.slice(close + 1) : entry).replace(
    /;\s*expires\s*=\s*[^;,\s]*/gi,
    '',
  );
  const replaced = `${uri}${params};expires=${expires}`;
  const at = message.indexOf(entry);
  const body = message.indexOf('\r\n\r\n');
  if (at < 0 || (body >= 0 && at > body)) return null;
  return message.slice(0, at) + replaced + message.slice(at + entry.length);
}
