/**
 * Snapshots on their way to the window: a push leaves out the missed list when the window holds
 * it already, and the window's decoder (the one the session store runs) hands on the whole
 * snapshot all the same. Main's side here is the encoder both hosts use, one per window channel;
 * the channel is an in-memory one, in order, as IPC and the host's socket are.
 */
import { describe, expect, it } from 'vitest';
import {
  createSessionPushDecoder,
  createWindowPushEncoder,
} from '../../src/shared/ipc/session-push';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { Result } from '../../src/shared/ipc/contract';
import type { SessionPush } from '../../src/shared/ipc/session-push';
import type { MissedOffer, SessionSnapshot } from '../../src/shared/snapshot';

const offer = (id: string): MissedOffer => ({
  id,
  caller: '13800000000',
  at: 1_000,
  reason: 'caller-gave-up',
  stateAfter: null,
});

function snap(state: string, missedVersion: number, missed: MissedOffer[]): SessionSnapshot {
  return { ...initialSnapshot('http://x', true, 0), state, missedVersion, missed };
}

/**
 * Main (the encoder of one window channel) and pages on the other end of that channel, each
 * with the decoder the session store uses; `answer` is main's reply to a request for the
 * snapshot.
 */
function channel(answer: () => Promise<Result<SessionSnapshot>> = () => new Promise(() => {})) {
  let encode = createWindowPushEncoder();
  const wire: unknown[] = [];
  let listeners: ((push: SessionPush) => void)[] = [];
  const asked: string[] = [];
  return {
    wire,
    asked,
    /** A page (the first, or one reloaded under a running main) and what it is given. */
    page(): { seen: SessionSnapshot[]; off: () => void } {
      const seen: SessionSnapshot[] = [];
      const resync = () => {
        asked.push('session:snapshot');
        return answer();
      };
      const listener = createSessionPushDecoder(resync, (s) => seen.push(s)).push;
      listeners.push(listener);
      return { seen, off: () => (listeners = listeners.filter((l) => l !== listener)) };
    },
    push(snapshot: SessionSnapshot) {
      const payload = encode('session:changed', snapshot);
      wire.push(payload);
      for (const listener of listeners) listener(payload);
    },
    /** A new channel (the browser host's new socket). */
    reconnect() {
      encode = createWindowPushEncoder();
    },
  };
}

describe('snapshot pushes', () => {
  it('hand the window the whole missed list on every push, though only a change carries it', () => {
    const c = channel();
    const { seen } = c.page();
    const a = [offer('c1')];
    const b = [offer('c2'), offer('c1')];
    c.push(snap('idle', 1, a));
    c.push(snap('fetching', 1, a));
    c.push(snap('idle', 2, b));
    c.push(snap('busy/小休', 2, b));

    expect(seen.map((s) => [s.state, s.missed])).toEqual([
      ['idle', a],
      ['fetching', a],
      ['idle', b],
      ['busy/小休', b],
    ]);
    // What went over the channel: the list only with the pushes that changed it.
    expect(c.wire.map((p) => 'missed' in (p as object))).toEqual([true, false, true, false]);
    // The list the window holds is handed on as it is: the stores see the same list unchanged.
    expect(seen[1]!.missed).toBe(seen[0]!.missed);
  });

  it('a new window channel starts with the list, whatever the last one was sent', () => {
    const c = channel();
    c.push(snap('idle', 3, [offer('c1')]));
    c.reconnect();
    c.push(snap('idle', 3, [offer('c1')]));
    expect(c.wire.map((p) => 'missed' in (p as object))).toEqual([true, true]);
  });

  it('a page reloaded under a running main asks for the snapshot instead of losing the list', async () => {
    const list = [offer('c2'), offer('c1')];
    const current = snap('away/午休', 5, list);
    const c = channel(() => Promise.resolve({ ok: true, value: current }));
    const first = c.page();
    c.push(snap('idle', 5, list));
    first.off(); // reloaded: that page, and the list it held, are gone
    const { seen } = c.page();

    // Main's encoder sent this list to the page before: this push leaves it out.
    c.push(snap('fetching', 5, list));
    c.push(snap('idle', 5, list));
    expect(c.wire.slice(1).map((p) => 'missed' in (p as object))).toEqual([false, false]);
    expect(seen).toEqual([]); // never a snapshot without its list
    await Promise.resolve();
    await Promise.resolve();
    expect(c.asked).toEqual(['session:snapshot']); // one request for both pushes
    expect(seen).toEqual([current]);

    // From then on, pushes without the list are whole again.
    c.push(snap('busy/小休', 5, list));
    expect(seen.at(-1)).toEqual({ ...snap('busy/小休', 5, list) });
  });

  it('asks again at the next push when the request for the snapshot failed', async () => {
    const replies: Result<SessionSnapshot>[] = [
      { ok: false, error: { code: 'transport', message: 'host connection lost' } },
      { ok: true, value: snap('idle', 7, [offer('c9')]) },
    ];
    const c = channel(() => Promise.resolve(replies.shift()!));
    c.push(snap('idle', 7, [offer('c9')])); // to a page since reloaded
    const { seen } = c.page();

    c.push(snap('fetching', 7, [offer('c9')]));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([]);
    c.push(snap('idle', 7, [offer('c9')]));
    await new Promise((r) => setTimeout(r, 0));
    expect(c.asked).toEqual(['session:snapshot', 'session:snapshot']);
    expect(seen.map((s) => s.missed.map((m) => m.id))).toEqual([['c9']]);
  });
});
