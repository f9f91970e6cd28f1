/**
 * Doubles for the call center's two ports (the CallPlacer the SIP side implements, the media
 * endpoint) and a store with routable agents, so routing and lifecycle tests run in
 * milliseconds. Every wait is on an event, bounded.
 */
import { DEMO_EXTENSIONS, PlatformStore } from '../../../src/emulator/index';
import { CallCenter, type CallCenterOptions } from '../../../src/emulator/calls/call-center';
import type {
  CallPlacer,
  LegEndReason,
  LegEvents,
  PlaceRequest,
} from '../../../src/emulator/calls/call-placer';
import type { CallRecord } from '../../../src/emulator/calls/call-record';
import type { MediaSession, MediaStats } from '../../../src/emulator/calls/media-endpoint';

export const EXT = DEMO_EXTENSIONS.map((e) => e.id);

/** One placed leg, driven by the test as the agent's phone would. */
export class FakeLeg {
  /** How often the call center asked for CANCEL/BYE. */
  hangUps = 0;
  private over = false;

  constructor(
    readonly request: PlaceRequest,
    private readonly events: LegEvents,
    private readonly confirmHangUps: boolean,
  ) {}

  ring(): void {
    this.events.ringing?.();
  }
  answer(sdp = 'v=0 answer'): void {
    this.events.answered(sdp);
  }
  end(reason: LegEndReason, detail?: string): void {
    if (this.over) return;
    this.over = true;
    this.events.ended(reason, detail);
  }
  /** Called by the call center; confirmed like a completed CANCEL/BYE transaction. */
  hangUp(): void {
    this.hangUps++;
    if (this.confirmHangUps) queueMicrotask(() => this.end('local-hangup'));
  }
}

/** A CallPlacer whose legs the test drives; `confirmHangUps: false` models a SIP side that hangs. */
export class FakePlacer implements CallPlacer {
  readonly legs: FakeLeg[] = [];
  private waiters: Array<(leg: FakeLeg) => void> = [];

  constructor(private readonly confirmHangUps = true) {}

  place(request: PlaceRequest, events: LegEvents): FakeLeg {
    const leg = new FakeLeg(request, events, this.confirmHangUps);
    this.legs.push(leg);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake(leg);
    return leg;
  }

  /** The `n`-th leg (0-based), waiting for it to be placed (bounded). */
  leg(n: number, timeoutMs = 2000): Promise<FakeLeg> {
    return bounded(
      new Promise<FakeLeg>((resolve) => {
        const check = () => {
          const leg = this.legs[n];
          if (leg) resolve(leg);
          else this.waiters.push(check);
        };
        check();
      }),
      timeoutMs,
      `leg ${n} to be placed`,
    );
  }
}

/** A media session that counts what the call center asks of it. */
export class FakeMedia implements MediaSession {
  answers: string[] = [];
  closed = false;
  async createOffer(): Promise<string> {
    return 'v=0 offer';
  }
  async applyAnswer(sdp: string): Promise<void> {
    this.answers.push(sdp);
  }
  stats(): MediaStats {
    const n = this.answers.length > 0 ? 50 : 0;
    return {
      packetsSent: n,
      bytesSent: n * 160,
      packetsReceived: n,
      bytesReceived: n * 160,
      receivedLevel: n ? 0.1 : 0,
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Timers that only fire when the test says so, to check what is pending. */
export class ManualTimers {
  private readonly timers = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { fn, ms });
    return id as unknown as ReturnType<typeof setTimeout>;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  /** Delays (ms) of the timers still pending. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }
  /** Fires the pending timers with this delay. */
  fire(ms: number): void {
    for (const [id, timer] of [...this.timers]) {
      if (timer.ms !== ms) continue;
      this.timers.delete(id);
      timer.fn();
    }
  }
}

export interface Rig {
  store: PlatformStore;
  placer: FakePlacer;
  center: CallCenter;
  media: FakeMedia[];
  /** Moves the store's clock forward (keepalives, idle-since). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** A store on a hand-moved clock, a call center with doubles. */
export function rig(options: Partial<CallCenterOptions> & { confirmHangUps?: boolean } = {}): Rig {
  let now = 1_700_000_000_000;
  const store = new PlatformStore({
    now: () => now,
    keepaliveTimeoutSec: 300,
    hangupTimeoutMs: 3000,
  });
  const placer = new FakePlacer(options.confirmHangUps ?? true);
  const media: FakeMedia[] = [];
  const center = new CallCenter({
    store,
    placer,
    media: () => {
      const m = new FakeMedia();
      media.push(m);
      return m;
    },
    ...options,
  });
  return {
    store,
    placer,
    center,
    media,
    advance: (ms) => (now += ms),
    close: () => center.close(),
  };
}

export interface AgentSpec {
  name: string;
  ext: number;
  state?: string;
  skills?: Array<{ name: string; score: number; enabled: boolean }>;
  registered?: boolean;
}

/** Logs an agent in on demo extension `ext` and (by default) registers that extension. */
export async function addAgent(store: PlatformStore, spec: AgentSpec): Promise<void> {
  const extension = EXT[spec.ext]!;
  const result = await store.login({
    name: spec.name,
    extension,
    state: spec.state ?? 'idle',
    skills: spec.skills ?? [{ name: 'sales', score: 5, enabled: true }],
  });
  if (result.code !== '000000') throw new Error(`login ${spec.name}: ${result.code}`);
  if (spec.registered ?? true) store.setRegistration(extension, `sip:${spec.name}@127.0.0.1`, null);
}

/** The agent's state now. */
export function stateOf(store: PlatformStore, name: string): string | undefined {
  return store.agentStatus(name)?.state;
}

/** Resolves with the call's record once `test` holds for it (checked now and on every change). */
export function callWhere(
  center: CallCenter,
  id: string,
  test: (record: CallRecord) => boolean,
  what: string,
  timeoutMs = 2000,
): Promise<CallRecord> {
  let stop = () => {};
  const found = new Promise<CallRecord>((resolve) => {
    const now = center.call(id);
    if (now && test(now)) return resolve(now);
    stop = center.onChange((record) => {
      if (record.id === id && test(record)) resolve(record);
    });
  });
  return bounded(found, timeoutMs, `${id}: ${what}`).finally(() => stop());
}

/** The call's record once it has ended. */
export function ended(center: CallCenter, id: string, timeoutMs = 2000): Promise<CallRecord> {
  return callWhere(center, id, (r) => r.state === 'ended', 'to end', timeoutMs);
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
