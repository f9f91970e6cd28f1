/** The call controls under /emulator/calls on a running emulator: happy paths and bad input. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, control, EXT, startTest, type TestEmulator } from '../helpers';
import { ended } from './call-doubles';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest({ auth: null });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await control(emu, 'reset', {});
});

async function raw(method: string, path: string, body?: string) {
  const res = await fetch(`${emu.origin}/emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // plain-text refusals
  }
  return { status: res.status, text, json };
}

describe('POST /emulator/calls', () => {
  it('queues a call and lists it; the customer can hang up once', async () => {
    const queued = await control(emu, 'calls', {
      skill: 'sales',
      ringTimeoutSec: 20,
      reserveState: 'busy/after-call',
      customer: { kind: 'hang-up-after', talkSec: 30 },
      caller: '13900001111',
    });
    expect(queued.status).toBe(200);
    const id = queued.json.id as string;
    expect(id).toMatch(/^call-\d+$/);

    const one = await control(emu, `calls/${id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      id,
      skill: 'sales',
      caller: '13900001111',
      ringTimeoutSec: 20,
      reserveState: 'busy/after-call',
      customer: { kind: 'hang-up-after', talkSec: 30 },
      state: 'queued',
      outcome: null,
      agent: null,
      media: null,
    });
    const list = await control(emu, 'calls');
    expect((list.json.calls as Array<{ id: string }>).map((c) => c.id)).toEqual([id]);

    expect((await raw('POST', `calls/${id}/hangup`)).status).toBe(200);
    expect((await control(emu, `calls/${id}`)).json).toMatchObject({
      state: 'ended',
      outcome: 'caller-gave-up',
    });
    const again = await raw('POST', `calls/${id}/hangup`);
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/already ended/);
  });

  it('applies the defaults (45 s, idle, wait-for-agent, a generated caller)', async () => {
    const { json } = await control(emu, 'calls', { skill: 'sales' });
    expect((await control(emu, `calls/${json.id as string}`)).json).toMatchObject({
      ringTimeoutSec: 45,
      reserveState: 'idle',
      customer: { kind: 'wait-for-agent' },
      caller: expect.stringMatching(/^138\d{8}$/),
    });
  });

  it('rings a routable agent, and without a SIP side fails the leg and frees the agent', async () => {
    await control(emu, `extensions/${EXT[0]}/registration`, { contact: 'sip:a@127.0.0.1' });
    const login = await call(emu, 'POST', '/callcenter/agent', {
      name: 'a',
      extension: EXT[0],
      state: 'idle',
      skills: [{ name: 'sales', score: 1, enabled: true }],
    });
    expect(login.json.code).toBe('000000');
    const { json } = await control(emu, 'calls', { skill: 'sales' });
    const id = json.id as string;
    expect(await ended(emu.calls, id)).toMatchObject({
      agent: 'a',
      extension: EXT[0],
      outcome: 'failed',
    });
    expect((await call(emu, 'GET', '/callcenter/agent/a')).json.data).toMatchObject({
      state: 'idle',
    });
  });

  it('forgets every call on POST /emulator/reset', async () => {
    await control(emu, 'calls', { skill: 'sales' });
    await control(emu, 'reset', {});
    expect((await control(emu, 'calls')).json.calls).toEqual([]);
  });

  it.each([
    ['not JSON', '{skill:', /not JSON/],
    ['an array', '[]', /body/],
    ['no skill', '{}', /skill/],
    ['a blank skill', '{"skill":"  "}', /skill: must not be blank/],
    ['an unknown key', '{"skill":"s","priority":1}', /priority/],
    ['a zero ring timeout', '{"skill":"s","ringTimeoutSec":0}', /ringTimeoutSec/],
    ['a ring timeout as text', '{"skill":"s","ringTimeoutSec":"45"}', /ringTimeoutSec/],
    [
      'a call state as reserve state',
      '{"skill":"s","reserveState":"talking"}',
      /reserveState: must be idle/,
    ],
    ['an unknown customer', '{"skill":"s","customer":{"kind":"sings"}}', /customer/],
    [
      'a customer without talkSec',
      '{"skill":"s","customer":{"kind":"hang-up-after"}}',
      /customer.talkSec/,
    ],
    [
      'a negative give-up time',
      '{"skill":"s","customer":{"kind":"give-up-ringing","afterSec":-1}}',
      /afterSec/,
    ],
    ['a caller SIP cannot carry', '{"skill":"s","caller":"<sip:x>"}', /caller/],
  ])('answers 400 naming the problem for %s', async (_what, body, message) => {
    const res = await raw('POST', 'calls', body);
    expect(res.status).toBe(400);
    expect(res.json.ok).toBe(false);
    expect(res.json.error).toMatch(message);
    expect((await control(emu, 'calls')).json.calls).toEqual([]);
  });
});

describe('other /emulator/calls paths', () => {
  it.each([
    ['GET', 'calls/call-404', 404],
    ['POST', 'calls/call-404/hangup', 404],
    ['DELETE', 'calls', 405],
    ['POST', 'calls/call-1', 405],
    ['GET', 'calls/call-1/hangup', 405],
    ['POST', 'calls/call-1/transfer', 404],
    ['POST', 'calls/call-1/hangup/now', 404],
  ])('%s /emulator/%s → %i', async (method, path, status) => {
    const res = await raw(method, path, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(status);
  });

  it('shows 405 with Allow', async () => {
    const res = await fetch(`${emu.origin}/emulator/calls`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
