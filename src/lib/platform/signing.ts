/**
 * Request signing as the platform checks it (docs/platform-api/agent-api.md §1):
 * Signature = Base64(HMAC-SHA256(secretKey, METHOD\nMD5hex(body)\nContent-Type\nTimestamp\nAppID\npath)).
 * For GET and DELETE the body-MD5 and Content-Type lines are empty. The path has no query string.
 * Used by the client to sign and by the emulator to verify. The Timestamp is the platform's wall
 * clock (its time zone, not this machine's): the platform parses it in its own zone and refuses
 * one more than 5 minutes old.
 */
import { createHash, createHmac } from 'node:crypto';
import { DEFAULT_PLATFORM_TIME_ZONE } from '../../shared/settings-model';

export { DEFAULT_PLATFORM_TIME_ZONE, isTimeZone } from '../../shared/settings-model';

export interface Credentials {
  appId: string;
  certId: string;
  secretKey: string;
}

export interface SignInput {
  method: string;
  /** URI path only, without query string, e.g. `/v1/account/abc/callcenter/agent`. */
  path: string;
  /** The exact body bytes sent ('' for none). */
  body: string;
  contentType: string;
  timestamp: string;
  appId: string;
}

/** The string that is signed; exported so tests can compare with an independent signer. */
export function stringToSign(input: SignInput): string {
  const method = input.method.toUpperCase();
  const bodyless = method === 'GET' || method === 'DELETE';
  const bodyMd5 = bodyless ? '' : createHash('md5').update(input.body, 'utf8').digest('hex');
  const contentType = bodyless ? '' : input.contentType;
  return [method, bodyMd5, contentType, input.timestamp, input.appId, input.path].join('\n');
}

export function sign(secretKey: string, input: SignInput): string {
  return createHmac('sha256', secretKey).update(stringToSign(input), 'utf8').digest('base64');
}

/** One wall-clock reading, as the platform's clock on the wall shows it. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// One formatter per zone: the gateway signs every agent's keepalive with it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for a zone this runtime does not know (checked earlier: isTimeZone).
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's reading through Intl: exact, and ~0.1 ms a call (more while cold). */
function readWallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const HOUR_MS = 3_600_000;

/** The zone's offset from UTC at `ms` as Intl reads it: its wall clock minus UTC's. */
function readOffset(ms: number, timeZone: string): number {
  const w = readWallClock(ms, timeZone);
  const second = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
}

/**
 * Per zone, the zone's offset through each of the last few UTC hours read. Every request is
 * signed (each read-back, each keepalive; the gateway's for every agent), and a zone's offset
 * changes a few times a year: reading it once an hour, not once a request, keeps Intl off the
 * path. Several hours, because checking a Timestamp (parseTimestamp, the emulator's every
 * request) reads the zone at the wall time taken as UTC and at the instant itself, hours apart:
 * with one hour kept, each check evicted the other and went through Intl four times.
 */
const steadyHours = new Map<string, Map<number, number>>();
const HOURS_KEPT = 4;

/** The zone's offset from UTC at `ms` (what its wall clock shows, minus UTC's). */
function offsetAt(ms: number, timeZone: string): number {
  const from = Math.floor(ms / HOUR_MS) * HOUR_MS;
  let hours = steadyHours.get(timeZone);
  const known = hours?.get(from);
  if (known !== undefined) return known;
  const offset = readOffset(from, timeZone);
  // The same offset at both ends of the hour: no change of clocks inside it (a zone changes
  // at most once in an hour). An hour with a change is read through Intl every time.
  if (readOffset(from + HOUR_MS - 1, timeZone) !== offset) return readOffset(ms, timeZone);
  if (!hours) steadyHours.set(timeZone, (hours = new Map()));
  if (hours.size >= HOURS_KEPT) hours.delete(hours.keys().next().value!);
  hours.set(from, offset);
  return offset;
}

function wallClock(ms: number, timeZone: string): WallClock {
  const wall = new Date(ms + offsetAt(ms, timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

function wallText(w: WallClock): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(w.year).padStart(4, '0')}${p(w.month)}${p(w.day)}${p(w.hour)}${p(w.minute)}${p(
    w.second,
  )}`;
}

/**
 * `yyyyMMddHHmmss` as the platform's clock shows `date`: in the platform's time zone (an IANA
 * name, default {@link DEFAULT_PLATFORM_TIME_ZONE}), whatever zone this machine is set to — the
 * platform parses the Timestamp in its own zone. Throws RangeError for an unknown zone.
 */
export function formatTimestamp(date: Date, timeZone: string = DEFAULT_PLATFORM_TIME_ZONE): string {
  return wallText(wallClock(date.getTime(), timeZone));
}

/**
 * Parses `yyyyMMddHHmmss`, read in `timeZone` (default {@link DEFAULT_PLATFORM_TIME_ZONE}), to
 * epoch ms, or null when malformed or a wall time that zone never shows (a DST gap).
 */
export function parseTimestamp(
  text: string,
  timeZone: string = DEFAULT_PLATFORM_TIME_ZONE,
): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(asUtc)) return null;
  // The zone's offset at that moment, taken twice: the first guess may sit across a DST change.
  const guess = asUtc - offsetAt(asUtc, timeZone);
  const at = asUtc - offsetAt(guess, timeZone);
  // Also refuses 20241301…, 20240230…, hour 25, and years Date.UTC would move (0099 → 1999).
  return formatTimestamp(new Date(at), timeZone) === text ? at : null;
}

/** The headers a signed request carries. */
export function signedHeaders(
  credentials: Credentials,
  method: string,
  path: string,
  body: string,
  contentType: string,
  now: Date,
  /** The platform's time zone (IANA); the Timestamp is its wall clock. */
  timeZone: string = DEFAULT_PLATFORM_TIME_ZONE,
): Record<string, string> {
  const timestamp = formatTimestamp(now, timeZone);
  return {
    AppID: credentials.appId,
    CertID: credentials.certId,
    Timestamp: timestamp,
    Signature: sign(credentials.secretKey, {
      method,
      path,
      body,
      contentType,
      timestamp,
      appId: credentials.appId,
    }),
  };
}
