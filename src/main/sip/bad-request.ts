/**
 * A stateless 400 Bad Request for a request sip.js could not parse, built from its raw header
 * lines (RFC 3261 §8.2.6: the answer copies Via, From, To, Call-ID and CSeq, and the UAS adds a
 * To tag when there is none). Without those lines no answer can reach the sender: none is made.
 */
import { randomBytes } from 'node:crypto';

/** Long and compact header names (RFC 3261 §7.3.3) of the lines an answer copies. */
const COPIED: Record<string, 'via' | 'from' | 'to' | 'call-id' | 'cseq'> = {
  via: 'via',
  v: 'via',
  from: 'from',
  f: 'from',
  to: 'to',
  t: 'to',
  'call-id': 'call-id',
  i: 'call-id',
  cseq: 'cseq',
};

/**
 * The 400 for the request `message`, or null when it is not a request, is an ACK (never
 * answered), or lacks one of the lines an answer needs.
 */
export function badRequestFor(message: string): string | null {
  const end = message.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? message.slice(0, end) : message)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n');
  const method = /^([A-Za-z]+) \S+ SIP\/2\.0$/.exec(lines[0] ?? '')?.[1];
  if (!method || method.toUpperCase() === 'ACK') return null;
  const vias: string[] = [];
  const once = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = COPIED[line.slice(0, colon).trim().toLowerCase()];
    const value = line.slice(colon + 1).trim();
    if (!name || value === '') continue;
    if (name === 'via') vias.push(value);
    else if (!once.has(name)) once.set(name, value);
  }
  const from = once.get('from');
  const to = once.get('to');
  const callId = once.get('call-id');
  const cseq = once.get('cseq');
  if (vias.length === 0 || !from || !to || !callId || !cseq) return null;
  const tagged = /;\s*tag\s*=/i.test(to) ? to : `${to};tag=${randomBytes(5).toString('hex')}`;
  return [
    'SIP/2.0 400 Bad Request',
    ...vias.map((via) => `Via: ${via}`),
    `From: ${from}`,
    `To: ${tagged}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
