/**
 * Why a ringing call was CANCELled, from the CANCEL's Reason headers (RFC 3326): the platform
 * marks its own ring timeout `SIP;cause=408`, a caller who gave up `SIP;cause=487` or nothing.
 * Q.850 causes 18 (no user responding) and 19 (no answer) also mean the ring timed out.
 */

export type CancelCause = 'ring-timeout' | 'caller-gave-up';

/** Reads every Reason header value; without a timeout cause the caller gave up. */
export function cancelCause(reasonHeaders: readonly string[]): CancelCause {
  for (const value of reasonHeaders) {
    for (const entry of splitReasons(value)) {
      const [protocol = '', ...params] = entry.split(';').map((part) => part.trim());
      const cause = params
        .map((param) => /^cause\s*=\s*(\d+)$/i.exec(param)?.[1])
        .find((found) => found !== undefined);
      if (cause === undefined) continue;
      const kind = protocol.toUpperCase();
      if (kind === 'SIP' && cause === '408') return 'ring-timeout';
      if (kind === 'Q.850' && (cause === '18' || cause === '19')) return 'ring-timeout';
    }
  }
  return 'caller-gave-up';
}

/** Splits `SIP;cause=487, Q.850;cause=16` at commas outside quoted text. */
function splitReasons(value: string): string[] {
  const entries: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (char === ',' && !quoted) {
      entries.push(value.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(value.slice(start));
  return entries.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}
