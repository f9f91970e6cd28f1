/**
 * Just enough SIP (RFC 3261) text handling for the emulator's platform-side phone: parse one
 * datagram into a start line, ordered headers and a body; read headers by name (compact forms
 * too); build requests and responses with a correct Content-Length.
 */

export interface SipMessage {
  /** `INVITE sip:… SIP/2.0` or `SIP/2.0 200 OK`. */
  startLine: string;
  headers: Array<[name: string, value: string]>;
  body: string;
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  c: 'content-type',
  l: 'content-length',
  k: 'supported',
};

const canonical = (name: string) => {
  const lower = name.trim().toLowerCase();
  return COMPACT[lower] ?? lower;
};

/** Parses one message; throws for text that is not SIP. */
export function parseSip(data: Buffer | string): SipMessage {
  const text = data.toString();
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const lines = head.split('\r\n');
  const startLine = lines.shift() ?? '';
  if (!/^(SIP\/2\.0 \d{3} |[A-Z]+ \S+ SIP\/2\.0$)/.test(startLine))
    throw new Error(`not SIP: ${startLine.slice(0, 80)}`);
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, body };
}

/** Every value of header `name`, comma-separated lists split (outside <> and quotes). */
export function headerValues(message: SipMessage, name: string): string[] {
  const wanted = canonical(name);
  const values: string[] = [];
  for (const [key, value] of message.headers) {
    if (canonical(key) !== wanted) continue;
    if (wanted === 'via' || wanted === 'record-route' || wanted === 'route')
      values.push(...splitList(value));
    else values.push(value);
  }
  return values;
}

/** The first value of header `name`. */
export function header(message: SipMessage, name: string): string | undefined {
  return headerValues(message, name)[0];
}

/** The status code of a response (0 for a request). */
export function statusOf(message: SipMessage): number {
  const match = /^SIP\/2\.0 (\d{3}) /.exec(message.startLine);
  return match ? Number(match[1]) : 0;
}

/** The method of a request, or of the request a response answers (from CSeq). */
export function methodOf(message: SipMessage): string {
  if (statusOf(message) === 0) return message.startLine.split(' ')[0] ?? '';
  return (header(message, 'cseq') ?? '').trim().split(/\s+/)[1] ?? '';
}

/** A header's `tag` parameter (From/To). */
export function tagOf(value: string | undefined): string | null {
  const match = /;\s*tag=([^;>\s]+)/i.exec(value ?? '');
  return match ? match[1]! : null;
}

/** The URI inside `<…>` of a name-addr, or the value up to its parameters. */
export function uriOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return angle ? angle[1]! : (value.split(';')[0] ?? '').trim();
}

/** Text of a message: start line, headers, Content-Length, blank line, body. */
export function formatSip(startLine: string, headers: Array<[string, string]>, body = ''): string {
  const lines = [startLine, ...headers.map(([name, value]) => `${name}: ${value}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter(Boolean);
}
