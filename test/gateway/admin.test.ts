/**
 * The gateway's administration (issue 12): agents, passwords, extensions, the skills switch,
 * CSV import (all-or-nothing), and the CLI an administrator types — including that a password
 * comes from stdin and never from the command line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, AdminError, parseCsv } from '../../src/gateway/admin';
import { DEFAULT_LOCKOUT } from '../../src/gateway/lockout';
import { verifyPassword } from '../../src/gateway/passwords';
import { Sessions } from '../../src/gateway/sessions';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import { EXT, PASSWORDS, send, startRig, TEST_SCRYPT, type Rig } from './helpers';

let dir: string;
let store: GatewayStore;
let admin: Admin;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-admin-'));
  store = await openStore(join(dir, 'gateway.db'));
  admin = new Admin(store, { scrypt: TEST_SCRYPT });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway admin', () => {
  it('adds agents with a salted scrypt hash; refuses bad names, short passwords and duplicates', async () => {
    await admin.add('amy', 'amy-password', ['1001', '1002']);
    const amy = await store.getAgent('amy');
    expect(amy?.passwordHash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword('amy-password', amy!.passwordHash)).toBe(true);
    expect(await verifyPassword('amy-passwordX', amy!.passwordHash)).toBe(false);
    await admin.add('ann', 'amy-password');
    expect((await store.getAgent('ann'))?.passwordHash).not.toBe(amy?.passwordHash);
    await expect(admin.add('amy', 'whatever-1')).rejects.toThrow('exists already');
    await expect(admin.add('bad-name', 'whatever-1')).rejects.toThrow(AdminError);
    await expect(admin.add('shorty', 'short')).rejects.toThrow('at least 8');
  });

  it('every change an administrator makes is in the audit: who, what, on whom; a refused one is not', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'gw-admin-audit-'));
    const own = await openStore(join(auditDir, 'gateway.db'));
    try {
      let now = Date.UTC(2026, 10, 29, 9);
      const li = new Admin(own, { scrypt: TEST_SCRYPT, actor: 'admin:li', now: () => now++ });
      await li.add('bea', 'bea-password', ['1001']);
      await li.setPassword('bea', 'bea-password-2');
      await li.unlock('bea');
      await li.addDesk('bea', '10.0.3.17');
      await li.unlockAddress('10.0.9.9');
      await li.setExtensions('bea', ['1001', '1002']);
      await li.setAllowSkills('bea', true);
      await li.setDisabled('bea', true);
      await li.setDisabled('bea', false);
      await li.revokeSessions('bea');
      await li.importCsv('name,password\nbea,bea-password-3\n');
      await expect(li.unlock('nobody')).rejects.toThrow('no agent named nobody');
      await expect(li.add('bea', 'whatever-1')).rejects.toThrow('exists already');
      await li.remove('bea');
      const rows = (await li.audit({ limit: 100 })).reverse();
      expect(rows.map((r) => [r.agent, r.action, r.target, r.sourceAddress])).toEqual(
        [
          ['agent add', 'bea'],
          ['agent password', 'bea'],
          ['agent unlock', 'bea'],
          ['agent desk', 'bea 10.0.3.17'],
          ['address unlock', '10.0.9.9'],
          ['agent extensions', 'bea 1001,1002'],
          ['agent skills on', 'bea'],
          ['agent disable', 'bea'],
          ['agent enable', 'bea'],
          ['sessions revoke', 'bea'],
          ['agent password', 'bea'],
          ['agent import', 'bea'],
          ['agent remove', 'bea'],
        ].map(([action, target]) => ['admin:li', action, target, 'console']),
      );
      // In the order made, each at its own time; no password anywhere in the log.
      expect(rows.every((r, i) => i === 0 || r.at > rows[i - 1]!.at)).toBe(true);
      expect(JSON.stringify(rows)).not.toMatch(/bea-password/);
    } finally {
      await own.close();
      rmSync(auditDir, { recursive: true, force: true });
    }
  });

  it('a new password or disabling ends the agent’s sessions', async () => {
    const session = {
      agent: 'amy',
      createdAt: 0,
      lastSeenAt: 0,
      expiresAt: 1e15,
      sourceAddress: '',
    };
    await store.createSession({ ...session, tokenHash: 't1' });
    await admin.setPassword('amy', 'amy-password-2');
    expect(await store.findSession('t1')).toBeNull();
    await store.createSession({ ...session, tokenHash: 't2' });
    await admin.setDisabled('amy', true);
    expect(await store.findSession('t2')).toBeNull();
    await expect(admin.setDisabled('ghost', true)).rejects.toThrow('no agent named ghost');
  });

  it('a sign-in whose password check overlaps a reset or disabling opens no session', async () => {
    await admin.add('ida', 'ida-password-1');
    const sessions = new Sessions(
      store,
      { idleMs: 60_000, absoluteMs: 3_600_000 },
      DEFAULT_LOCKOUT,
    );
    // The administrator acts while the old password is being checked (scrypt takes a while).
    const create = store.createSession.bind(store);
    let act: (() => Promise<void>) | null = () => admin.setPassword('ida', 'ida-password-2');
    store.createSession = async (record) => {
      const now = act;
      act = null;
      await now?.();
      return create(record);
    };
    try {
      const reset = await sessions.signIn('ida', 'ida-password-1', '10.0.0.9', Date.now());
      expect(reset).toMatchObject({ ok: false, reason: 'wrong' });
      expect(await store.revokeAgentSessions('ida')).toBe(0);
      act = () => admin.setDisabled('ida', true);
      const disabled = await sessions.signIn('ida', 'ida-password-2', '10.0.0.9', Date.now());
      expect(disabled).toMatchObject({ ok: false, reason: 'disabled' });
      expect(await store.revokeAgentSessions('ida')).toBe(0);
    } finally {
      store.createSession = create;
    }
  });

  it('imports CSV all-or-nothing, adding and updating', async () => {
    expect(parseCsv('a,"b,c","d""e"\r\nx,y\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['x', 'y'],
    ]);
    const bad =
      'name,password,extensions,allow_skills\nzoe,zoe-password,2001,yes\nbad name,pw-123456,,no\n';
    await expect(admin.importCsv(bad)).rejects.toThrow('line 3');
    expect(await store.getAgent('zoe')).toBeNull();
    const good =
      'name,password,extensions,allow_skills\nzoe,zoe-password,2001;2002,yes\nann,,3001,\n';
    expect(await admin.importCsv(good)).toEqual({ added: 1, updated: 1 });
    expect(await store.getAgent('zoe')).toMatchObject({
      allowSkills: true,
      extensions: ['2001', '2002'],
    });
    expect((await store.getAgent('ann'))?.extensions).toEqual(['3001']);
  });

  it('a CSV of name,password resets passwords and keeps extensions and skills', async () => {
    // Before, the missing columns read as "none" and "no": every listed agent lost them.
    await admin.add('kim', 'kim-password-1', ['4001', '4002'], true);
    expect(await admin.importCsv('name,password\nkim,kim-password-2\n')).toEqual({
      added: 0,
      updated: 1,
    });
    expect(await store.getAgent('kim')).toMatchObject({
      allowSkills: true,
      extensions: ['4001', '4002'],
    });
  });

  it('reads Excel’s "CSV UTF-8": a byte-order mark before a quoted header', async () => {
    const text = '\uFEFF"name","password","extensions"\r\n"bom_agent","bom-password","7001"\r\n';
    expect(parseCsv(text)[0]).toEqual(['name', 'password', 'extensions']);
    expect(await admin.importCsv(text)).toEqual({ added: 1, updated: 0 });
    expect((await store.getAgent('bom_agent'))?.extensions).toEqual(['7001']);
  });

  it('names the file’s own line of a bad row, blank lines and quoted line breaks counted', async () => {
    const lines = [
      'name,password,extensions',
      '',
      'ned,ned-password,7101',
      '',
      'ola,ola-password,"7102',
      '7103"',
      'bad name,pw-123456,',
    ];
    await expect(admin.importCsv(lines.join('\n'))).rejects.toThrow(
      /^line 7: invalid agent name "bad name"/,
    );
    await expect(admin.importCsv(lines.join('\r\n'))).rejects.toThrow(/^line 7: /);
    await expect(
      admin.importCsv('name,password\n\n\nned,ned-password\n\nned,ned-password-2\n'),
    ).rejects.toThrow('line 6: ned is listed twice (also on line 4)');
    expect(await store.getAgent('ned')).toBeNull();
    expect(await store.getAgent('ola')).toBeNull();
  });

  it('refuses a row with more cells than the header: an unquoted comma shifted them', async () => {
    // "longpassword,with-comma" unquoted: the password would be cut at the comma and
    // "with-comma" taken for an extension.
    const shifted =
      'name,password,extensions\npia,pia-password,7201\nrex,longpassword,with-comma,7202\n';
    await expect(admin.importCsv(shifted)).rejects.toThrow(
      'line 3: 4 cells, the header has 3 (a value with a comma needs double quotes: "pass,word")',
    );
    await expect(admin.importCsv('name,password\nrex,longpassword,\n')).rejects.toThrow(
      /^line 2: 3 cells, the header has 2/,
    );
    expect(await store.getAgent('pia')).toBeNull();
    expect(await store.getAgent('rex')).toBeNull();
    // Quoted, the comma is the password's own; fewer cells than the header stay fine.
    expect(
      await admin.importCsv('name,password,extensions\nrex,"longpassword,with-comma"\n'),
    ).toEqual({ added: 1, updated: 0 });
    const rex = await store.getAgent('rex');
    expect(await verifyPassword('longpassword,with-comma', rex!.passwordHash)).toBe(true);
  });

  it('refuses a misspelt column and a name listed twice, changing nothing', async () => {
    await admin.add('lee', 'lee-password-1', ['5001'], true);
    await expect(
      admin.importCsv('name,password,extension,allowskills\nlee,,5002,no\n'),
    ).rejects.toThrow(/unknown CSV column "extension", "allowskills"/);
    await expect(
      admin.importCsv(
        'name,password,extensions\nmay,may-password-1,6001\nmay,may-password-2,6002\n',
      ),
    ).rejects.toThrow('may is listed twice');
    expect(await store.getAgent('lee')).toMatchObject({ allowSkills: true, extensions: ['5001'] });
    expect(await store.getAgent('may')).toBeNull();
  });
});

function cli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/gateway/cli.ts', ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, out, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
    child.stdin!.end(stdin);
  });
}

describe('gateway admin CLI', () => {
  it('adds an agent with the password from stdin, lists, sets extensions and skills, shows the audit', async () => {
    const env = { GATEWAY_DATABASE: join(dir, 'cli.db'), GATEWAY_SCRYPT_LOG_N: '10' };
    expect(await cli(['init'], env)).toMatchObject({
      code: 0,
      out: `database created: ${env.GATEWAY_DATABASE}\n`,
    });
    expect(
      (await cli(['agent', 'add', 'cli_agent', '--extensions', '1001'], env, 'cli-password\n'))
        .code,
    ).toBe(0);
    const [list, ghost, usage] = await Promise.all([
      cli(['agent', 'list'], env),
      cli(['agent', 'disable', 'ghost'], env),
      cli(['agent', 'skills', 'cli_agent', 'maybe'], env),
    ]);
    expect(list.out.split('\n')[1]).toMatch(/^cli_agent +enabled +password +skills:off +1001$/);
    expect(ghost).toMatchObject({ code: 1, err: 'no agent named ghost\n' });
    expect(usage.code).toBe(2);
    const cliStore = await openStore(env.GATEWAY_DATABASE);
    const stored = await cliStore.getAgent('cli_agent');
    await cliStore.close();
    expect(await verifyPassword('cli-password', stored!.passwordHash)).toBe(true);
  }, 90_000);
});

describe('the admin CLI and its database', () => {
  it('refuses a database file that is not there instead of creating an empty one', async () => {
    // An administrator in the wrong directory saw "no agents" and added them to a new file.
    const missing = join(dir, 'elsewhere', 'gateway.db');
    const env = { GATEWAY_DATABASE: missing, GATEWAY_SCRYPT_LOG_N: '10' };
    mkdirSync(join(dir, 'elsewhere'));
    const results = await Promise.all([
      cli(['agent', 'list'], env),
      cli(['agent', 'add', 'new_agent'], env, 'new-agent-password\n'),
      cli(['audit'], env),
      cli(['address', 'unlock', '10.1.2.3'], env),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')[0]).toBe(
        `GATEWAY_DATABASE: no database at ${missing}; set GATEWAY_DATABASE to the gateway's database file, or create a new one with: npm run gateway -- init`,
      );
    }
    expect(existsSync(missing)).toBe(false);
    // init creates it (serve does too); then the commands work, and init again changes nothing.
    expect(await cli(['init'], env)).toMatchObject({
      code: 0,
      out: `database created: ${missing}\n`,
    });
    expect(await cli(['agent', 'add', 'new_agent'], env, 'new-agent-password\n')).toMatchObject({
      code: 0,
    });
    expect(await cli(['init'], env)).toMatchObject({
      code: 0,
      out: `database up to date: ${missing}\n`,
    });
    expect((await cli(['agent', 'list'], env)).out).toMatch(/\nnew_agent +enabled +password/);
  }, 90_000);

  it('a relative path is named in full too', async () => {
    const r = await cli(['agent', 'list'], { GATEWAY_DATABASE: 'no-such-dir/gateway.db' });
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(
      `GATEWAY_DATABASE: no database at no-such-dir/gateway.db (${resolve('no-such-dir/gateway.db')}); set GATEWAY_DATABASE to the gateway's database file, or create a new one with: npm run gateway -- init`,
    );
  }, 30_000);

  it('a bad extension id on the command line is bad usage: exit 2, nothing added', async () => {
    const env = { GATEWAY_DATABASE: join(dir, 'cli-ext.db'), GATEWAY_SCRYPT_LOG_N: '10' };
    const setup = await openStore(env.GATEWAY_DATABASE);
    await new Admin(setup, { scrypt: TEST_SCRYPT }).add('ext_agent', 'ext-password');
    await setup.close();
    const [add, set] = await Promise.all([
      cli(['agent', 'add', 'ext_other', '--extensions', 'bad!'], env, 'ext-password\n'),
      cli(['agent', 'extensions', 'ext_agent', '1001,bad!'], env),
    ]);
    expect(add.code).toBe(2);
    expect(add.err.split('\n')[0]).toBe('--extensions: invalid extension id "bad!"');
    expect(set.code).toBe(2);
    expect(set.err.split('\n')[0]).toBe('agent extensions: invalid extension id "bad!"');
    const list = await cli(['agent', 'list'], env);
    expect(list.out).not.toContain('ext_other');
    expect(list.out).toMatch(/\next_agent +enabled +password +skills:off +-\n/);
  }, 90_000);
});

/** Where each cell of a line starts (cells are two or more spaces apart). */
function columnStarts(line: string): number[] {
  return [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
}

describe('the CLI’s lists, as an administrator reads them', () => {
  it('agent list and audit print a header line, every column starting under its name', async () => {
    const env = { GATEWAY_DATABASE: join(dir, 'cli-table.db'), GATEWAY_SCRYPT_LOG_N: '10' };
    const setup = await openStore(env.GATEWAY_DATABASE);
    const setupAdmin = new Admin(setup, { scrypt: TEST_SCRYPT });
    await setupAdmin.add('al', 'al-password', ['1001']);
    await setupAdmin.add('a_much_longer_name_01', null, ['1002', '1003'], true);
    await setup.appendAudit(
      [
        { at: Date.UTC(2026, 10, 28, 9), agent: 'al', action: 'sign-in', target: 'al' },
        { at: Date.UTC(2026, 10, 28, 10), agent: '', action: 'sign-in', target: '(unknown name)' },
      ].map((r) => ({ ...r, status: 401, code: 'GW0401', sourceAddress: '10.0.3.17' })),
    );
    await setup.close();

    const [list, audit, none] = await Promise.all([
      cli(['agent', 'list'], env),
      cli(['audit'], env),
      cli(['audit', '--agent', 'nobody'], env),
    ]);
    const listLines = list.out.trimEnd().split('\n');
    expect(listLines[0]).toMatch(/^NAME +STATE +PASSWORD +SKILLS +EXTENSIONS$/);
    expect(listLines.slice(1)).toEqual([
      expect.stringMatching(/^a_much_longer_name_01 +enabled +no-password +skills:on +1002,1003$/),
      expect.stringMatching(/^al +enabled +password +skills:off +1001$/),
    ]);
    const auditLines = audit.out.trimEnd().split('\n');
    expect(auditLines[0]).toMatch(/^TIME +AGENT +ACTION +TARGET +STATUS +CODE +ADDRESS$/);
    // Newest written first: the sign-ins, then the administrator's two adds above.
    expect(auditLines.slice(1)).toEqual([
      expect.stringMatching(
        /^2026-11-28T10:00:00\.000Z +- +sign-in +\(unknown name\) +401 +GW0401 +10\.0\.3\.17$/,
      ),
      expect.stringMatching(
        /^2026-11-28T09:00:00\.000Z +al +sign-in +al +401 +GW0401 +10\.0\.3\.17$/,
      ),
      expect.stringMatching(/ +admin +agent add +a_much_longer_name_01 +200 +000000 +console$/),
      expect.stringMatching(/ +admin +agent add +al +200 +000000 +console$/),
    ]);
    for (const lines of [listLines, auditLines]) {
      const starts = columnStarts(lines[0]!);
      for (const line of lines) expect(columnStarts(line)).toEqual(starts);
    }
    // Nothing found still says what would have been listed.
    expect(none.out).toMatch(/^TIME +AGENT +ACTION +TARGET +STATUS +CODE +ADDRESS\n$/);
  }, 90_000);
});

describe('lifting a sign-in lockout', () => {
  const signInStatus = (rig: Rig, name: string, password: string) =>
    send(rig.gateway.origin, 'POST', '/v1/session', { body: { name, password } }).then(
      (r) => r.status,
    );

  it('a password reset lets the locked-out agent in at once; so does agent unlock', async () => {
    const rig = await startRig({ lockout: { agentFreeFailures: 2, baseDelayMs: 60_000 } });
    try {
      for (let i = 0; i < 2; i++) await signInStatus(rig, 'alice', 'wrong-password');
      expect(await signInStatus(rig, 'alice', PASSWORDS.alice)).toBe(429);
      await rig.admin.setPassword('alice', 'alice-new-pass');
      expect(await signInStatus(rig, 'alice', 'alice-new-pass')).toBe(200);

      for (let i = 0; i < 2; i++) await signInStatus(rig, 'bob', 'wrong-password');
      expect(await signInStatus(rig, 'bob', PASSWORDS.bob)).toBe(429);
      await rig.admin.unlock('bob');
      expect(await signInStatus(rig, 'bob', PASSWORDS.bob)).toBe(200);
      await expect(rig.admin.unlock('ghost')).rejects.toThrow('no agent named ghost');
    } finally {
      await rig.close();
    }
  });

  it('agent status says what refuses a name: the counts, any lock’s end, the desks', async () => {
    const rig = await startRig({ lockout: { agentFreeFailures: 2, baseDelayMs: 60_000 } });
    try {
      // Signed in once at this desk, then two wrong passwords there: locked at the desk only
      // (the refused attempt after them is not counted).
      expect(await signInStatus(rig, 'alice', PASSWORDS.alice)).toBe(200);
      for (let i = 0; i < 2; i++) await signInStatus(rig, 'alice', 'wrong-password');
      expect(await signInStatus(rig, 'alice', PASSWORDS.alice)).toBe(429);
      // A desk IT marked, never signed in from.
      await rig.admin.addDesk('alice', '10.0.3.17');
      const lines = await rig.admin.status('alice');
      expect(lines[0]).toBe(
        `alice: enabled, password set, skills off, extensions ${[EXT[0], EXT[1]].sort().join(',')}`,
      );
      expect(lines).toContain('from addresses not its desks: nothing counted');
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^at 127\.0\.0\.1: 2 wrong passwords, locked until \d{4}-\d\d-\d\dT[\d:.]+Z$/,
        ),
      );
      // Her session from the first sign-in: what a second desk's login would run into.
      expect(lines.filter((l) => l.startsWith('signed in'))).toEqual([
        expect.stringMatching(
          /^signed in from (::ffff:)?127\.0\.0\.1 since \d{4}-[\dT:.-]+Z, last request \d{4}-[\dT:.-]+Z$/,
        ),
      ]);
      expect(lines.filter((l) => l.startsWith('desk '))).toEqual([
        expect.stringMatching(/^desk 10\.0\.3\.17: last signed in /),
        expect.stringMatching(/^desk 127\.0\.0\.1: last signed in /),
      ]);
      // Bob has nothing against him and no desk yet; a mistyped name is an error.
      expect(await rig.admin.status('bob')).toEqual([
        `bob: enabled, password set, skills off, extensions ${EXT[2]}`,
        'from addresses not its desks: nothing counted',
        'desks: none yet (no sign-in lately)',
        'signed in: nowhere',
      ]);
      await expect(rig.admin.status('alic')).rejects.toThrow('no agent named alic');
      // Unlocked: the count at the desk is gone.
      await rig.admin.unlock('alice');
      expect((await rig.admin.status('alice')).filter((l) => l.startsWith('at '))).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it('address unlock lets a floor behind one NAT address sign in again', async () => {
    const rig = await startRig({ lockout: { addressFreeFailures: 2, baseDelayMs: 60_000 } });
    try {
      await signInStatus(rig, 'nobody_1', 'wrong-password');
      await signInStatus(rig, 'nobody_2', 'wrong-password');
      expect(await signInStatus(rig, 'alice', PASSWORDS.alice)).toBe(429);
      await rig.admin.unlockAddress('127.0.0.1');
      expect(await signInStatus(rig, 'alice', PASSWORDS.alice)).toBe(200);
    } finally {
      await rig.close();
    }
  });

  it('the CLI: agent unlock, address unlock; a mistyped name is an error, not "0 revoked"', async () => {
    const env = {
      GATEWAY_DATABASE: join(dir, 'cli-lock.db'),
      GATEWAY_SCRYPT_LOG_N: '10',
      // The system user at the console (no sudo), as the audit names them.
      SUDO_USER: '',
      USER: 'it_li',
    };
    expect((await cli(['init'], env)).code).toBe(0);
    expect((await cli(['agent', 'add', 'locked_one'], env, 'locked-password\n')).code).toBe(0);
    const [unlock, address, ghost, revoke, desk, badDesk, noDesk] = await Promise.all([
      cli(['agent', 'unlock', 'locked_one'], env),
      cli(['address', 'unlock', '10.1.2.3'], env),
      cli(['sessions', 'revoke', 'locked_on'], env),
      cli(['sessions', 'revoke', 'locked_one'], env),
      cli(['agent', 'desk', 'locked_one', '10.1.2.4'], env),
      cli(['agent', 'desk', 'locked_one', 'desk-7'], env),
      cli(['agent', 'desk', 'locked_one'], env),
    ]);
    expect(desk).toMatchObject({ code: 0, out: '10.1.2.4 is a desk of locked_one for 30 days\n' });
    expect(badDesk).toMatchObject({ code: 1, err: '"desk-7" is not an IP address\n' });
    expect(noDesk.code).toBe(2);
    expect(unlock).toMatchObject({ code: 0, out: 'sign-in unlocked for locked_one\n' });
    expect(address).toMatchObject({ code: 0, out: 'sign-in unlocked for address 10.1.2.3\n' });
    expect(ghost).toMatchObject({ code: 1, err: 'no agent named locked_on\n' });
    expect(revoke).toMatchObject({ code: 0, out: 'revoked 0 session(s)\n' });
    // The audit names the system user who ran each change, from the console; the refused
    // ones (a mistyped name, a desk that is no address) are not there.
    const audit = await cli(['audit'], env);
    const made = audit.out
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/).slice(1, 4).join(' | '))
      .sort();
    expect(made).toEqual([
      'admin:it_li | address unlock | 10.1.2.3',
      'admin:it_li | agent add | locked_one',
      'admin:it_li | agent desk | locked_one 10.1.2.4',
      'admin:it_li | agent unlock | locked_one',
      'admin:it_li | sessions revoke | locked_one',
    ]);
    // The help desk's view of the name: the desk marked above, nothing counted against it.
    const [status, noName] = await Promise.all([
      cli(['agent', 'status', 'locked_one'], env),
      cli(['agent', 'status'], env),
    ]);
    expect(status.code).toBe(0);
    expect(status.out.split('\n')).toEqual([
      'locked_one: enabled, password set, skills off, extensions -',
      'from addresses not its desks: nothing counted',
      expect.stringMatching(/^desk 10\.1\.2\.4: last signed in \d{4}-/),
      'signed in: nowhere',
      '',
    ]);
    expect(noName.code).toBe(2);
    // What was done to one agent, asked by its name: not the address, nor anyone else's.
    const [about, badAbout] = await Promise.all([
      cli(['audit', '--about', 'locked_one'], env),
      cli(['audit', '--about', 'locked_one 10.1.2.4'], env),
    ]);
    expect(
      about.out
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/ {2,}/)[2])
        .sort(),
    ).toEqual(['agent add', 'agent desk', 'agent unlock', 'sessions revoke']);
    expect(badAbout).toMatchObject({ code: 2 });
    expect(badAbout.err).toMatch(/--about/);
  }, 90_000);
});
