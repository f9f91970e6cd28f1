/**
 * "+30 s" has a limit: an agent clicking it over and over is back in routing at most five
 * minutes after the wrap-up's set time, and the status the window and tray show says the limit
 * is reached (the window disables the button with the reason: test/renderer/wrap-up-limit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WrapUp } from '../../../src/main/core/wrap-up';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { initialSnapshot } from '../../../src/shared/snapshot';
import { silentLogger } from '../../../src/lib/ports';
import { wrapUpExtension } from '../../../src/shared/wrap-up-rule';
import { ManualClock } from '../../support/manual-clock';
import { startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';

function world(seconds: number) {
  const clock = new ManualClock();
  let snap: SessionSnapshot = {
    ...initialSnapshot('http://x', true, 0),
    phase: 'signed-in',
    profile: { name: 'a1', extension: 'e1' },
    state: 'idle',
    chosenState: 'idle',
  };
  const log: string[] = [];
  const ok = () => Promise.resolve({ ok: true as const, value: snap });
  const session = {
    snapshot: () => snap,
    setState: (state: string) => {
      log.push(`set ${state}@${clock.now()}`);
      snap = { ...snap, state, chosenState: state };
      return ok();
    },
    hold: (state: string) => {
      snap = { ...snap, state, hold: { reason: 'wrap-up', since: clock.now() } };
      return ok();
    },
    release: () => {
      snap = { ...snap, hold: null };
      return ok();
    },
  };
  const wrapUp = new WrapUp({
    session,
    settings: () => ({ ...DEFAULT_SETTINGS, wrapUpSeconds: seconds }),
    clock,
    logger: silentLogger,
    publish: () => undefined,
  });
  return { clock, wrapUp, log, snap: () => snap };
}

const info = (at: number): CallInfo => ({
  id: 'c1',
  caller: '139',
  phase: 'talking',
  ringingSince: at - 10_000,
  talkingSince: at - 8_000,
  muted: false,
});
const answeredEnd = { reason: 'remote-hangup' as const, detail: null, answered: true };

describe('wrap-up "+30 s" limit', () => {
  it('clicked without end, the agent is back in routing 5 min after the set time', async () => {
    const { clock, wrapUp, log, snap } = world(60);
    const end = clock.now();
    wrapUp.ended(info(end), answeredEnd, end);
    await clock.advance(0);
    expect(wrapUp.status()).toMatchObject({ endsAt: end + 60_000, limitAt: end + 360_000 });
    // Every 20 s the agent clicks "+30 s" again: ten of them count, the rest are refused.
    const added: boolean[] = [];
    while (wrapUp.status()) {
      added.push(wrapUp.extend());
      await clock.advance(20_000);
    }
    expect(added.filter(Boolean)).toHaveLength(10);
    expect(added.slice(10).every((a) => !a)).toBe(true);
    expect(log).toEqual([`set idle@${end + 360_000}`]);
    expect(snap().state).toBe('idle');
  });

  it('at the limit the status says so; an extension before it adds the full 30 s', async () => {
    const { clock, wrapUp } = world(30);
    wrapUp.ended(info(clock.now()), answeredEnd, clock.now());
    expect(wrapUpExtension(wrapUp.status()!)).toBe(30_000);
    for (let i = 0; i < 10; i++) expect(wrapUp.extend()).toBe(true);
    const status = wrapUp.status()!;
    expect(status.endsAt).toBe(status.limitAt);
    expect(wrapUpExtension(status)).toBe(0);
    expect(wrapUp.extend()).toBe(false);
    expect(wrapUp.status()!.endsAt).toBe(status.endsAt);
  });
});

describe('wrap-up "+30 s" limit through the core', () => {
  let app: CallCore | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it('the eleventh "+30 s" adds nothing and the reply shows the limit reached', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 60 } });
    const { callId } = await app.ring();
    await app.core.dispatch('call:answer', { callId });
    await app.core.dispatch('call:hangup', { callId });
    const first = app.core.day.status().wrapUp!;
    for (let i = 0; i < 11; i++) await app.core.dispatch('wrap-up:extend', {});
    const reply = await app.core.dispatch('wrap-up:extend', {});
    expect(reply.ok).toBe(true);
    const last = (reply as { value: { wrapUp: { endsAt: number; limitAt: number } } }).value.wrapUp;
    expect(last.endsAt).toBe(first.endsAt + 5 * 60_000);
    expect(last.limitAt).toBe(last.endsAt);
  });
});
