/**
 * Conformance, docs/platform-api/agent-api.md §5 over HTTP with signatures on: creating, reading, listing and
 * deleting extensions, and how they bind to agents.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest();
});
afterAll(() => emu.close());
afterEach(async () => {
  await control(emu, 'reset', {});
});

const create = (body: unknown) => call(emu, 'POST', '/callcenter/extension', body);

describe('create POST /callcenter/extension', () => {
  it('creates a type-1 extension: id 32 hex, type "1", SIP user = app prefix + user', async () => {
    const reply = await create({ type: 1, user: '123456', password: 'abc123' });
    expect(reply.json.code).toBe('000000');
    const data = reply.json.data as { id: string };
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      type: '1',
      user: '10001123456',
      password: 'abc123',
      ipaddr: null,
      telnum: null,
    });
    expect((await call(emu, 'GET', `/callcenter/extension/${data.id}`)).json.data).toEqual(data);
    expect(emu.store.lookup('10001123456')).toEqual({
      extensionId: data.id,
      sipUser: '10001123456',
      password: 'abc123',
    });
  });

  it('accepts the boundaries: 12-digit user, 12-char password', async () => {
    expect(await code(create({ type: 1, user: '123456789012', password: 'Abcdef123456' }))).toBe(
      '000000',
    );
  });

  it.each([
    ['type 2', { type: 2, user: '123456', password: 'abc123' }],
    ['type 3', { type: 3, telnum: '13800000000' }],
    ['type as text', { type: '1', user: '123456', password: 'abc123' }],
    ['missing type', { user: '123456', password: 'abc123' }],
    ['5-digit user (the document example)', { type: 1, user: '78541', password: '123456' }],
    ['13-digit user', { type: 1, user: '1234567890123', password: 'abc123' }],
    ['letters in user', { type: 1, user: 'abc123', password: 'abc123' }],
    ['missing user', { type: 1, password: 'abc123' }],
    ['numeric user', { type: 1, user: 123456, password: 'abc123' }],
    ['5-char password', { type: 1, user: '123456', password: 'abc12' }],
    ['13-char password', { type: 1, user: '123456', password: 'abcdefghij123' }],
    ['symbol in password', { type: 1, user: '123456', password: 'abc!23' }],
    ['missing password', { type: 1, user: '123456' }],
    ['body is a list', [{ type: 1, user: '123456', password: 'abc123' }]],
  ])('refuses %s with 000001', async (_what, body) => {
    expect(await code(create(body))).toBe('000001');
    expect(emu.store.accounts()).toHaveLength(DEMO_EXTENSIONS.length);
  });

  it('refuses a SIP user that exists already (040101)', async () => {
    expect(await code(create({ type: 1, user: '800001', password: 'other1' }))).toBe('040101');
    expect(await code(create({ type: 1, user: '654321', password: 'abc123' }))).toBe('000000');
    expect(await code(create({ type: 1, user: '654321', password: 'xyz789' }))).toBe('040101');
  });
});

describe('get and list GET /callcenter/extension[/{id}]', () => {
  it('returns one demo extension with its SIP user and password', async () => {
    const demo = DEMO_EXTENSIONS[2]!;
    expect((await call(emu, 'GET', `/callcenter/extension/${demo.id}`)).json.data).toEqual({
      id: demo.id,
      type: '1',
      user: demo.sipUser,
      password: demo.password,
      ipaddr: null,
      telnum: null,
    });
  });

  it('answers 040103 for an unknown id', async () => {
    expect(await code(call(emu, 'GET', '/callcenter/extension/nope'))).toBe('040103');
  });

  it('lists in creation order with the paging math of the agent list', async () => {
    const all = await call(emu, 'GET', '/callcenter/extension');
    expect(all.json.data).toMatchObject({
      pageSize: 20,
      startIndex: 1,
      totalCount: 5,
      totalPageCount: 1,
      currentPageNo: 1,
    });
    const page = await call(emu, 'GET', '/callcenter/extension?pageNo=2&pageSize=2');
    expect(page.json.data).toMatchObject({ startIndex: 3, totalPageCount: 3, currentPageNo: 2 });
    const ids = (page.json.data as { result: { id: string }[] }).result.map((e) => e.id);
    expect(ids).toEqual([EXT[2], EXT[3]]);
  });

  it.each([
    ['pageSize=1001', '000002'],
    ['pageSize=0', '000001'],
    ['pageNo=x', '000001'],
  ])('?%s → %s', async (query, expected) => {
    expect(await code(call(emu, 'GET', `/callcenter/extension?${query}`))).toBe(expected);
  });
});

describe('delete DELETE /callcenter/extension/{id}', () => {
  it('refuses a bound extension (040102) and deletes it once the agent has logged out', async () => {
    await login(emu, 'a1', EXT[0]);
    expect(await code(call(emu, 'DELETE', `/callcenter/extension/${EXT[0]}`))).toBe('040102');
    await call(emu, 'DELETE', '/callcenter/agent/a1');
    expect(await code(call(emu, 'DELETE', `/callcenter/extension/${EXT[0]}`))).toBe('000000');
    expect(await code(call(emu, 'GET', `/callcenter/extension/${EXT[0]}`))).toBe('040103');
    expect(emu.store.lookup(DEMO_EXTENSIONS[0]!.sipUser)).toBeNull();
    // Its SIP user is free again.
    expect(await code(create({ type: 1, user: '800001', password: 'again1' }))).toBe('000000');
  });

  it('answers 040103 for an unknown id', async () => {
    expect(await code(call(emu, 'DELETE', '/callcenter/extension/nope'))).toBe('040103');
  });

  it('a deleted extension can no longer be bound (040103)', async () => {
    await call(emu, 'DELETE', `/callcenter/extension/${EXT[4]}`);
    const reply = await call(emu, 'POST', '/callcenter/agent', { name: 'a1', extension: EXT[4] });
    expect(reply.json.code).toBe('040103');
  });
});
