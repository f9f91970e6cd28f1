/**
 * Administration over the store: agents, passwords, extensions, the skills switch, CSV import,
 * sessions and the audit log. The CLI (cli.ts) is a thin parser over these; tests call them.
 */
import { isValidAgentName } from '../shared/domain/agent';
import { PLATFORM_CODES } from '../shared/domain/errors';
import { isIP } from 'node:net';
import { addressKey, addressScope, lockEnd, nameCounts, unlockName } from './lockout';
import { hashPassword, MAX_PASSWORD_CHARS, type ScryptParams, DEFAULT_SCRYPT } from './passwords';
import type { AuditRecord, FailureRecord, GatewayStore } from './store/port';

export class AdminError extends Error {}

export interface AdminOptions {
  now?: () => number;
  scrypt?: ScryptParams;
  /**
   * Who makes the changes, as the audit names them (the CLI: `admin:` and the system user who
   * ran it). Default `admin`.
   */
  actor?: string;
}

/** The audit's source address for a change made at the gateway's own console. */
export const ADMIN_SOURCE = 'console';

const EXTENSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function checkName(name: string): void {
  if (!isValidAgentName(name))
    throw new AdminError(`invalid agent name "${name}": at most 32 letters, digits or _`);
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new AdminError('a password needs at least 8 characters');
  if (password.length > MAX_PASSWORD_CHARS)
    throw new AdminError(`a password has at most ${MAX_PASSWORD_CHARS} characters`);
}

export function parseExtensions(text: string): string[] {
  const ids = text.split(/[\s,;]+/).filter(Boolean);
  for (const id of ids)
    if (!EXTENSION_ID.test(id)) throw new AdminError(`invalid extension id "${id}"`);
  return [...new Set(ids)];
}

/** The columns `agent import` reads; the first two are required, in this order. */
const CSV_COLUMNS = ['name', 'password', 'extensions', 'allow_skills'];

export class Admin {
  private readonly now: () => number;
  private readonly scrypt: ScryptParams;
  private readonly actor: string;

  constructor(
    private readonly store: GatewayStore,
    options: AdminOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    this.actor = options.actor ?? 'admin';
  }

  async add(
    name: string,
    password: string | null,
    extensions: string[] = [],
    allowSkills = false,
  ): Promise<void> {
    checkName(name);
    if (password !== null) checkPassword(password);
    const hash = password === null ? null : await hashPassword(password, this.scrypt);
    const added = await this.store.addAgent({
      name,
      passwordHash: hash,
      disabled: false,
      allowSkills,
      createdAt: this.now(),
    });
    if (!added) throw new AdminError(`agent ${name} exists already`);
    if (extensions.length) await this.store.setExtensions(name, extensions);
    await this.audited('agent add', name);
  }

  async setPassword(name: string, password: string): Promise<void> {
    checkPassword(password);
    await this.must(
      this.store.updateAgent(name, { passwordHash: await hashPassword(password, this.scrypt) }),
      name,
    );
    // A new password ends the sessions the old one opened, and lifts a lockout: the agent who
    // called for a reset signs in with it at once, not after up to 15 minutes.
    await this.store.revokeAgentSessions(name);
    await unlockName(this.store, name);
    await this.audited('agent password', name);
  }

  /** Lifts the sign-in lockout on an agent's name (their failure count starts afresh). */
  async unlock(name: string): Promise<void> {
    await this.must(this.store.getAgent(name).then(Boolean), name);
    await unlockName(this.store, name);
    await this.audited('agent unlock', name);
  }

  /**
   * `agent status NAME`, for the help desk's "I cannot sign in": the agent's account, what
   * counts against the name now (wrong passwords from other addresses, and at each address,
   * with any lock's end), the desks it signed in from lately, whose own lock alone applies, and
   * where it is signed in now (a desk left signed in is why the platform says 040201). Read
   * only: no audit row.
   */
  async status(name: string): Promise<string[]> {
    const agent = await this.store.getAgent(name);
    if (!agent) throw new AdminError(`no agent named ${name}`);
    const [counts, desks, sessions] = await Promise.all([
      nameCounts(this.store, name),
      this.store.knownAddresses(name),
      this.store.listAgentSessions(name),
    ]);
    const now = this.now();
    const count = (r: FailureRecord) => {
      const end = lockEnd(r, now);
      const words = `${r.count} wrong password${r.count === 1 ? '' : 's'}`;
      return end ? `${words}, locked until ${new Date(end).toISOString()}` : words;
    };
    const lines = [
      `${agent.name}: ${agent.disabled ? 'disabled' : 'enabled'}, ` +
        `${agent.passwordHash ? 'password set' : 'no password'}, ` +
        `skills ${agent.allowSkills ? 'on' : 'off'}, ` +
        `extensions ${agent.extensions.join(',') || '-'}`,
      `from addresses not its desks: ${counts.elsewhere ? count(counts.elsewhere) : 'nothing counted'}`,
      ...counts.byAddress.map(({ address, record }) => `at ${address}: ${count(record)}`),
      ...desks.map((d) => `desk ${d.address}: last signed in ${new Date(d.lastAt).toISOString()}`),
    ];
    if (desks.length === 0) lines.push('desks: none yet (no sign-in lately)');
    // Signed in at another desk is what the platform's 040201 ("already signed in") means.
    for (const s of sessions)
      lines.push(
        `signed in from ${s.sourceAddress} since ${new Date(s.createdAt).toISOString()}, ` +
          `last request ${new Date(s.lastSeenAt).toISOString()}`,
      );
    if (sessions.length === 0) lines.push('signed in: nowhere');
    return lines;
  }

  /**
   * Makes `address` one of the agent's desks, as a sign-in there would: for the next 30 days a
   * lock on their name from elsewhere does not refuse them there. For a new hire or a new desk
   * while the name is under attack (agent unlock would be locked again within five guesses).
   * An IPv6 address counts by its /64, as at sign-in. Returns the desk as the lockout keeps it.
   */
  async addDesk(name: string, address: string): Promise<string> {
    const ip = address.trim();
    if (!isIP(ip.split('%')[0]!)) throw new AdminError(`"${address}" is not an IP address`);
    await this.must(this.store.getAgent(name).then(Boolean), name);
    const desk = addressScope(ip);
    await this.store.rememberAddress(name, desk, this.now());
    await this.audited('agent desk', `${name} ${desk}`);
    return desk;
  }

  /** Lifts the sign-in lockout on a source address (a floor behind one NAT address). */
  async unlockAddress(address: string): Promise<void> {
    if (!address.trim()) throw new AdminError('missing address');
    await this.store.clearFailure(addressKey(address.trim()));
    await this.audited('address unlock', address.trim());
  }

  async setDisabled(name: string, disabled: boolean): Promise<void> {
    await this.must(this.store.updateAgent(name, { disabled }), name);
    if (disabled) await this.store.revokeAgentSessions(name);
    await this.audited(disabled ? 'agent disable' : 'agent enable', name);
  }

  async remove(name: string): Promise<void> {
    await this.must(this.store.removeAgent(name), name);
    await this.audited('agent remove', name);
  }

  async setExtensions(name: string, ids: string[]): Promise<void> {
    await this.must(this.store.setExtensions(name, ids), name);
    await this.audited('agent extensions', `${name} ${ids.join(',') || '-'}`);
  }

  async setAllowSkills(name: string, allow: boolean): Promise<void> {
    await this.must(this.store.updateAgent(name, { allowSkills: allow }), name);
    await this.audited(allow ? 'agent skills on' : 'agent skills off', name);
  }

  async revokeSessions(name: string): Promise<number> {
    // A mistyped name must not read as "done": say there is no such agent.
    await this.must(this.store.getAgent(name).then(Boolean), name);
    const revoked = await this.store.revokeAgentSessions(name);
    await this.audited('sessions revoke', name);
    return revoked;
  }

  /** `agent list`: one line per agent under a header line, in aligned columns. */
  async list(): Promise<string[]> {
    return table(
      ['NAME', 'STATE', 'PASSWORD', 'SKILLS', 'EXTENSIONS'],
      (await this.store.listAgents()).map((a) => [
        a.name,
        a.disabled ? 'disabled' : 'enabled',
        a.passwordHash ? 'password' : 'no-password',
        `skills:${a.allowSkills ? 'on' : 'off'}`,
        a.extensions.join(',') || '-',
      ]),
    );
  }

  /**
   * Audit rows, newest first: asked by `agent`, about `about` (an agent or an extension: what
   * they did and what was done to them, admin changes included), or both.
   */
  async audit(query: { agent?: string; about?: string; limit: number }): Promise<AuditRecord[]> {
    return this.store.listAudit({
      ...(query.agent ? { agent: query.agent } : {}),
      ...(query.about ? { about: query.about } : {}),
      limit: Math.max(1, Math.min(10_000, query.limit)),
    });
  }

  /**
   * Imports `name,password,extensions,allow_skills` rows (a header line is required; extensions
   * separated by ';' or spaces; allow_skills yes/no). Existing agents are updated. Every row is
   * checked before anything is written, so a bad file changes nothing.
   */
  async importCsv(text: string): Promise<{ added: number; updated: number }> {
    const rows = parseCsvRows(text);
    const header = rows.shift()?.cells.map((h) => h.trim().toLowerCase());
    if (!header || header[0] !== 'name' || header[1] !== 'password') {
      throw new AdminError('the CSV needs a header line: name,password,extensions,allow_skills');
    }
    // A misspelt column would be ignored, and its setting wiped for every agent listed.
    const unknown = header.filter((h) => !CSV_COLUMNS.includes(h));
    if (unknown.length > 0) {
      const names = unknown.map((h) => `"${h}"`).join(', ');
      throw new AdminError(`unknown CSV column ${names}: the columns are ${CSV_COLUMNS.join(',')}`);
    }
    const col = (name: string) => header.indexOf(name);
    const entries = rows
      .filter(({ cells }) => cells.some((c) => c.trim()))
      .map(({ line, cells: r }) => {
        try {
          // An unquoted comma (in a password, say) shifts every cell after it.
          if (r.length > header.length)
            throw new AdminError(
              `${r.length} cells, the header has ${header.length} (a value with a comma needs double quotes: "pass,word")`,
            );
          const name = (r[0] ?? '').trim();
          const password = r[1] ?? '';
          checkName(name);
          if (password) checkPassword(password);
          const extensions =
            col('extensions') >= 0 ? parseExtensions(r[col('extensions')] ?? '') : [];
          const flag =
            col('allow_skills') >= 0 ? (r[col('allow_skills')] ?? '').trim().toLowerCase() : '';
          if (!['', 'yes', 'no', 'true', 'false', '1', '0'].includes(flag))
            throw new AdminError(`allow_skills "${flag}"`);
          return {
            line,
            name,
            password,
            extensions,
            allowSkills: ['yes', 'true', '1'].includes(flag),
          };
        } catch (error) {
          throw new AdminError(`line ${line}: ${(error as Error).message}`);
        }
      });
    const seen = new Map<string, number>();
    for (const e of entries) {
      const first = seen.get(e.name);
      if (first !== undefined)
        throw new AdminError(`line ${e.line}: ${e.name} is listed twice (also on line ${first})`);
      seen.set(e.name, e.line);
    }
    let added = 0;
    let updated = 0;
    for (const e of entries) {
      const exists = await this.store.getAgent(e.name);
      if (exists) {
        // Only what the file has a column for: a file of name,password resets passwords and
        // leaves each agent's extensions and skills permission as they are.
        if (e.password) await this.setPassword(e.name, e.password);
        if (col('allow_skills') >= 0)
          await this.store.updateAgent(e.name, { allowSkills: e.allowSkills });
        if (col('extensions') >= 0) await this.store.setExtensions(e.name, e.extensions);
        await this.audited('agent import', e.name);
        updated++;
      } else {
        await this.add(e.name, e.password || null, e.extensions, e.allowSkills);
        added++;
      }
    }
    return { added, updated };
  }

  /**
   * One audit row for a change made: IT reads who unlocked, reset or disabled whom, and when,
   * beside the agents' own requests (`audit`). Written at once: the CLI exits right after.
   */
  private async audited(action: string, target: string): Promise<void> {
    await this.store.appendAudit([
      {
        at: this.now(),
        agent: this.actor,
        action,
        target,
        status: 200,
        code: PLATFORM_CODES.OK,
        sourceAddress: ADMIN_SOURCE,
      },
    ]);
  }

  private async must(done: Promise<boolean>, name: string): Promise<void> {
    if (!(await done)) throw new AdminError(`no agent named ${name}`);
  }
}

/** `audit`: one line per row, newest first, under a header line, in aligned columns. */
export function auditTable(records: readonly AuditRecord[]): string[] {
  return table(
    ['TIME', 'AGENT', 'ACTION', 'TARGET', 'STATUS', 'CODE', 'ADDRESS'],
    records.map((r) => [
      new Date(r.at).toISOString(),
      r.agent || '-',
      r.action,
      r.target || '-',
      String(r.status),
      r.code || '-',
      r.sourceAddress || '-',
    ]),
  );
}

/**
 * A header line and rows, each column padded to its widest cell and two spaces apart (no cell
 * holds two spaces in a row, so `awk -F '  +'` splits it). The header comes also with no rows:
 * an empty answer then reads as "nothing found", not as a command that did nothing.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  return [header, ...rows].map((cells) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
  );
}

/** A CSV row and the file's line it starts on (1-based; a quoted field may span lines). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** RFC 4180-ish: commas, double-quoted fields with "" escapes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((r) => r.cells);
}

/**
 * {@link parseCsv} with each row's line number. A UTF-8 byte-order mark (Excel's "CSV UTF-8")
 * is dropped first, so a quoted first header cell still reads as quoted.
 */
export function parseCsvRows(text: string): CsvRow[] {
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        // A line break inside a quoted field is kept; the lines after it still count.
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push({ line: rowLine, cells: row });
      row = [];
      field = '';
      rowLine = ++line;
    } else field += c;
  }
  if (quoted) throw new AdminError(`the CSV ends inside a quoted field (from line ${rowLine})`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push({ line: rowLine, cells: row });
  }
  return rows;
}
