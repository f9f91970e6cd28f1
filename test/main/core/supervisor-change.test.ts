/**
 * A state changed on the platform (a supervisor, an admin tool) while this desktop's login stays
 * alive, against the rest of the session: the agent's earlier clicks, holds, a call dialled
 * straight to the extension, a refused request, a read-back before the keepalive after a sleep,
 * and the diagnostics log. Found by a review of 82badf0; each test failed on that commit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import { systemClock } from '../../../src/lib/ports';
import { appError, PLATFORM_CODES } from '../../../src/shared/domain/errors';
import { DiagnosticsRecorder } from '../../../src/main/core/diagnostics/recorder';
import type { SessionPlatform } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { ErrorCode } from '../../../src/shared/domain/errors';

const EXT = DEMO_EXTENSIONS[0]!.id;
const NAME = 'agent_1';
let emulator: RunningEmulator;
/** How far the desktops' clock runs ahead of the system's. */
let skew = 0;
const clock = { ...systemClock, now: () => Date.now() + skew };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const supervisor = () => emulatorClient(emulator);
const platformState = () => emulator.store.agentStatus(NAME)?.state;

/** A desktop whose next setState is answered `failNextSetState` instead of reaching the platform. */
function desktop() {
  const client = emulatorClient(emulator);
  const control = { failNextSetState: null as ErrorCode | null };
  const platform = new Proxy(client, {
    get(target, key: string) {
      const fn = (target as unknown as Record<string, unknown>)[key];
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) => {
        if (key === 'setState' && control.failNextSetState) {
          const code = control.failNextSetState;
          control.failNextSetState = null;
          return Promise.resolve({ ok: false, error: appError(code, '系统繁忙') });
        }
        return (fn as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as SessionPlatform;
  const session = emulatorSession(emulator, platform, { random: () => 0, clock });
  return { session, control };
}

let a: ReturnType<typeof desktop>;
beforeEach(async () => {
  skew = 0;
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  a = desktop();
});
afterEach(async () => {
  await a.session.shutdown(1000);
  await emulator.close();
});

describe('a state changed on the platform, and the rest of the session', () => {
  it('a second change, back to what the agent last clicked, is kept too', async () => {
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'busy/小休' });
    await a.session.setState('idle');
    await supervisor().setState(NAME, 'busy/培训');
    await a.session.refresh();
    await supervisor().setState(NAME, 'idle'); // training over
    await a.session.refresh();
    expect(a.session.snapshot()).toMatchObject({ state: 'idle', chosenState: 'idle' });
    // A heal restores idle, not the training (wrap-up's end restores the same choice).
    await emulator.store.logout(NAME, true);
    await a.session.wake(true);
    expect(platformState()).toBe('idle');
  });

  it('set to the agent’s own choice during a hold: the hold goes, and a lock holds again', async () => {
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
    await a.session.holdFor('crash', 'busy/system/crash');
    await supervisor().setState(NAME, 'idle');
    await a.session.refresh();
    expect(a.session.snapshot()).toMatchObject({ state: 'idle', hold: null });
    expect(a.session.snapshot().stateSetElsewhere).toMatchObject({ state: 'idle' });
    await a.session.hold('lock'); // the agent locks the screen and walks away
    expect(platformState()).toBe('away/system/lock');
  });

  it('set routable during a call dialled straight to the extension: held busy at once', async () => {
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'busy' });
    const now = clock.now();
    const call = { id: 'd1', caller: 'colleague', ringingSince: now, muted: false };
    a.session.showCall({ ...call, phase: 'ringing', talkingSince: null }, 'fetching');
    a.session.showCall({ ...call, phase: 'talking', talkingSince: now }, 'talking');
    skew = 20_000; // past the seconds in which the platform moves the agent around a call
    await a.session.refresh();
    expect(a.session.snapshot().hold).toBeNull();
    await supervisor().setState(NAME, 'idle'); // "you're busy, take calls"
    await a.session.refresh();
    await pause(200);
    // Talking and idle on the platform: queued customers would be offered and refused busy.
    expect(platformState()).toBe('busy/system/in-call');
    expect(a.session.snapshot().hold?.reason).toBe('in-call');
  });

  it('the agent’s click refused 000004 while a supervisor changes the state: no takeover', async () => {
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
    await supervisor().setState(NAME, 'away/会议');
    a.control.failNextSetState = PLATFORM_CODES.BUSY_LOCKED;
    await a.session.setState('busy');
    await a.session.wake(true);
    expect(a.session.snapshot()).toMatchObject({
      phase: 'signed-in',
      takeover: null,
      state: 'away/会议',
      pendingState: null,
    });
    expect(platformState()).toBe('away/会议');
  });

  it('a read-back before the first keepalive after a long sleep still finds a takeover', async () => {
    const other = desktop();
    try {
      await a.session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
      skew = 11 * 60_000; // asleep past the keepalive period (10 minutes here) and its slack
      emulator.store.expire(NAME);
      await other.session.signIn({ name: NAME, extension: EXT, initialState: 'busy/小休' });
      // The window's refresh, the SIP line's drop check or a call's settle: a read-back only.
      await a.session.refresh();
      expect(a.session.snapshot()).toMatchObject({
        phase: 'signed-out',
        takeover: { clue: 'state' },
      });
    } finally {
      await other.session.shutdown(1000);
    }
  });

  it('the diagnostics log says the state was set on the platform, not chosen', async () => {
    const recorder = new DiagnosticsRecorder(() => Date.now());
    a.session.onChange((snap) => recorder.observe(snap));
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
    await supervisor().setState(NAME, 'busy/培训');
    await a.session.refresh();
    const last = recorder.states.list().at(-1)!;
    expect(last).toMatchObject({ to: 'busy/培训', cause: expect.stringContaining('platform') });
    expect(last.cause).not.toBe('agent chose it');
  });

  it('a ring takes the notice away with the state it was about', async () => {
    await a.session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
    await supervisor().setState(NAME, 'busy');
    await a.session.refresh();
    expect(a.session.snapshot().stateSetElsewhere).not.toBeNull();
    const now = clock.now();
    a.session.showCall(
      {
        id: 'r1',
        caller: '139',
        ringingSince: now,
        muted: false,
        phase: 'ringing',
        talkingSince: null,
      },
      'fetching',
    );
    expect(a.session.snapshot().stateSetElsewhere).toBeNull();
  });
});
