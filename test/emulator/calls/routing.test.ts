/**
 * Who gets a queued call (docs/platform-api/agent-api.md §4, §6): only routable agents with the skill enabled;
 * highest score, then idle longest; calls wait until someone qualifies and are offered the
 * moment one does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addAgent, callWhere, rig, stateOf, type Rig } from './call-doubles';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

const ringing = (id: string) => callWhere(r.center, id, (c) => c.state === 'ringing', 'ringing');

describe('choosing the agent', () => {
  it('offers the call to the agent with the higher score for the skill', async () => {
    r = rig();
    await addAgent(r.store, {
      name: 'low',
      ext: 0,
      skills: [{ name: 'sales', score: 3, enabled: true }],
    });
    await addAgent(r.store, {
      name: 'high',
      ext: 1,
      skills: [{ name: 'sales', score: 9, enabled: true }],
    });
    const id = r.center.queueCall({ skill: 'sales' });
    const call = await ringing(id);
    expect(call.agent).toBe('high');
    expect(stateOf(r.store, 'high')).toBe('fetching');
    expect(stateOf(r.store, 'low')).toBe('idle');
    const leg = await r.placer.leg(0);
    expect(leg.request).toMatchObject({
      callId: id,
      extensionId: call.extension,
      offerSdp: 'v=0 offer',
    });
    expect(leg.request.from.user).toBe(call.caller);
  });

  it('ignores a disabled skill and a skill of another name, whatever the score', async () => {
    r = rig();
    await addAgent(r.store, {
      name: 'disabled',
      ext: 0,
      skills: [{ name: 'sales', score: 99, enabled: false }],
    });
    await addAgent(r.store, {
      name: 'other',
      ext: 1,
      skills: [{ name: 'support', score: 99, enabled: true }],
    });
    await addAgent(r.store, {
      name: 'able',
      ext: 2,
      skills: [{ name: 'sales', score: 1, enabled: true }],
    });
    const call = await ringing(r.center.queueCall({ skill: 'sales' }));
    expect(call.agent).toBe('able');
  });

  it('on equal scores picks the agent idle longest', async () => {
    r = rig();
    await addAgent(r.store, { name: 'first', ext: 0, state: 'busy' });
    await addAgent(r.store, { name: 'second', ext: 1, state: 'busy' });
    r.store.setState('second', 'idle');
    r.advance(5000);
    r.store.setState('first', 'idle'); // logged in earlier, but idle for less time
    const call = await ringing(r.center.queueCall({ skill: 'sales' }));
    expect(call.agent).toBe('second');
  });

  it.each([
    ['busy', { state: 'busy' }],
    ['away with a reason', { state: 'away/lunch' }],
    ['online (nothing chosen yet)', { state: 'online' }],
    ['unregistered', { registered: false }],
  ])('skips an agent who is %s and keeps the call waiting', async (_what, spec) => {
    r = rig();
    await addAgent(r.store, {
      name: 'skipped',
      ext: 0,
      skills: [{ name: 'sales', score: 99, enabled: true }],
      ...spec,
    });
    const id = r.center.queueCall({ skill: 'sales' });
    expect(r.center.call(id)).toMatchObject({ state: 'queued', agent: null });
    expect(r.placer.legs).toHaveLength(0);
    expect(stateOf(r.store, 'skipped')).not.toBe('fetching');
  });

  it('skips an agent whose keepalive went stale, and offers the call when it comes back', async () => {
    r = rig();
    await addAgent(r.store, { name: 'stale', ext: 0 });
    r.store.expire('stale');
    const id = r.center.queueCall({ skill: 'sales' });
    expect(r.center.call(id)?.state).toBe('queued');
    r.store.keepalive('stale'); // revives it: the store announces that
    expect((await ringing(id)).agent).toBe('stale');
  });
});

describe('offering waiting calls', () => {
  it('offers a waiting call the moment an agent becomes exactly idle', async () => {
    r = rig();
    await addAgent(r.store, { name: 'a', ext: 0, state: 'busy' });
    const id = r.center.queueCall({ skill: 'sales' });
    expect(r.center.call(id)?.state).toBe('queued');
    r.store.setState('a', 'idle');
    expect(r.center.call(id)).toMatchObject({ state: 'ringing', agent: 'a' }); // synchronously
  });

  it('offers a waiting call when the agent registers or gains the skill', async () => {
    r = rig();
    await addAgent(r.store, { name: 'a', ext: 0, registered: false, skills: [] });
    const id = r.center.queueCall({ skill: 'sales' });
    r.store.setRegistration(r.store.agentStatus('a')!.extension, 'sip:a@127.0.0.1', null);
    expect(r.center.call(id)?.state).toBe('queued');
    r.store.updateSkills('a', [{ opt: 1, name: 'sales', score: 1, enabled: true }]);
    expect(r.center.call(id)).toMatchObject({ state: 'ringing', agent: 'a' });
  });

  it('gives each free agent one call, in queue order, and the next one when an agent frees', async () => {
    r = rig();
    await addAgent(r.store, { name: 'a', ext: 0 });
    const first = r.center.queueCall({ skill: 'sales' });
    const second = r.center.queueCall({ skill: 'sales' });
    expect(r.center.call(first)?.state).toBe('ringing');
    expect(r.center.call(second)?.state).toBe('queued');
    const leg = await r.placer.leg(0);
    leg.end('rejected', '486 Busy Here');
    await callWhere(r.center, first, (c) => c.state === 'ended', 'to end');
    // Offered at once: no store event, no timer in between.
    expect(r.center.call(second)).toMatchObject({ state: 'ringing', agent: 'a' });
    expect(stateOf(r.store, 'a')).toBe('fetching');
    expect((await r.placer.leg(1)).request.callId).toBe(second);
  });

  it('does not let a call for a skill nobody has block the calls behind it', async () => {
    r = rig();
    await addAgent(r.store, { name: 'a', ext: 0 });
    const orphan = r.center.queueCall({ skill: 'nobody-has-it' });
    const sales = r.center.queueCall({ skill: 'sales' });
    expect(r.center.call(orphan)?.state).toBe('queued');
    expect(r.center.call(sales)?.state).toBe('ringing');
  });
});
