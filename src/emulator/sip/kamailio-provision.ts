/**
 * Kamailio's subscriber table (db_text) written from the SipDirectory, the way the platform's own
 * registrar got a row when an extension was created: SIP user, domain, plain password, and the
 * ha1/ha1b digests (db_text refuses empty fields). Kamailio runs db_text in non-caching mode and
 * reloads a table whose file changed, so re-provisioning needs no restart. Writes are synchronous:
 * when the store's createExtension returns, the row is on disk and the extension can register.
 */
import { createHash } from 'node:crypto';
import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SipAccount } from '../sip-directory';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
// db_text separates columns with ':' and rows with newlines; both are escaped in values.
const field = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/\n/g, '\\n');

/** The subscriber table's text for `accounts` in `domain` (realm = domain). */
export function subscriberTable(accounts: readonly SipAccount[], domain: string): string {
  const rows = accounts.map((account, index) => {
    const { sipUser, password } = account;
    const ha1 = md5(`${sipUser}:${domain}:${password}`);
    const ha1b = md5(`${sipUser}@${domain}:${domain}:${password}`);
    return [index + 1, sipUser, domain, password, ha1, ha1b].map(String).map(field).join(':');
  });
  return `id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string) \n${rows.map((r) => `${r}\n`).join('')}`;
}

/** Writes the db_text directory's tables; each write gets a later mtime than the last. */
export class SubscriberProvisioner {
  private lastMtimeSec = 0;

  constructor(
    private readonly dbDir: string,
    private readonly domain: string,
  ) {}

  write(accounts: readonly SipAccount[]): void {
    this.replace(
      'version',
      'id(int,auto) table_name(string) table_version(int) \n0:subscriber:7\n',
    );
    this.replace('subscriber', subscriberTable(accounts, this.domain));
  }

  /** Atomic replace; Kamailio compares mtimes in whole seconds, so two writes in one second still differ. */
  private replace(table: string, text: string): void {
    const path = join(this.dbDir, table);
    const temporary = join(this.dbDir, `.${table}.tmp`);
    writeFileSync(temporary, text, 'utf8');
    const mtime = Math.max(Math.floor(Date.now() / 1000), this.lastMtimeSec + 1);
    if (table === 'subscriber') this.lastMtimeSec = mtime;
    utimesSync(temporary, mtime, mtime);
    renameSync(temporary, path);
  }
}
