/**
 * The agent's call history and state changes, kept in the user-data folder (an append-only
 * journal, see journal.ts) and in memory for queries: pages of calls (newest first, filtered in
 * main, sent to the window one page at a time), today's figures since local midnight, and the
 * missed-offer list, which is a view of the same records and so survives restarts.
 * Retention is bounded: calls older than the retention (state changes older than two days) are
 * dropped at start and, in an app left open for days, at most an hour late (the journal follows
 * at its next compaction). Age is measured on the history's own timeline (`cutoffOf`), so a
 * clock that leaps ahead never empties it in one prune, and one set back loses nothing.
 * Agents sharing a PC each see only their own: pages, today's figures and the missed list are
 * asked for one agent (the records carry the agent's name; `undefined` asks for everyone's).
 */
import { CALL_OUTCOMES } from '../../../shared/history';
import { Journal } from './journal';
import type { Logger } from '../../../lib/ports';
import type {
  CallOutcome,
  HistoryCall,
  HistoryDamage,
  HistoryPage,
  HistoryQuery,
  HistoryWhy,
  TodayFigures,
} from '../../../shared/history';
import type { MissReason, MissedOffer } from '../../../shared/snapshot';

/** One line of the journal. */
export type HistoryRecord =
  | ({ k: 'call' } & HistoryCall)
  | { k: 'reserve'; id: string; state: string }
  /**
   * A state change as the desktop saw it; `state` null = signed out or the app stopped. `agent`
   * is whose state it is (absent in journals written before it was kept: anyone's).
   */
  | { k: 'state'; at: number; state: string | null; agent?: string | null }
  /**
   * The agent cleared the missed-offer list: offers that rang at or before `upTo` stay off it
   * (for `agent`; absent in older journals: for everyone).
   */
  | { k: 'missed-cleared'; upTo: number; agent?: string | null }
  /**
   * The app was still running at `at` (written about once a minute while a state runs): a crash
   * or a power cut ends the last state there, not at the next start.
   */
  | { k: 'alive'; at: number };

interface StateMark {
  at: number;
  state: string | null;
  /** Whose state (undefined: a mark from before agents were kept, counted for anyone). */
  agent?: string | null;
}

/** Whose records a query is for: an agent's name, null (nobody signed in), undefined: all. */
export type HistoryAgent = string | null | undefined;

export interface HistoryStoreOptions {
  /** The journal file; null = memory only. */
  file: string | null;
  logger: Logger;
  now: () => number;
  retentionDays: () => number;
  /** Start of the local day containing `at` (tests pin the time zone through it). */
  startOfDay?: (at: number) => number;
}

const DAY_MS = 86_400_000;
/** How often a running app drops what expired (each drop copies the arrays). */
const PRUNE_EVERY_MS = 3_600_000;
/**
 * State changes are kept two days: today's figures need only today's (and the state at
 * midnight); calls are kept for the retention. Keeps the journal, and start-up, small.
 */
const STATE_DAYS = 2;
/** How often a running app notes that it runs, while the agent is in a state (see `alive`). */
export const ALIVE_EVERY_MS = 60_000;
const WHYS: readonly string[] = [
  'timeout',
  'caller-gave-up',
  'rejected',
  'failed',
  'no-media',
  'wrap-up',
  'no-answer',
];

export class HistoryStore {
  private readonly journal: Journal<HistoryRecord>;
  /** Calls, oldest first (by ring start). */
  private calls: HistoryCall[] = [];
  private readonly byId = new Map<string, HistoryCall>();
  /** State changes, oldest first. */
  private states: StateMark[] = [];
  private readonly damage: HistoryDamage | null;
  private readonly startOfDay: (at: number) => number;
  /** When the running app next drops expired records. */
  private nextPrune = 0;
  /** Each agent's missed-offer list was cleared up to this ring time (key undefined: everyone's). */
  private readonly missedClearedUpTo = new Map<HistoryAgent, number>();
  /** The last time the journal says the app was running (0 = never said). */
  private aliveAt = 0;
  /** The silence last reported as not counted (so an hourly prune says it once). */
  private warnedLeap = 0;

  constructor(private readonly options: HistoryStoreOptions) {
    this.startOfDay = options.startOfDay ?? localMidnight;
    this.journal = new Journal(options.file, checkRecord, options.logger, options.now);
    const loaded = this.journal.load();
    this.damage = loaded.damage;
    for (const record of loaded.records) this.apply(record);
    this.calls.sort((a, b) => a.at - b.at);
    this.states.sort((a, b) => a.at - b.at);
    const ended = this.endStateLeftRunning();
    const expired = this.prune();
    this.nextPrune = options.now() + PRUNE_EVERY_MS;
    if (loaded.damage || loaded.unterminated || expired > 0 || loaded.lines > this.liveCount())
      this.compact();
    else if (ended) this.journal.append({ k: 'state', ...ended });
  }

  /**
   * The app is running at `at`. While the agent is in a state this is written to the journal at
   * most once per ALIVE_EVERY_MS, so an app that dies without closing (a crash, a power cut,
   * a machine switched off) has its last state end within a minute of when it stopped, not run
   * on until the next start (an idle hour overnight in today's figures).
   */
  alive(at: number): void {
    const last = this.states[this.states.length - 1];
    if (!last || last.state === null || at - Math.max(this.aliveAt, last.at) < ALIVE_EVERY_MS)
      return;
    this.journal.append({ k: 'alive', at });
    this.aliveAt = at;
    this.maybeCompact();
  }

  /** Adds one finished call (one journal write). */
  addCall(call: HistoryCall): void {
    if (this.byId.has(call.id)) return;
    this.journal.append({ k: 'call', ...call });
    this.insert(call);
    this.expire();
  }

  /** Notes the state the platform left the agent in after `id`. */
  setReserveState(id: string, state: string): void {
    const call = this.byId.get(id);
    if (!call || call.reserveState === state) return;
    this.journal.append({ k: 'reserve', id, state });
    call.reserveState = state;
  }

  /** Notes `agent`'s state change (null = signed out / stopped); repeats are ignored. */
  addState(at: number, state: string | null, agent: string | null = null): void {
    const last = this.states[this.states.length - 1];
    if (last ? last.state === state && (state === null || last.agent === agent) : state === null)
      return;
    const mark: StateMark = state === null ? { at, state } : { at, state, agent };
    this.journal.append({ k: 'state', ...mark });
    // In time order, also when the clock was set back behind earlier marks (today's figures
    // search the marks by time).
    const i = lastIndexBefore(this.states, at + 1) + 1;
    this.states.splice(i, 0, mark);
    this.expire();
  }

  /** `agent` cleared their missed-offer list, whose newest offer rang at `upTo`. */
  clearMissed(upTo: number, agent: HistoryAgent = undefined): void {
    if (upTo <= this.clearedUpTo(agent)) return;
    this.journal.append(
      agent === undefined ? { k: 'missed-cleared', upTo } : { k: 'missed-cleared', upTo, agent },
    );
    this.missedClearedUpTo.set(agent, upTo);
    this.maybeCompact();
  }

  /** Where `agent`'s missed list was last cleared (their own clear or one for everyone). */
  private clearedUpTo(agent: HistoryAgent): number {
    const all = this.missedClearedUpTo.get(undefined) ?? 0;
    return agent === undefined ? all : Math.max(all, this.missedClearedUpTo.get(agent) ?? 0);
  }

  /**
   * One page of calls, newest first, matching the query. Calls stamped after now (the clock was
   * set back since) come after the others, so they never push the calls taken now off page 1.
   */
  page(query: HistoryQuery, agent: HistoryAgent = undefined): HistoryPage {
    const { pageNo, pageSize } = query;
    const start = (pageNo - 1) * pageSize;
    const rows: HistoryCall[] = [];
    const match = matcher(query, agent);
    let total = 0;
    if (!match) {
      total = this.calls.length;
      const order = this.newestFirst();
      for (let n = start; n < total && rows.length < pageSize; n++)
        rows.push({ ...this.calls[order(n)]! });
    } else {
      const order = this.newestFirst();
      for (let n = 0; n < this.calls.length; n++) {
        const call = this.calls[order(n)]!;
        if (!match(call)) continue;
        if (total >= start && rows.length < pageSize) rows.push({ ...call });
        total++;
      }
    }
    return { rows, total, pageNo, pageSize, damage: this.damage };
  }

  /** The n-th call newest first (index into `calls`): up to now first, then those after now. */
  private newestFirst(): (n: number) => number {
    const now = this.options.now();
    const upToNow = lastIndexBefore(this.calls, now + 1) + 1;
    return (n) => (n < upToNow ? upToNow - 1 - n : this.calls.length - 1 - (n - upToNow));
  }

  /** `agent`'s figures since local midnight. */
  today(agent: HistoryAgent = undefined): TodayFigures {
    const now = this.options.now();
    const since = this.startOfDay(now);
    let answered = 0;
    let missed = 0;
    let talkMs = 0;
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const call = this.calls[i]!;
      if (call.at < since) break;
      // Stamped after now: the clock was set back since (a CMOS reset, a manual change).
      if (call.at > now || !isFor(call.agent, agent)) continue;
      if (call.outcome === 'answered') {
        answered++;
        talkMs += call.talkMs;
      } else if (!declinedByApp(call)) {
        missed++;
      }
    }
    const stateMs: Record<string, number> = {};
    const first = Math.max(0, lastIndexBefore(this.states, since));
    for (let i = first; i < this.states.length; i++) {
      const mark = this.states[i]!;
      const from = Math.max(mark.at, since);
      const to = Math.min(this.states[i + 1]?.at ?? now, now);
      if (mark.state === null || to <= from || !isFor(mark.agent, agent)) continue;
      stateMs[mark.state] = (stateMs[mark.state] ?? 0) + (to - from);
    }
    return {
      since,
      answered,
      missed,
      talkMs,
      averageTalkMs: answered ? Math.round(talkMs / answered) : 0,
      stateMs,
    };
  }

  /**
   * The latest unanswered offers as the missed-offer list shows them, newest first (as `page`
   * orders them). A clear stamped after now (the clock was set back since) hides nothing rung
   * up to now: a new miss must not vanish behind it.
   */
  missed(limit: number, agent: HistoryAgent = undefined): MissedOffer[] {
    const out: MissedOffer[] = [];
    const now = this.options.now();
    const clearedUpTo = this.clearedUpTo(agent);
    const order = this.newestFirst();
    for (let n = 0; n < this.calls.length && out.length < limit; n++) {
      const call = this.calls[order(n)]!;
      if (call.at <= clearedUpTo && (clearedUpTo <= now || call.at > now)) continue;
      if (call.outcome === 'answered' || declinedByApp(call) || !isFor(call.agent, agent)) continue;
      out.push({
        id: call.id,
        caller: call.number,
        at: call.at,
        reason: (call.why ?? 'failed') as MissReason,
        stateAfter: call.reserveState,
      });
    }
    return out;
  }

  /** How many calls are kept. */
  size(): number {
    return this.calls.length;
  }

  /** Drops expired records and rewrites the journal with the live ones. */
  compact(): void {
    this.prune();
    const records: HistoryRecord[] = [
      ...this.states.map((mark) => ({ k: 'state' as const, ...mark })),
      ...this.calls.map((call) => ({ k: 'call' as const, ...call })),
      ...[...this.missedClearedUpTo].map(([agent, upTo]) =>
        agent === undefined
          ? { k: 'missed-cleared' as const, upTo }
          : { k: 'missed-cleared' as const, upTo, agent },
      ),
      ...(this.aliveCounts() ? [{ k: 'alive' as const, at: this.aliveAt }] : []),
    ];
    this.journal.rewrite(records);
  }

  close(): void {
    this.journal.close();
  }

  /**
   * An app left open does not restart to drop what expired: drop it here (hourly), and the
   * journal at its next compaction, as dropped records count as its garbage.
   */
  private expire(): void {
    const now = this.options.now();
    if (now >= this.nextPrune) {
      this.nextPrune = now + PRUNE_EVERY_MS;
      this.prune();
    }
    this.maybeCompact();
  }

  private maybeCompact(): void {
    // Garbage (reserve patches, expired records) more than the live records: rewrite.
    const live = this.liveCount();
    if (this.journal.lines > 2 * live + 1000) this.compact();
  }

  private liveCount(): number {
    return (
      this.calls.length +
      this.states.length +
      this.missedClearedUpTo.size +
      (this.aliveCounts() ? 1 : 0)
    );
  }

  /** Whether the last beat says more than the last state change (a state is still running). */
  private aliveCounts(): boolean {
    const last = this.states[this.states.length - 1];
    return !!last && last.state !== null && this.aliveAt > last.at;
  }

  /**
   * At start: a journal whose last state is not "stopped" was left by an app that died. That
   * state ended when the app was last known to run: its last beat, or the end of its last call,
   * if later than the change itself. Returns the mark it added (to be written), or null.
   */
  private endStateLeftRunning(): StateMark | null {
    const last = this.states[this.states.length - 1];
    if (!last || last.state === null) return null;
    const lastCall = this.calls[this.calls.length - 1];
    const callEnd = lastCall ? lastCall.at + lastCall.ringMs + lastCall.talkMs : 0;
    // Never before the change itself, whatever the clock did meanwhile.
    const at = Math.max(last.at, Math.min(Math.max(this.aliveAt, callEnd), this.options.now()));
    const mark = { at, state: null };
    this.states.push(mark);
    return mark;
  }

  private apply(record: HistoryRecord): void {
    if (record.k === 'call') {
      const { k: _kind, ...call } = record;
      if (!this.byId.has(call.id)) {
        this.calls.push(call);
        this.byId.set(call.id, call);
      }
    } else if (record.k === 'reserve') {
      const call = this.byId.get(record.id);
      if (call) call.reserveState = record.state;
    } else if (record.k === 'missed-cleared') {
      const before = this.missedClearedUpTo.get(record.agent) ?? 0;
      this.missedClearedUpTo.set(record.agent, Math.max(before, record.upTo));
    } else if (record.k === 'alive') {
      this.aliveAt = Math.max(this.aliveAt, record.at);
    } else {
      const { k: _kind, ...mark } = record;
      this.states.push(mark);
    }
  }

  /** Calls arrive in end order; a ring that started earlier than the last is put in its place. */
  private insert(call: HistoryCall): void {
    this.byId.set(call.id, call);
    let i = this.calls.length;
    while (i > 0 && this.calls[i - 1]!.at > call.at) i--;
    this.calls.splice(i, 0, call);
  }

  /**
   * Removes records older than the retention on the history's own timeline (`cutoffOf`);
   * returns how many went. Records stamped after now are never among them.
   */
  private prune(): number {
    const now = this.options.now();
    const retentionMs = this.options.retentionDays() * DAY_MS;
    const timeline = { now, leapMs: retentionMs, calls: this.calls, states: this.states };
    const { cutoff, leapt } = cutoffOf({ ...timeline, keepMs: retentionMs }, this.aliveAt);
    const dropCalls = lastIndexBefore(this.calls, cutoff) + 1;
    if (leapt > 0 && lastIndexBefore(this.calls, now - retentionMs) + 1 > dropCalls) {
      if (leapt !== this.warnedLeap)
        this.options.logger.warn('history: a silence longer than the retention is not counted', {
          days: Math.round(leapt / DAY_MS),
          kept: lastIndexBefore(this.calls, now - retentionMs) + 1 - dropCalls,
        });
      this.warnedLeap = leapt;
    }
    for (const call of this.calls.slice(0, dropCalls)) this.byId.delete(call.id);
    this.calls = this.calls.slice(dropCalls);
    // Keep the last state before the cutoff: it says what the agent was in at the cutoff.
    const stateKeepMs = Math.min(STATE_DAYS * DAY_MS, retentionMs);
    const stateCutoff = cutoffOf({ ...timeline, keepMs: stateKeepMs }, this.aliveAt).cutoff;
    const keepFrom = Math.max(0, lastIndexBefore(this.states, stateCutoff));
    this.states = this.states.slice(keepFrom);
    return dropCalls + keepFrom;
  }
}

interface Timeline {
  now: number;
  /** Records older than this much of the timeline go. */
  keepMs: number;
  /** A silence longer than this is not counted. */
  leapMs: number;
  /** Both in time order. */
  calls: readonly { at: number }[];
  states: readonly { at: number }[];
}

/**
 * The time before which records are older than `keepMs`, counting back from now over the
 * records stamped up to now, where a silence longer than `leapMs` (between two records, or from
 * the newest to now) is not counted: the clock leapt ahead (a wrong RTC, a date changed by hand,
 * NTP correcting a clock that was years behind) or nothing was recorded for longer than the
 * retention. Either way one prune must not delete the whole history for good; the cost is that
 * an agent silent for longer than the retention keeps their older calls until the retention has
 * passed again. `leapt`: the silence not counted (0 = none).
 */
function cutoffOf(timeline: Timeline, aliveAt: number): { cutoff: number; leapt: number } {
  const { now, keepMs, leapMs, calls, states } = timeline;
  let i = lastIndexBefore(calls, now + 1);
  let j = lastIndexBefore(states, now + 1);
  let alive = aliveAt <= now ? aliveAt : 0;
  let point = now;
  let budget = keepMs;
  let leapt = 0;
  for (;;) {
    const next = Math.max(calls[i]?.at ?? -1, states[j]?.at ?? -1, alive || -1);
    if (next < 0) break;
    if (next === calls[i]?.at) i--;
    else if (next === states[j]?.at) j--;
    else alive = 0;
    const gap = point - next;
    if (gap > leapMs) leapt += gap;
    else if (gap >= budget) break;
    else budget -= gap;
    point = next;
  }
  return { cutoff: point - budget, leapt };
}

/** An offer the app declined itself (wrap-up, the no-answer guard): not one the agent missed. */
function declinedByApp(call: HistoryCall): boolean {
  return call.why === 'wrap-up' || call.why === 'no-answer';
}

/** Index of the last mark with `at` < t (or at the first mark's position - 1 = -1). */
function lastIndexBefore(marks: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]!.at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function localMidnight(at: number): number {
  const day = new Date(at);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Whether a record of `owner` (undefined: an older record, anyone's) is for `agent`. */
function isFor(owner: string | null | undefined, agent: HistoryAgent): boolean {
  return agent === undefined || owner === undefined || owner === agent;
}

function matcher(
  query: HistoryQuery,
  agent: HistoryAgent,
): ((call: HistoryCall) => boolean) | null {
  const { outcome, from, to } = query;
  const search = query.search?.trim();
  if (!outcome && from === undefined && to === undefined && !search && agent === undefined)
    return null;
  return (call) =>
    isFor(call.agent, agent) &&
    (!outcome || call.outcome === outcome) &&
    (from === undefined || call.at >= from) &&
    (to === undefined || call.at < to) &&
    (!search || call.number.includes(search));
}

/** A journal line's shape, checked field by field (fast enough for 100,000 lines at start). */
function checkRecord(value: unknown): HistoryRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string';
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const strOrNull = (v: unknown) => v === null || str(v);
  switch (r.k) {
    case 'call':
      return str(r.id) &&
        num(r.at) &&
        str(r.number) &&
        (r.direction === 'in' || r.direction === 'out') &&
        (CALL_OUTCOMES as readonly unknown[]).includes(r.outcome) &&
        (r.why === null || WHYS.includes(r.why as string)) &&
        num(r.ringMs) &&
        num(r.talkMs) &&
        strOrNull(r.reserveState) &&
        strOrNull(r.agent)
        ? {
            k: 'call',
            id: r.id as string,
            at: r.at as number,
            number: r.number as string,
            direction: r.direction as 'in' | 'out',
            outcome: r.outcome as CallOutcome,
            why: r.why as HistoryWhy | null,
            ringMs: r.ringMs as number,
            talkMs: r.talkMs as number,
            reserveState: r.reserveState as string | null,
            agent: r.agent as string | null,
          }
        : null;
    case 'reserve':
      return str(r.id) && str(r.state)
        ? { k: 'reserve', id: r.id as string, state: r.state as string }
        : null;
    case 'state':
      return num(r.at) && strOrNull(r.state) && (r.agent === undefined || strOrNull(r.agent))
        ? {
            k: 'state',
            at: r.at as number,
            state: r.state as string | null,
            ...(r.agent === undefined ? {} : { agent: r.agent as string | null }),
          }
        : null;
    case 'missed-cleared':
      return num(r.upTo) && (r.agent === undefined || strOrNull(r.agent))
        ? {
            k: 'missed-cleared',
            upTo: r.upTo as number,
            ...(r.agent === undefined ? {} : { agent: r.agent as string | null }),
          }
        : null;
    case 'alive':
      return num(r.at) ? { k: 'alive', at: r.at as number } : null;
    default:
      return null;
  }
}
