/**
 * Keepalive timing over a long day, on a manual clock (hours in milliseconds of test time):
 * ticks stay on the fixed grid however slow the platform answers, and failures back off
 * with jitter without ever waiting longer than one period.
 */
import { describe, expect, it } from 'vitest';
import { AgentSession } from '../../../src/main/core/session';
import { silentLogger } from '../../../src/lib/ports';
import { pageOf } from '../../../src/shared/platform/dto';
import { ManualClock } from '../../support/manual-clock';
import type { SessionPlatform } from '../../../src/main/core/session';

const PERIOD = 30_000;
const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });

function platform(
  clock: ManualClock,
  latencyMs: number,
  log: number[],
  down: () => boolean,
  readsDown: () => boolean = () => false,
): SessionPlatform {
  const slow = <T>(value: T) => {
    // The platform answers `latencyMs` later: the clock moves while the request is "in flight".
    return new Promise<{ ok: true; value: T }>((resolve) =>
      clock.setTimeout(() => resolve({ ok: true, value }), latencyMs),
    );
  };
  // The platform's view, read when a request arrives and answered `latencyMs` later.
  const agent = { name: 'a', num: null, state: 'idle', extension: 'e1', skills: [] };
  return {
    login: () => ok(null),
    logout: () => ok(null),
    keepalive: () => {
      log.push(clock.now());
      if (down())
        return Promise.resolve({
          ok: false as const,
          error: { code: 'transport' as const, message: 'down' },
        });
      return slow(null);
    },
    getAgent: () =>
      readsDown()
        ? Promise.resolve({
            ok: false as const,
            error: { code: 'http-error' as const, message: 'HTTP 503' },
          })
        : slow({ ...agent }),
    listAgents: () => ok(pageOf([], 1, 20)),
    setState: (_name, state) => {
      agent.state = state;
      return ok(null);
    },
    setExtension: () => ok(null),
    editSkills: () => ok(null),
    getExtension: () =>
      ok({ id: 'e1', type: '1', user: null, password: null, ipaddr: null, telnum: null }),
    listExtensions: () => ok(pageOf([], 1, 20)),
  };
}

function session(clock: ManualClock, client: SessionPlatform): AgentSession {
  return new AgentSession({
    clock,
    logger: silentLogger,
    platform: () => client,
    baseUrl: () => ({ url: 'http://platform', demo: false }),
    keepaliveMs: () => PERIOD,
    holdActions: () => ({ onSuspend: 'away', onLock: 'away' }),
    random: () => 0.5,
  });
}

/** Signs in while the clock moves, since the platform's answers arrive on the clock. */
async function signIn(clock: ManualClock, s: AgentSession): Promise<void> {
  const done = s.signIn({ name: 'a', extension: 'e1', initialState: 'idle' });
  await clock.advanceTo(clock.now() + 2_000);
  expect((await done).ok).toBe(true);
}

describe('keepalive timing', () => {
  it('stays on the grid for eight hours despite a slow platform (no drift)', async () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const s = session(
      clock,
      platform(clock, 700, sent, () => false),
    );
    await signIn(clock, s);
    await clock.advanceTo(clock.now() + 8 * 3600_000);
    expect(sent.length).toBe(8 * 120);
    // Every keepalive leaves exactly on first + n·period, however long the previous one took.
    sent.forEach((at, i) => expect(at - sent[0]!).toBe(i * PERIOD));
  });

  it('backs off while the platform is down, never longer than a period, and says when it retries', async () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    let isDown = false;
    const s = session(
      clock,
      platform(clock, 10, sent, () => isDown),
    );
    await signIn(clock, s);
    const start = clock.now();
    await clock.advanceTo(start + PERIOD);
    isDown = true;
    await clock.advanceTo(start + 10 * PERIOD);
    expect(s.snapshot().platform.health).toBe('unreachable');
    expect(s.snapshot().platform.nextRetryAt).toBeGreaterThan(clock.now() - PERIOD);
    const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(PERIOD);
    // The first retries come quickly (about a second), then spread out.
    expect(gaps[1]).toBeLessThan(2_000);
    isDown = false;
    await clock.advanceTo(clock.now() + PERIOD);
    expect(s.snapshot().platform.health).toBe('ok');
  });

  it('keepalives answered while read-backs fail: retried on the same growing backoff, not every second', async () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    let readsDown = false;
    const s = session(
      clock,
      platform(
        clock,
        10,
        sent,
        () => false,
        () => readsDown,
      ),
    );
    await signIn(clock, s);
    const start = clock.now();
    readsDown = true;
    await clock.advanceTo(start + 10 * PERIOD);
    expect(s.snapshot().platform.health).toBe('unreachable');
    // As for a platform that is down: the backoff's steps, then about two a period (jitter up
    // to the cap), ~22 in these 5 minutes. Counting the keepalive as the round's answer
    // restarted the backoff each time: ~400, a desktop polling a struggling platform each second.
    expect(sent.length).toBeLessThan(30);
    const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(PERIOD);
    expect(gaps.at(-1)).toBeGreaterThan(PERIOD / 4);
    readsDown = false;
    await clock.advanceTo(clock.now() + PERIOD);
    expect(s.snapshot().platform.health).toBe('ok');
  });

  it('a read-back sent before a state change never puts the old state back', async () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const s = session(
      clock,
      platform(clock, 700, sent, () => false),
    );
    await signIn(clock, s);
    // The next keepalive round: keepalive sent at `tick`, answered at +700, its read-back sent
    // then and answered at +1400. The agent picks busy at +1000, while that read-back is out.
    await clock.advanceTo(clock.now() + PERIOD);
    const tick = sent[0]!;
    await clock.advanceTo(tick + 1000);
    expect((await s.setState('busy/小休')).ok).toBe(true);
    await clock.advanceTo(tick + 2000);
    expect(s.snapshot().state).toBe('busy/小休');
    await clock.advanceTo(tick + PERIOD + 2000);
    expect(s.snapshot().state).toBe('busy/小休');
  });
});
