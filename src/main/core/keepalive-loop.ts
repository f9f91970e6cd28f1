/**
 * The keepalive timer: rounds on a fixed grid (start + n·period) so hours of rounds do not
 * drift, never more than a period apart whatever the time of day does, and after a failure a jittered backoff that never waits longer than one period.
 * What a round does (keepalive, read-back, heal) is the session's business: it is `round`.
 */
import { backoffDelay } from '../../lib/backoff';
import type { Clock, TimerHandle } from '../../lib/ports';

const RETRY = { baseMs: 1_000, capMs: 30_000 };

export interface KeepaliveLoopOptions {
  clock: Clock;
  periodMs: () => number;
  random: () => number;
  /** One keepalive round; the round calls `next()` or `retry()` to schedule the following one. */
  round: () => void;
}

export class KeepaliveLoop {
  private timer: TimerHandle | null = null;
  private nextAt = 0;
  private failures = 0;

  constructor(private readonly options: KeepaliveLoopOptions) {}

  /** Starts the grid now: the first round comes one period from now. */
  start(): void {
    this.failures = 0;
    this.nextAt = this.options.clock.now();
    this.next();
  }

  /** Schedules the next round on the grid (after a successful round). */
  next(): void {
    const period = this.options.periodMs();
    const now = this.options.clock.now();
    this.nextAt += period;
    // Off the grid when a slot was missed, and when the time of day was set back (an NTP
    // correction): the grid's next slot would then lie the jump away, and the platform drops
    // an agent whose keepalives stop for its timeout.
    if (this.nextAt <= now || this.nextAt - now > period) this.nextAt = now + period;
    this.schedule(this.nextAt - now);
  }

  /** Schedules a retry after a failure and returns when it will run (epoch ms). */
  retry(): number {
    const now = this.options.clock.now();
    const delay = Math.min(
      backoffDelay(this.failures++, RETRY, this.options.random),
      this.options.periodMs(),
    );
    this.nextAt = now;
    this.schedule(delay);
    return now + delay;
  }

  /** The platform answered: the next failure starts the backoff from the beginning again. */
  succeeded(): void {
    this.failures = 0;
  }

  stop(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** True while a round is scheduled. */
  get running(): boolean {
    return this.timer !== null;
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.options.round();
    }, delayMs);
  }
}
