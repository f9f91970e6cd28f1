/**
 * Conformance, docs/platform-api/agent-api.md §3–§4 over HTTP with signatures on: changing an agent's extension,
 * state and skills — the rules, the platform document's examples, and every refusal.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest();
});
afterAll(() => emu.close());
beforeEach(() => login(emu, 'a1', EXT[0]));
afterEach(async () => {
  await control(emu, 'reset', {});
});

const agent = async (name = 'a1') =>
  (await call(emu, 'GET', `/callcenter/agent/${name}`)).json.data as {
    state: string;
    extension: string;
    skills: { name: string; score: number; enabled: boolean }[];
  };
const post = (path: string, body: unknown, raw?: string) =>
  code(call(emu, 'POST', `/callcenter/agent/${path}`, body, raw === undefined ? {} : { raw }));

describe('set extension POST /callcenter/agent/{name}/extension', () => {
  it('moves the agent to another extension and releases the old one', async () => {
    expect(await post('a1/extension', { id: EXT[1] })).toBe('000000');
    expect((await agent()).extension).toBe(EXT[1]);
    await login(emu, 'a2', EXT[0]); // the old extension is free again
    expect(await post('a2/extension', { id: EXT[1] })).toBe('040102');
  });

  it('succeeds when the extension is already the agent’s', async () => {
    expect(await post('a1/extension', { id: EXT[0] })).toBe('000000');
    expect((await agent()).extension).toBe(EXT[0]);
  });

  it.each([
    ['blank id', { id: ' ' }, '000001'],
    ['missing id', {}, '000001'],
    ['numeric id', { id: 5 }, '000001'],
    ['unknown extension', { id: 'nope' }, '040103'],
  ])('%s → %s', async (_what, body, expected) => {
    expect(await post('a1/extension', body)).toBe(expected);
    expect((await agent()).extension).toBe(EXT[0]);
  });

  it('answers 040202 for an unknown agent (after checking the body)', async () => {
    expect(await post('nobody/extension', { id: EXT[1] })).toBe('040202');
    expect(await post('nobody/extension', { id: '' })).toBe('000001');
  });
});

describe('set state POST /callcenter/agent/{name}/state', () => {
  it('goes from online to idle, busy and away, and never back to online', async () => {
    expect((await agent()).state).toBe('online');
    for (const state of ['idle', 'busy', 'away', 'busy/打印文件', 'idle']) {
      expect(await post('a1/state', { state })).toBe('000000');
      expect((await agent()).state).toBe(state);
    }
    expect(await post('a1/state', { state: 'online' })).toBe('000001');
    expect((await agent()).state).toBe('idle');
  });

  it.each([
    'busy/打印文件',
    'away/drinking',
    'busy/维修单录入/加急',
    'away/a.b-c_d e',
    `away/${'x'.repeat(256)}`,
    `busy/${'长'.repeat(256)}`,
  ])('accepts the reason in %s', async (state) => {
    expect(await post('a1/state', { state })).toBe('000000');
    expect((await agent()).state).toBe(state);
  });

  it.each([
    ['online', 'online'],
    ['fetching', 'fetching'],
    ['talking', 'talking'],
    ['talking with reason', 'talking/x'],
    ['idle with a reason', 'idle/x'],
    ['empty reason', 'busy/'],
    ['empty middle level', 'busy//a'],
    ['trailing slash', 'away/a/'],
    ['257-char reason', `away/${'x'.repeat(257)}`],
    ['NUL in reason', 'busy/a\u0000b'],
    ['wrong case', 'Idle'],
    ['leading space', ' idle'],
    ['unknown base', 'lunch'],
    ['empty', ''],
  ])('refuses %s with 000001', async (_what, state) => {
    expect(await post('a1/state', { state: 'busy/before' })).toBe('000000');
    expect(await post('a1/state', { state })).toBe('000001');
    expect((await agent()).state).toBe('busy/before');
  });

  it.each([
    ['missing state', {}],
    ['numeric state', { state: 1 }],
    ['null state', { state: null }],
  ])('refuses %s with 000001', async (_what, body) => {
    expect(await post('a1/state', body)).toBe('000001');
  });

  it('refuses any change while fetching or talking (040203)', async () => {
    for (const callState of ['fetching', 'talking/客户']) {
      emu.store.forceState('a1', callState);
      for (const state of ['idle', 'busy', 'away/x']) {
        expect(await post('a1/state', { state })).toBe('040203');
      }
      expect((await agent()).state).toBe(callState);
    }
  });

  it('answers 040202 for an unknown agent', async () => {
    expect(await post('nobody/state', { state: 'idle' })).toBe('040202');
  });
});

describe('skills POST /callcenter/agent/{name}/skills', () => {
  const skills = async () => (await agent()).skills;
  const ops = (opts: unknown) => post('a1/skills', { opts });

  beforeEach(async () => {
    expect(
      await ops([
        { opt: 1, name: '投诉', score: 80, enabled: true },
        { opt: 1, name: '洗衣机', score: 70, enabled: true },
      ]),
    ).toBe('000000');
  });

  it("applies the platform document's four examples in order", async () => {
    // "投诉" to 95, then delete "洗衣机"
    await ops([
      { opt: 1, name: '投诉', score: 95, enabled: true },
      { opt: 2, name: '洗衣机' },
    ]);
    expect(await skills()).toEqual([{ name: '投诉', score: 95, enabled: true }]);
    // disable "投诉": the score stays
    await ops([{ opt: 1, name: '投诉', enabled: false }]);
    expect(await skills()).toEqual([{ name: '投诉', score: 95, enabled: false }]);
    // clear, then add "投诉" at 60
    await ops([{ opt: 0 }, { opt: 1, name: '投诉', score: 60, enabled: true }]);
    expect(await skills()).toEqual([{ name: '投诉', score: 60, enabled: true }]);
    // delete all
    expect(await ops([{ opt: 0 }])).toBe('000000');
    expect(await skills()).toEqual([]);
  });

  it("accepts the document's request example (deleting a skill it lacks is no harm)", async () => {
    expect(
      await post(
        'a1/skills',
        null,
        '{"opts": [{"opt": 2, "name": "手机"}, {"opt": 1, "name": "投诉", "score": 50, "enabled": true}]}',
      ),
    ).toBe('000000');
    expect(await skills()).toContainEqual({ name: '投诉', score: 50, enabled: true });
  });

  it('counts deleting a skill the agent lacks as an op, on its own too', async () => {
    expect(await ops([{ opt: 2, name: 'absent' }])).toBe('000000');
    expect(await skills()).toHaveLength(2);
  });

  it('skips op 1/2 without a name and applies the rest', async () => {
    expect(
      await ops([
        { opt: 1, score: 3 },
        { opt: 2, name: null },
        { opt: 2, name: '洗衣机' },
        { opt: 1, name: '' },
      ]),
    ).toBe('000000');
    expect(await skills()).toEqual([{ name: '投诉', score: 80, enabled: true }]);
  });

  it('gives a new skill score 0 and enabled false unless told', async () => {
    await ops([{ opt: 1, name: '新' }]);
    expect(await skills()).toContainEqual({ name: '新', score: 0, enabled: false });
  });

  it('skips unknown opt values', async () => {
    expect(
      await ops([
        { opt: 7, name: 'x' },
        { opt: 2, name: '洗衣机' },
      ]),
    ).toBe('000000');
    expect(await skills()).toEqual([{ name: '投诉', score: 80, enabled: true }]);
  });

  it.each([
    ['empty opts', { opts: [] }, '000001'],
    ['missing opts', {}, '000001'],
    ['opts not an array', { opts: { opt: 0 } }, '000001'],
    ['only unknown ops', { opts: [{ opt: 9 }] }, '000001'],
    ['only nameless ops', { opts: [{ opt: 1, score: 3 }, { opt: 2 }] }, '000001'],
    ['opt as text', { opts: [{ opt: '1', name: 'x' }] }, '000001'],
    ['fractional opt', { opts: [{ opt: 1.5, name: 'x' }] }, '000001'],
    ['score as text', { opts: [{ opt: 1, name: 'x', score: 'high' }] }, '000001'],
    ['an op that is not an object', { opts: [1] }, '000001'],
    ['null opt', { opts: [{ opt: null, name: 'x' }] }, '000002'],
    ['missing opt', { opts: [{ name: 'x' }] }, '000002'],
    ['null op', { opts: [null] }, '000002'],
    ['a bad op after a good one', { opts: [{ opt: 0 }, { opt: null }] }, '000002'],
  ])('refuses %s with %s and changes nothing', async (_what, body, expected) => {
    const before = await skills();
    expect(await post('a1/skills', body)).toBe(expected);
    expect(await skills()).toEqual(before);
  });

  it('answers 040202 for an unknown agent', async () => {
    expect(await post('nobody/skills', { opts: [{ opt: 0 }] })).toBe('040202');
  });
});
