/**
 * The "Redis lost" control: the real platform keeps an agent's state and extension in Redis, and
 * after a Redis restart or eviction answers the agent row with `state: null, extension: null`
 * (agent-api.zh.md, 响应单个). Such an agent keeps its login and keepalive but is offered no
 * calls until a state change and an extension change set them again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest({ auth: null });
});
afterAll(() => emu.close());
afterEach(async () => {
  await control(emu, 'reset', {});
});

const agentWire = async () => (await call(emu, 'GET', '/callcenter/agent/a1')).json.data;
const dumped = async () =>
  ((await control(emu, 'state')).json.agents as Record<string, unknown>[]).find(
    (a) => a.name === 'a1',
  )!;

describe('an agent whose state and extension the platform lost', () => {
  it('is answered with null state and extension, and is not routable', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    await control(emu, `extensions/${EXT[0]}/registration`, { contact: 'sip:x@127.0.0.1' });
    expect(await dumped()).toMatchObject({ routable: true });
    expect((await control(emu, 'agents/a1/forget', {})).json).toEqual({ ok: true });
    expect(await agentWire()).toMatchObject({ name: 'a1', state: null, extension: null });
    const page = (await call(emu, 'GET', '/callcenter/agent?pageNo=1&pageSize=20')).json.data as {
      result: unknown[];
    };
    expect(page.result[0]).toMatchObject({ state: null, extension: null });
    expect(await dumped()).toMatchObject({ state: null, extension: null, routable: false });
    // The login lives on: keepalive answers, a second login is refused.
    expect(await code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'))).toBe('000000');
    expect(
      await code(call(emu, 'POST', '/callcenter/agent', { name: 'a1', extension: EXT[0] })),
    ).toBe('040201');
  });

  it('gets them back from a state change and an extension change', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    await control(emu, `extensions/${EXT[0]}/registration`, { contact: 'sip:x@127.0.0.1' });
    await control(emu, 'agents/a1/forget', {});
    expect(await code(call(emu, 'POST', '/callcenter/agent/a1/state', { state: 'idle' }))).toBe(
      '000000',
    );
    expect(await agentWire()).toMatchObject({ state: 'idle', extension: null });
    expect(await dumped()).toMatchObject({ routable: false });
    expect(await code(call(emu, 'POST', '/callcenter/agent/a1/extension', { id: EXT[0] }))).toBe(
      '000000',
    );
    expect(await agentWire()).toMatchObject({ state: 'idle', extension: EXT[0] });
    expect(await dumped()).toMatchObject({ routable: true });
  });

  it('logs out as usual; unknown agents are 404', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    await control(emu, 'agents/a1/forget', {});
    expect(await code(call(emu, 'DELETE', '/callcenter/agent/a1?force=false'))).toBe('000000');
    expect((await control(emu, 'agents/a1/forget', {})).status).toBe(404);
    await login(emu, 'a1', EXT[0], { state: 'busy' });
    expect(await agentWire()).toMatchObject({ state: 'busy', extension: EXT[0] });
  });
});
