/**
 * A test double of the SipDirectory port (the emulator store implements the real one): accounts
 * in memory, every setRegistration recorded, and waits that resolve on the change itself.
 */
import type { SipAccount, SipDirectory } from '../../../../src/emulator/sip-directory';

export interface RegistrationChange {
  extensionId: string;
  contact: string | null;
  expiresAt: number | null;
  at: number;
}

/** Accounts shaped like the emulator's demo extensions (users 800001…, app prefix 10001). */
export function demoAccounts(count = 3): SipAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    extensionId: `ext-${i + 1}`,
    sipUser: `1000180000${i + 1}`,
    password: `demo80000${i + 1}`,
  }));
}

export class MemoryDirectory implements SipDirectory {
  readonly changes: RegistrationChange[] = [];
  private readonly current = new Map<string, { contact: string; expiresAt: number | null }>();
  private readonly accountsChanged = new Set<() => void>();
  private readonly waiters = new Set<() => void>();

  constructor(private list: SipAccount[] = demoAccounts()) {}

  lookup(sipUser: string): SipAccount | null {
    return this.list.find((account) => account.sipUser === sipUser) ?? null;
  }
  accounts(): SipAccount[] {
    return [...this.list];
  }
  setRegistration(extensionId: string, contact: string | null, expiresAt: number | null): void {
    this.changes.push({ extensionId, contact, expiresAt, at: Date.now() });
    if (contact) this.current.set(extensionId, { contact, expiresAt });
    else this.current.delete(extensionId);
    for (const wake of [...this.waiters]) wake();
  }
  onAccountsChanged(listener: () => void): () => void {
    this.accountsChanged.add(listener);
    return () => this.accountsChanged.delete(listener);
  }

  /** Replaces the account list, as creating or deleting an extension would. */
  setAccounts(list: SipAccount[]): void {
    this.list = list;
    for (const listener of [...this.accountsChanged]) listener();
  }
  registered(extensionId: string): boolean {
    return this.current.has(extensionId);
  }
  contact(extensionId: string): string | null {
    return this.current.get(extensionId)?.contact ?? null;
  }

  /** Resolves once `predicate` holds (checked now and on every registration change). */
  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
