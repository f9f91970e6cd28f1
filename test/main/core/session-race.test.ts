/**
 * Issue 10 item 1: quick state changes, read-backs and a heal, with the platform answering in
 * any order (fast-check's scheduler picks the order). The last state asked for must win
 * everywhere: on the platform, in the window, in `chosenState`, and in what a heal restores.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentSession } from '../../../src/main/core/session';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { pageOf } from '../../../src/shared/platform/dto';
import type { SessionPlatform } from '../../../src/main/core/session';
import type { Agent } from '../../../src/shared/platform/dto';

type Reply<T> = Promise<
  { ok: true; value: T } | { ok: false; error: { code: '040202'; message: string } }
>;

/** A platform whose every answer is scheduled by fast-check: requests apply when they run. */
function scheduledPlatform(s: fc.Scheduler) {
  const agents = new Map<string, Agent>();
  const gone = <T>(): Reply<T> =>
    Promise.resolve({ ok: false, error: { code: '040202', message: 'no such agent' } });
  const later = <A extends unknown[], T>(_label: string, fn: (...args: A) => Reply<T>) =>
    s.scheduleFunction(fn);
  const platform: SessionPlatform = {
    login: later('login', async (req) => {
      agents.set(req.name, {
        name: req.name,
        num: null,
        state: req.state ?? 'online',
        extension: req.extension,
        skills: [],
      });
      return { ok: true, value: null };
    }),
    logout: later('logout', async (name: string): Reply<null> =>
      agents.delete(name) ? { ok: true, value: null } : gone(),
    ),
    keepalive: later('keepalive', async (name: string): Reply<null> =>
      agents.has(name) ? { ok: true, value: null } : gone(),
    ),
    getAgent: later('getAgent', async (name) => {
      const agent = agents.get(name);
      return agent ? { ok: true, value: { ...agent } } : gone();
    }),
    setState: later('setState', async (name, state) => {
      const agent = agents.get(name);
      if (!agent) return gone();
      agent.state = state;
      return { ok: true, value: null };
    }),
    listAgents: async () => ({ ok: true, value: pageOf([], 1, 20) }),
    setExtension: async () => ({ ok: true, value: null }),
    editSkills: async () => ({ ok: true, value: null }),
    getExtension: async () => gone(),
    listExtensions: async () => ({ ok: true, value: pageOf([], 1, 20) }),
  };
  return { agents, platform };
}

/** Lets the scheduler answer until `promise` settles (answers may schedule further requests). */
async function drive<T>(s: fc.Scheduler, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; !done && i < 10_000; i++) {
    await s.waitAll();
    for (let j = 0; j < 20; j++) await Promise.resolve();
  }
  return promise;
}

const STATES = ['idle', 'busy', 'busy/小休', 'away', 'away/午餐', 'busy/会议'];
type Step = { kind: 'set'; state: string } | { kind: 'refresh' };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(...STATES).map((state) => ({ kind: 'set' as const, state })),
  fc.constant({ kind: 'refresh' as const }),
);

describe('state changes under random reply order', () => {
  it('the last state asked for wins everywhere, also after a heal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc
          .array(step, { minLength: 2, maxLength: 10 })
          .filter((steps) => steps.some((x) => x.kind === 'set')),
        async (s, steps) => {
          const { agents, platform } = scheduledPlatform(s);
          const session = new AgentSession({
            clock: systemClock,
            logger: silentLogger,
            platform: () => platform,
            baseUrl: () => ({ url: 'http://platform', demo: false }),
            keepaliveMs: () => 3_600_000,
            holdActions: () => ({ onSuspend: 'away', onLock: 'away' }),
          });
          const signedIn = session.signIn({ name: 'a', extension: 'e1', initialState: 'idle' });
          expect((await drive(s, signedIn)).ok).toBe(true);

          // Every step is asked at once, as quick clicks are; the platform answers in any order.
          const pending = steps.map((x) =>
            x.kind === 'set' ? session.setState(x.state) : session.refresh(),
          );
          await drive(s, Promise.all(pending));
          const last = steps.filter((x) => x.kind === 'set').at(-1)!.state;
          expect(agents.get('a')?.state).toBe(last);
          expect(session.snapshot().state).toBe(last);
          expect(session.snapshot().chosenState).toBe(last);

          // The platform forgets the agent; the heal must restore that same last state.
          agents.clear();
          await drive(s, session.wake(true));
          expect(session.snapshot().phase).toBe('signed-in');
          expect(agents.get('a')?.state).toBe(last);
          expect(session.snapshot().state).toBe(last);
          await drive(s, session.shutdown(1_000));
        },
      ),
      { numRuns: 150 },
    );
  });
});
