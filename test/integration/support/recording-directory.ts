/**
 * The emulator's real store as the SIP side's directory, with every setRegistration call
 * recorded on the way through, and waits on the store's own registration events.
 */
import type { PlatformStore } from '../../../src/emulator/index';
import type { SipAccount, SipDirectory } from '../../../src/emulator/sip-directory';
import type { RegistrationChange } from '../../main/sip/support/memory-directory';

export class RecordingDirectory implements SipDirectory {
  readonly changes: RegistrationChange[] = [];
  private readonly waiters = new Set<() => void>();
  constructor(readonly store: PlatformStore) {}

  lookup(sipUser: string): SipAccount | null {
    return this.store.lookup(sipUser);
  }
  accounts(): SipAccount[] {
    return this.store.accounts();
  }
  setRegistration(extensionId: string, contact: string | null, expiresAt: number | null): void {
    this.changes.push({ extensionId, contact, expiresAt, at: Date.now() });
    this.store.setRegistration(extensionId, contact, expiresAt);
    for (const wake of [...this.waiters]) wake();
  }
  onAccountsChanged(listener: () => void): () => void {
    return this.store.onAccountsChanged(listener);
  }

  /** Resolves when the store's registered flag for `extensionId` is `registered`. */
  untilFlag(extensionId: string, registered: boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.store.isExtensionRegistered(extensionId) === registered) return resolve();
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${extensionId} registered=${registered}`,
          ),
        );
      }, timeoutMs);
      const off = this.store.onChange((event) => {
        if (event.type !== 'registration' || event.extensionId !== extensionId) return;
        if (event.registered !== registered) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** Resolves once `predicate` holds (checked now and after every recorded change). */
  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
