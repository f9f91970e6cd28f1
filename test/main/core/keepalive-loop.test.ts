/** The keepalive timer: on a fixed grid after success, a bounded backoff after failure. */
import { describe, expect, it } from 'vitest';
import { KeepaliveLoop } from '../../../src/main/core/keepalive-loop';
import { ManualClock } from '../../support/manual-clock';

const PERIOD = 10_000;

function loop(onRound: (l: KeepaliveLoop, at: number) => void) {
  const clock = new ManualClock();
  const rounds: number[] = [];
  const l: KeepaliveLoop = new KeepaliveLoop({
    clock,
    periodMs: () => PERIOD,
    random: () => 0.5,
    round: () => {
      rounds.push(clock.now());
      onRound(l, clock.now());
    },
  });
  return { clock, l, rounds };
}

describe('KeepaliveLoop', () => {
  it('runs rounds on the grid start + n·period', async () => {
    const { clock, l, rounds } = loop((self) => self.next());
    const start = clock.now();
    l.start();
    await clock.advance(5 * PERIOD);
    expect(rounds.map((t) => t - start)).toEqual([1, 2, 3, 4, 5].map((n) => n * PERIOD));
  });

  it('a round that ends late does not shift the grid; one that misses a slot skips it', async () => {
    const { clock, l, rounds } = loop(() => undefined);
    const start = clock.now();
    l.start();
    await clock.advance(PERIOD + 3_000); // the round took 3 s to answer
    l.next();
    await clock.advance(PERIOD);
    expect(rounds[1]! - start).toBe(2 * PERIOD);
    await clock.advance(2.5 * PERIOD); // no next() at all for a while: then a period from now
    const late = clock.now();
    l.next();
    expect(clock.pending).toBe(1);
    await clock.advance(PERIOD);
    expect(rounds.at(-1)! - late).toBe(PERIOD);
  });

  it('a round answered exactly on the next slot waits a whole period, not none', async () => {
    const { clock, l, rounds } = loop(() => undefined);
    const start = clock.now();
    l.start();
    await clock.advance(2 * PERIOD); // the first round answered as the second slot came
    l.next();
    await clock.advance(PERIOD - 1);
    expect(rounds).toHaveLength(1);
    await clock.advance(1);
    expect(rounds.map((t) => t - start)).toEqual([PERIOD, 3 * PERIOD]);
  });

  it('keeps one period between rounds when the time of day is set back', async () => {
    // An NTP correction or an admin sets the clock back 10 minutes: the platform drops an agent
    // after 300 s without a keepalive, so the next round may not wait the jump out.
    const { clock, l, rounds } = loop((self) => self.next());
    l.start();
    await clock.advance(2 * PERIOD);
    clock.sleep(-600_000); // the time of day goes back; the waiting timer keeps its delay
    await clock.advance(6 * PERIOD);
    expect(rounds).toHaveLength(2 + 6);
    const gaps = rounds.slice(1).map((t, i) => t - rounds[i]!);
    expect(Math.max(...gaps.slice(2))).toBe(PERIOD);
  });

  it('backs off after failures, quickly at first, never longer than a period, and says when', async () => {
    const { clock, l } = loop(() => undefined);
    l.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const at = l.retry();
      delays.push(at - clock.now());
      await clock.advanceTo(at);
    }
    expect(delays[0]).toBeLessThan(2_000);
    expect(delays[3]!).toBeGreaterThan(delays[0]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(PERIOD);
    l.succeeded();
    expect(l.retry() - clock.now()).toBe(delays[0]);
  });

  it('stop cancels the next round', async () => {
    const { clock, l, rounds } = loop((self) => self.next());
    l.start();
    expect(l.running).toBe(true);
    l.stop();
    expect(l.running).toBe(false);
    await clock.advance(3 * PERIOD);
    expect(rounds).toHaveLength(0);
  });
});
