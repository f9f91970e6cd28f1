/**
 * A call shown ahead of sip.js (the line's early offer): the window gets the ringing call and
 * `fetching` in one push, before sip.js has parsed the INVITE; when sip.js then makes no call of
 * it, the window gets back exactly what it showed before — the state and its time in state.
 * The core is real (demo platform); the SIP line is a double that tells early offers on demand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import type { HistoryPage } from '../../../src/shared/history';
import type { Core } from '../../../src/main/core/create-core';
import type { EarlyOfferEvent, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import type { SessionSnapshot, SipStatus } from '../../../src/shared/snapshot';

/** A SIP line that registers at once and tells whatever early offers the test sends. */
function lineDouble() {
  const statuses = new Set<(status: SipStatus) => void>();
  const early = new Set<(event: EarlyOfferEvent) => void>();
  const calls = new Set<(call: IncomingCall) => void>();
  let status: SipStatus = {
    state: 'stopped',
    since: 0,
    aor: null,
    lastError: null,
    nextRetryAt: null,
  };
  const move = (next: Partial<SipStatus>) => {
    status = { ...status, ...next, since: Date.now() };
    for (const listener of statuses) listener(status);
  };
  const line: SipLine = {
    start: (config) => move({ state: 'registered', aor: `sip:${config.user}@${config.domain}` }),
    stop: async () => move({ state: 'stopped', aor: null }),
    kick: () => {},
    status: () => status,
    onStatus: (listener) => (statuses.add(listener), () => statuses.delete(listener)),
    onIncomingCall: (listener) => (calls.add(listener), () => calls.delete(listener)),
    onEarlyOffer: (listener) => (early.add(listener), () => early.delete(listener)),
  };
  return {
    line,
    tell: (event: EarlyOfferEvent) => early.forEach((listener) => listener(event)),
    /** sip.js made a call of an INVITE. */
    offer: (call: IncomingCall) => calls.forEach((listener) => listener(call)),
  };
}

/** An IncomingCall; with a refusal, one whose media cannot reach the window. */
function callDouble(id: string, caller: string, refusal: string | null = null) {
  const rejected: string[] = [];
  const call: IncomingCall = {
    id,
    caller,
    sipCallId: `${id}@test`,
    state: 'ringing',
    refusal,
    ring: async () => {},
    accept: async () => {},
    reject: async (kind) => void rejected.push(kind),
    hangUp: async () => {},
    hold: async () => {},
    onEnded: () => () => {},
  };
  return { call, rejected };
}

let core: Core;
let sip: ReturnType<typeof lineDouble>;
let pushes: SessionSnapshot[];

beforeEach(async () => {
  sip = lineDouble();
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: (logger) => startDemoPlatform(logger),
    sipLine: sip.line,
    logger: silentLogger,
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'early_agent',
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
  });
  expect(signed.ok).toBe(true);
  pushes = [];
  core.on('session:changed', (snapshot) => pushes.push(snapshot));
});
afterEach(async () => {
  await core.shutdown(3_000);
});

describe('a call shown ahead of sip.js', () => {
  it('rings with fetching in one push, and a withdrawal gives back the state and its time', async () => {
    const before = core.snapshot();
    expect(before.state).toBe('idle');
    sip.tell({ kind: 'ringing', offer: { id: 'c0123456789ab', caller: '张三 <13800000001>' } });
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({
      state: 'fetching',
      call: { id: 'c0123456789ab', caller: '张三 <13800000001>', phase: 'ringing' },
    });

    sip.tell({ kind: 'withdrawn', id: 'c0123456789ab' });
    expect(pushes).toHaveLength(2);
    expect(pushes[1]).toMatchObject({ call: null, state: 'idle', stateSince: before.stateSince });
  });

  it('ignores a withdrawal of another call, and shows no second early call over the first', async () => {
    sip.tell({ kind: 'ringing', offer: { id: 'c1', caller: '13800000001' } });
    sip.tell({ kind: 'ringing', offer: { id: 'c2', caller: '13800000002' } });
    sip.tell({ kind: 'withdrawn', id: 'c2' });
    expect(core.snapshot().call).toMatchObject({ id: 'c1', phase: 'ringing' });
    expect(pushes).toHaveLength(1);
  });

  it('shows nothing while signed out', async () => {
    expect((await core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    pushes = [];
    const notes: unknown[] = [];
    core.on('call:ringing', (call) => notes.push(call));
    sip.tell({ kind: 'ringing', offer: { id: 'c3', caller: '13800000003' } });
    expect(core.snapshot().call).toBeNull();
    expect(pushes).toEqual([]);
    expect(notes).toEqual([]);
  });

  it('sends the window a note of the ring just ahead of the push that carries it', async () => {
    const order: string[] = [];
    core.on('call:ringing', (call) => order.push(`note ${call.id} ${call.caller}`));
    core.on('session:changed', (snapshot) => order.push(`push ${snapshot.call?.id ?? 'none'}`));
    sip.tell({ kind: 'ringing', offer: { id: 'c1', caller: '13800000001' } });
    // A second offer over the first is not shown, so there is no note of it either.
    sip.tell({ kind: 'ringing', offer: { id: 'c2', caller: '13800000002' } });
    sip.tell({ kind: 'withdrawn', id: 'c1' });
    expect(order).toEqual(['note c1 13800000001', 'push c1', 'push none']);
  });

  it('an early call whose media turns out unusable: refused, listed as missed, the state given back', async () => {
    const before = core.snapshot();
    sip.tell({ kind: 'ringing', offer: { id: 'c4', caller: '13800000004' } });
    expect(core.snapshot().call?.id).toBe('c4');

    const { call, rejected } = callDouble('c4', '13800000004', 'no usable media in the offer');
    sip.offer(call);
    expect(rejected).toEqual(['no-media']);
    const after = core.snapshot();
    // Never left ringing on screen: the call it will never end is taken back.
    expect(after.call).toBeNull();
    expect(after).toMatchObject({ state: 'idle', stateSince: before.stateSince });
    expect(after.missed[0]).toMatchObject({ id: 'c4', caller: '13800000004', reason: 'no-media' });
    // In History too (so also in the missed list rebuilt after a restart).
    const page = await core.dispatch('history:page', { pageNo: 1, pageSize: 10 });
    expect(page.ok && (page.value as HistoryPage).rows[0]).toMatchObject({
      id: 'c4',
      outcome: 'failed',
      why: 'no-media',
    });
  });

  it('an early call the agent signed out under: refused, and the next call after sign-in shows', async () => {
    sip.tell({ kind: 'ringing', offer: { id: 'c5', caller: '13800000005' } });
    expect((await core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    const { call, rejected } = callDouble('c5', '13800000005');
    sip.offer(call);
    expect(rejected).toEqual(['unavailable']);
    expect(core.snapshot().call).toBeNull();

    // Signed in again, the next call shows at once: nothing of the refused one lingers.
    const signed = await core.dispatch('session:sign-in', {
      name: 'early_agent',
      extension: DEMO_EXTENSIONS[0]!.id,
      initialState: 'idle',
    });
    expect(signed.ok).toBe(true);
    sip.tell({ kind: 'ringing', offer: { id: 'c6', caller: '13800000006' } });
    expect(core.snapshot()).toMatchObject({ state: 'fetching', call: { id: 'c6' } });
  });

  it('still shows the call when something listening for the note fails', () => {
    core.on('call:ringing', () => {
      throw new Error('window gone');
    });
    sip.tell({ kind: 'ringing', offer: { id: 'c1', caller: '13800000001' } });
    expect(core.snapshot().call?.id).toBe('c1');
    expect(pushes.at(-1)?.call?.id).toBe('c1');
  });
});
