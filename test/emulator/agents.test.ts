/**
 * Conformance, docs/platform-api/agent-api.md §3 over HTTP with signatures on: login, logout, keepalive, get and
 * list — every code each can answer, at the moment the document says.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_MESSAGES } from '../../src/shared/domain/errors';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

const clock = { t: Date.now(), offset: 0 };
let emu: TestEmulator;
const hungUp: string[] = [];

beforeAll(async () => {
  emu = await startTest({ keepaliveTimeoutSec: 60, now: () => Date.now() + clock.offset });
  emu.store.onForceHangup((name) => void hungUp.push(name));
});
afterAll(() => emu.close());
afterEach(async () => {
  await control(emu, 'reset', {});
  clock.offset = 0;
  hungUp.length = 0;
});

const agentPath = (name: string) => `/callcenter/agent/${encodeURIComponent(name)}`;
const getAgent = async (name: string) => (await call(emu, 'GET', agentPath(name))).json;
const tryLogin = (body: unknown) => code(call(emu, 'POST', '/callcenter/agent', body));

describe('login POST /callcenter/agent', () => {
  it('logs in with defaults: state online, num null, no skills', async () => {
    const reply = await call(emu, 'POST', '/callcenter/agent', { name: 'a1', extension: EXT[0] });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(reply.text)).toEqual({ code: '000000', msg: '请求成功', data: null });
    expect((await getAgent('a1')).data).toEqual({
      name: 'a1',
      num: null,
      state: 'online',
      extension: EXT[0],
      skills: [],
      subaccountId: null,
    });
  });

  it("accepts the platform document's own example and returns what was given", async () => {
    await login(emu, '1004', EXT[1], {
      num: '1002',
      state: 'away/drinking',
      skills: [
        { name: '投诉', score: 80, enabled: true },
        { name: '建议', score: 90, enabled: true },
      ],
    });
    expect((await getAgent('1004')).data).toMatchObject({
      name: '1004',
      num: '1002',
      state: 'away/drinking',
      extension: EXT[1],
      skills: [
        { name: '投诉', score: 80, enabled: true },
        { name: '建议', score: 90, enabled: true },
      ],
    });
  });

  it('fills skill defaults: missing score → 0, missing enabled → false', async () => {
    await login(emu, 'a1', EXT[0], { skills: [{ name: 'x' }, { name: 'y', score: 5 }] });
    expect((await getAgent('a1')).data).toMatchObject({
      skills: [
        { name: 'x', score: 0, enabled: false },
        { name: 'y', score: 5, enabled: false },
      ],
    });
  });

  it.each([
    ['missing name', { extension: EXT[0] }],
    ['empty name', { name: '', extension: EXT[0] }],
    ['33-char name', { name: 'a'.repeat(33), extension: EXT[0] }],
    ['dash in name', { name: 'a-b', extension: EXT[0] }],
    ['non-ASCII name', { name: '张三', extension: EXT[0] }],
    ['space in name', { name: 'a b', extension: EXT[0] }],
    ['numeric name', { name: 1004, extension: EXT[0] }],
    ['missing extension', { name: 'a1' }],
    ['blank extension', { name: 'a1', extension: '  ' }],
    ['numeric num', { name: 'a1', extension: EXT[0], num: 1002 }],
    ['skills not an array', { name: 'a1', extension: EXT[0], skills: {} }],
    ['skill without name', { name: 'a1', extension: EXT[0], skills: [{ score: 1 }] }],
    ['skill with blank name', { name: 'a1', extension: EXT[0], skills: [{ name: ' ' }] }],
    ['skill score as text', { name: 'a1', extension: EXT[0], skills: [{ name: 'x', score: '1' }] }],
    ['body is an array', [{ name: 'a1', extension: EXT[0] }]],
    ['body is null', null],
  ])('refuses %s with 000001', async (_what, body) => {
    expect(await tryLogin(body)).toBe('000001');
    expect((await control(emu, 'state')).json.agents).toEqual([]);
  });

  it('accepts a 32-char name of letters, digits and underscores', async () => {
    expect(await tryLogin({ name: 'Ab_9'.repeat(8), extension: EXT[0] })).toBe('000000');
  });

  it.each(['online', 'idle', 'busy', 'away', 'busy/打印文件', 'away/午餐/外出'])(
    'accepts initial state %s',
    async (state) => {
      expect(await tryLogin({ name: 's1', extension: EXT[0], state })).toBe('000000');
      expect((await getAgent('s1')).data).toMatchObject({ state });
    },
  );

  it.each(['fetching', 'talking', 'talking/x', 'idle/x', 'online/x', 'busy/', 'Busy', '', 'x'])(
    'refuses initial state "%s" with 000001',
    async (state) => {
      expect(await tryLogin({ name: 's1', extension: EXT[0], state })).toBe('000001');
    },
  );

  it('answers 040103 for an unknown extension and 040102 for one bound to another agent', async () => {
    expect(await tryLogin({ name: 'a1', extension: 'no-such-extension' })).toBe('040103');
    await login(emu, 'a1', EXT[0]);
    expect(await tryLogin({ name: 'a2', extension: EXT[0] })).toBe('040102');
  });

  it('answers 040201 while the keepalive is fresh, and replaces the login after expiry', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle', num: '1' });
    clock.offset = 59_000;
    expect(await tryLogin({ name: 'a1', extension: EXT[0] })).toBe('040201');
    clock.offset = 60_000; // the timeout (60 s) has passed: offline
    const dump = (await control(emu, 'state')).json as { agents: { fresh: boolean }[] };
    expect(dump.agents[0]!.fresh).toBe(false);
    // The replacing login may use another extension: the old one is released with the old login.
    expect(await tryLogin({ name: 'a1', extension: EXT[1], num: '2' })).toBe('000000');
    expect((await getAgent('a1')).data).toMatchObject({
      num: '2',
      state: 'online',
      extension: EXT[1],
    });
    expect(await tryLogin({ name: 'a2', extension: EXT[0] })).toBe('000000');
  });
});

describe('logout DELETE /callcenter/agent/{name}', () => {
  it('logs out, releases the extension, then the agent is unknown (040202)', async () => {
    await login(emu, 'a1', EXT[0]);
    expect(await code(call(emu, 'DELETE', agentPath('a1')))).toBe('000000');
    expect((await getAgent('a1')).code).toBe('040202');
    expect(await code(call(emu, 'DELETE', agentPath('a1')))).toBe('040202');
    expect(await tryLogin({ name: 'a2', extension: EXT[0] })).toBe('000000');
  });

  it.each(['fetching', 'talking/x'])(
    'refuses while %s (040203) unless force=true, which hangs up first',
    async (state) => {
      await login(emu, 'a1', EXT[0], { state: 'idle' });
      emu.store.forceState('a1', state);
      expect(await code(call(emu, 'DELETE', agentPath('a1')))).toBe('040203');
      expect(await code(call(emu, 'DELETE', `${agentPath('a1')}?force=false`))).toBe('040203');
      expect(hungUp).toEqual([]);
      expect(await code(call(emu, 'DELETE', `${agentPath('a1')}?force=true`))).toBe('000000');
      expect(hungUp).toEqual(['a1']);
      expect((await getAgent('a1')).code).toBe('040202');
    },
  );

  it('logs out an idle agent with force=true without hanging anything up', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    expect(await code(call(emu, 'DELETE', `${agentPath('a1')}?force=true`))).toBe('000000');
    expect(hungUp).toEqual([]);
  });

  it('refuses a force value that is not a boolean (000001)', async () => {
    await login(emu, 'a1', EXT[0]);
    expect(await code(call(emu, 'DELETE', `${agentPath('a1')}?force=maybe`))).toBe('000001');
    expect((await getAgent('a1')).code).toBe('000000');
  });
});

describe('keepalive GET /callcenter/agent/{name}/keepalive', () => {
  it('answers 040202 for an unknown agent', async () => {
    expect(await code(call(emu, 'GET', `${agentPath('nobody')}/keepalive`))).toBe('040202');
  });

  it('keeps an agent fresh past the timeout, and brings an offline one back', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    for (const offset of [40_000, 80_000, 120_000]) {
      clock.offset = offset;
      expect(await code(call(emu, 'GET', `${agentPath('a1')}/keepalive`))).toBe('000000');
    }
    clock.offset = 175_000;
    expect(await tryLogin({ name: 'a1', extension: EXT[0] })).toBe('040201');
    clock.offset = 181_000; // 61 s after the last keepalive: offline, not routable
    const dump = (await control(emu, 'state')).json as {
      agents: { fresh: boolean; routable: boolean }[];
    };
    expect(dump.agents[0]).toMatchObject({ fresh: false, routable: false });
    expect(await code(call(emu, 'GET', `${agentPath('a1')}/keepalive`))).toBe('000000');
    expect(await tryLogin({ name: 'a1', extension: EXT[0] })).toBe('040201');
  });
});

describe('get and list', () => {
  it('GET one answers 040202 for an unknown agent, with data null and the platform msg', async () => {
    const reply = await call(emu, 'GET', agentPath('nobody'));
    expect(JSON.parse(reply.text)).toEqual({
      code: '040202',
      msg: PLATFORM_MESSAGES['040202'],
      data: null,
    });
  });

  it('lists with the platform defaults (pageNo 1, pageSize 20), newest login first', async () => {
    await login(emu, 'first', EXT[0]);
    await login(emu, 'second', EXT[1]);
    const reply = await call(emu, 'GET', '/callcenter/agent');
    expect(reply.json.data).toMatchObject({
      pageSize: 20,
      startIndex: 1,
      totalCount: 2,
      totalPageCount: 1,
      currentPageNo: 1,
    });
    const names = (reply.json.data as { result: { name: string }[] }).result.map((a) => a.name);
    expect(names).toEqual(['second', 'first']);
  });

  it('lists an empty platform as zero pages', async () => {
    expect((await call(emu, 'GET', '/callcenter/agent?pageNo=3&pageSize=5')).json.data).toEqual({
      pageSize: 5,
      startIndex: 11,
      totalCount: 0,
      totalPageCount: 0,
      currentPageNo: 3,
      result: [],
    });
  });

  it.each([
    ['pageSize=1001', '000002'],
    ['pageSize=5000', '000002'],
    ['pageSize=1000', '000000'],
    ['pageSize=0', '000001'],
    ['pageNo=0', '000001'],
    ['pageNo=-1', '000001'],
    ['pageNo=abc', '000001'],
    ['pageSize=1.5', '000001'],
    ['pageSize=%2B5', '000001'],
    ['pageNo=99999999999', '000001'],
    ['pageNo=1&pageNo=2', '000001'],
    ['pageNo=&pageSize=', '000000'],
  ])('?%s → %s', async (query, expected) => {
    expect(await code(call(emu, 'GET', `/callcenter/agent?${query}`))).toBe(expected);
  });

  it('pages by startIndex = (pageNo-1)*pageSize+1 and totalPageCount = ceil(total/pageSize)', async () => {
    const total = 23;
    for (let i = 0; i < total; i++) {
      const user = String(700000 + i);
      const ext = await call(emu, 'POST', '/callcenter/extension', {
        type: 1,
        user,
        password: 'pw' + user,
      });
      await login(emu, `p${i}`, (ext.json.data as { id: string }).id);
    }
    const everyone = Array.from({ length: total }, (_, i) => `p${total - 1 - i}`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 30 }),
        async (no, size) => {
          const reply = await call(emu, 'GET', `/callcenter/agent?pageNo=${no}&pageSize=${size}`);
          const page = reply.json.data as {
            startIndex: number;
            totalPageCount: number;
            totalCount: number;
            currentPageNo: number;
            pageSize: number;
            result: { name: string }[];
          };
          expect(page.startIndex).toBe((no - 1) * size + 1);
          expect(page.totalPageCount).toBe(Math.ceil(total / size));
          expect(page).toMatchObject({ totalCount: total, currentPageNo: no, pageSize: size });
          const start = (no - 1) * size;
          expect(page.result.map((a) => a.name)).toEqual(everyone.slice(start, start + size));
        },
      ),
      { numRuns: 30 },
    );
  });
});
