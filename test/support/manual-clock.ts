/** A clock that moves only when a test says so: timers run in time order as it advances. */
import type { Clock, TimerHandle } from '../../src/lib/ports';

export class ManualClock implements Clock {
  private t: number;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  };

  clearTimeout = (handle: TimerHandle): void =>
    void this.timers.delete(handle as unknown as number);

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Runs every timer due up to `until`, letting the promises of each settle. */
  async advanceTo(until: number): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      await settle();
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > until) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = until;
  }

  /**
   * The computer sleeps `ms`: the time of day moves on, and waiting timers are held back as long
   * (Node's timers follow a clock that stops during sleep).
   */
  sleep(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.values()) timer.at += ms;
  }

  /** Moves the clock by `ms`, running the timers due meanwhile. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }
}

/** Lets every promise chain that is ready run (requests in flight resolve on the clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}
