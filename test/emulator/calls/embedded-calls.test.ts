/**
 * Calls end to end in Node: an emulator with its embedded SIP registrar, an agent phone
 * (sip.js + werift) registered on a demo extension, and the call center ringing it. Real SIP
 * over WebSocket, real DTLS-SRTP audio on loopback.
 */
import { SessionState, type Invitation } from 'sip.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator, type RunningEmulator } from '../../../src/emulator/index';
import { waitFor } from '../../support/wait';
import { callWhere, ended, stateOf } from './call-doubles';
import { AgentPhone, untilSession } from './phone-double';

const DOMAIN = 'sip.oneyun.com';

/** Upward zero crossings per second: the frequency of a clean tone. */
function toneHz(samples: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return (crossings * 8000) / samples.length;
}

async function startWithAgent(ext: number, name: string) {
  const logs: string[] = [];
  const emu = await startEmulator({
    port: 0,
    auth: null,
    log: (msg) => logs.push(msg),
    embeddedSip: { domain: DOMAIN },
  });
  const phone = await AgentPhone.register(emu.sipWsUrl!, DEMO_EXTENSIONS[ext]!, DOMAIN);
  return { emu, phone, logs, name, extension: DEMO_EXTENSIONS[ext]!.id };
}

async function login(emu: RunningEmulator, name: string, extension: string): Promise<void> {
  if (emu.store.agentStatus(name)) await emu.store.logout(name, true);
  const result = await emu.store.login({
    name,
    extension,
    state: 'idle',
    skills: [{ name: 'sales', score: 1, enabled: true }],
  });
  expect(result.code).toBe('000000');
}

describe('calls through the embedded registrar', () => {
  let emu: RunningEmulator;
  let phone: AgentPhone;
  let extension: string;
  let calls = 0;
  const next = () => phone.invitation(calls++);

  beforeAll(async () => {
    ({ emu, phone, extension } = await startWithAgent(0, 'a'));
  });
  afterAll(async () => {
    await phone?.close();
    await emu?.close();
  });
  beforeEach(async () => {
    await login(emu, 'a', extension);
    expect(emu.store.agentStatus('a')?.extensionRegistered).toBe(true);
  });

  it('rings, is answered, carries audio both ways, and ends when the agent hangs up', async () => {
    const id = emu.calls.queueCall({ skill: 'sales', caller: '13900001234' });
    const invitation = await next();
    expect(invitation.remoteIdentity.uri.user).toBe('13900001234');
    expect(invitation.request.getHeader('X-Emulator-Call')).toBe(id);
    expect(invitation.body).toMatch(/UDP\/TLS\/RTP\/SAVPF 0/);
    expect(stateOf(emu.store, 'a')).toBe('fetching');
    // sip.js answers 180 by itself: the call center sees the phone alerting.
    await callWhere(emu.calls, id, (c) => c.alertedAt !== null, 'alerting');

    const phoneMedia = await phone.answer(invitation);
    await callWhere(emu.calls, id, (c) => c.state === 'talking', 'talking');
    expect(stateOf(emu.store, 'a')).toBe('talking');
    // Media counters change without call events: poll them, bounded.
    const talking = await waitFor(
      () => {
        const record = emu.calls.call(id)!;
        const both =
          (record.media?.packetsReceived ?? 0) > 50 && phoneMedia.stats().packetsReceived > 50;
        return both && record;
      },
      'a second of audio each way',
      10_000,
      50,
    );
    expect(talking.media!.receivedLevel).toBeGreaterThan(0.1);
    // Each side hears the other's tone: the customer's 440 Hz, the phone's 660 Hz.
    expect(toneHz(phoneMedia.receivedSamples())).toBeCloseTo(440, -1);

    await invitation.bye();
    const call = await ended(emu.calls, id);
    expect(call).toMatchObject({ outcome: 'agent-hung-up', agent: 'a' });
    expect(call.media!.packetsSent).toBeGreaterThan(50);
    expect(call.media!.packetsReceived).toBeGreaterThan(50);
    expect(stateOf(emu.store, 'a')).toBe('idle');
    console.info(
      `[calls] customer sent ${call.media!.packetsSent}, received ${call.media!.packetsReceived}; ` +
        `phone received ${phoneMedia.stats().packetsReceived} (${toneHz(phoneMedia.receivedSamples()).toFixed(0)} Hz)`,
    );
  });

  it('records a reject (486) and frees the agent', async () => {
    const id = emu.calls.queueCall({ skill: 'sales', reserveState: 'busy/after-reject' });
    const invitation = await next();
    await invitation.reject({ statusCode: 486 });
    expect(await ended(emu.calls, id)).toMatchObject({
      outcome: 'rejected',
      detail: '486 Busy Here',
    });
    expect(stateOf(emu.store, 'a')).toBe('busy/after-reject');
  });

  it('CANCELs after the ring timeout', async () => {
    const id = emu.calls.queueCall({ skill: 'sales', ringTimeoutSec: 0.3 });
    const invitation = await next();
    await untilSession(invitation, SessionState.Terminated, 'cancelled');
    expect(await ended(emu.calls, id)).toMatchObject({ outcome: 'missed-timeout' });
    expect(stateOf(emu.store, 'a')).toBe('idle');
  });

  it('sends BYE when the customer hangs up after talking', async () => {
    const id = emu.calls.queueCall({
      skill: 'sales',
      customer: { kind: 'hang-up-after', talkSec: 0.3 },
    });
    const invitation = await next();
    await phone.answer(invitation);
    await untilSession(invitation, SessionState.Terminated, 'hung up by the customer');
    expect(await ended(emu.calls, id)).toMatchObject({ outcome: 'customer-hung-up' });
    expect(stateOf(emu.store, 'a')).toBe('idle');
  });

  it('hangs the call up (BYE) before a forced logout completes', async () => {
    const id = emu.calls.queueCall({ skill: 'sales' });
    const invitation: Invitation = await next();
    await phone.answer(invitation);
    await callWhere(emu.calls, id, (c) => c.state === 'talking', 'talking');
    expect((await emu.store.logout('a', true)).code).toBe('000000');
    expect(invitation.state).toBe(SessionState.Terminated);
    expect(emu.calls.call(id)).toMatchObject({ state: 'ended', outcome: 'agent-logged-out' });
  });
});

describe('an extension registered without a SIP connection', () => {
  it('is unreachable: the call fails and the agent is free again', async () => {
    const emu = await startEmulator({
      port: 0,
      auth: null,
      log: () => {},
      embeddedSip: { domain: DOMAIN },
    });
    try {
      const extension = DEMO_EXTENSIONS[2]!.id;
      emu.store.setRegistration(extension, 'sip:ghost@127.0.0.1', null); // as the control does
      await login(emu, 'c', extension);
      const call = await ended(emu.calls, emu.calls.queueCall({ skill: 'sales' }));
      expect(call).toMatchObject({ outcome: 'failed', detail: 'extension holds no registration' });
      expect(stateOf(emu.store, 'c')).toBe('idle');
    } finally {
      await emu.close();
    }
  });
});

describe('a phone whose connection drops while ringing', () => {
  it('fails the call and frees the agent', async () => {
    const { emu, phone, extension } = await startWithAgent(1, 'b');
    try {
      await login(emu, 'b', extension);
      const id = emu.calls.queueCall({ skill: 'sales' });
      await phone.invitation(0);
      for (const connection of emu.sip!.connections()) connection.drop();
      const call = await ended(emu.calls, id, 5000);
      expect(call).toMatchObject({ outcome: 'failed', detail: "the agent's connection closed" });
      expect(stateOf(emu.store, 'b')).toBe('idle');
      expect(emu.store.agentStatus('b')?.extensionRegistered).toBe(false);
    } finally {
      await phone.close();
      await emu.close();
    }
  });
});
