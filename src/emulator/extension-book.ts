/**
 * The platform's extensions (分机) and their SIP registrations (docs/platform-api/agent-api.md §5). It is also the
 * SipDirectory the SIP side consults: one record per extension holds both the account and the
 * registration, so deleting an extension can never leave a registration behind.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { randomBytes } from 'node:crypto';
import {
  EXTENSION_PASSWORD_PATTERN,
  EXTENSION_USER_PATTERN,
  SIP_EXTENSION_TYPE,
} from '../shared/domain/extension';
import type { CreateExtensionRequest, ExtensionDto } from '../shared/platform/dto';
import { DEMO_EXTENSIONS, SIP_USER_PREFIX } from './demo-data';
import { Listeners } from '../lib/listeners';
import { fail, ok, OK, type Result } from './results';
import type { SipAccount, SipDirectory } from './sip-directory';

export interface ExtensionRecord {
  id: string;
  sipUser: string;
  password: string;
  /** Name of the agent bound to it, or null. */
  boundTo: string | null;
  /** SIP contact while registered, else null. */
  contact: string | null;
  /** Epoch ms when the registration lapses; null = until removed. */
  expiresAt: number | null;
}

export class ExtensionBook implements SipDirectory {
  private readonly byId = new Map<string, ExtensionRecord>();
  private readonly idBySipUser = new Map<string, string>();
  private readonly accountListeners: Listeners<[]>;

  constructor(
    private readonly now: () => number,
    /** Told when an extension gains or loses its registration. */
    private readonly onRegistration: (extensionId: string, registered: boolean) => void,
    log: (msg: string) => void,
  ) {
    this.accountListeners = new Listeners('accounts-changed', log);
  }

  /** Creates a type-1 extension with the platform's rules; `id` is only for demo data. */
  create(input: CreateExtensionRequest, id?: string): Result<ExtensionDto> {
    if (input.type !== SIP_EXTENSION_TYPE) return fail(PLATFORM_CODES.BAD_PARAMETER);
    const { user, password } = input;
    if (user === undefined || !EXTENSION_USER_PATTERN.test(user))
      return fail(PLATFORM_CODES.BAD_PARAMETER);
    if (password === undefined || !EXTENSION_PASSWORD_PATTERN.test(password)) {
      return fail(PLATFORM_CODES.BAD_PARAMETER);
    }
    const sipUser = SIP_USER_PREFIX + user;
    if (this.idBySipUser.has(sipUser)) return fail(PLATFORM_CODES.EXTENSION_EXISTS);
    const record: ExtensionRecord = {
      id: id ?? this.newId(),
      sipUser,
      password,
      boundTo: null,
      contact: null,
      expiresAt: null,
    };
    this.byId.set(record.id, record);
    this.idBySipUser.set(sipUser, record.id);
    this.accountsChanged();
    return ok(extensionDto(record));
  }

  /** The extension as the platform returns it, SIP user and password included. */
  get(id: string): Result<ExtensionDto> {
    const record = this.byId.get(id);
    return record ? ok(extensionDto(record)) : fail(PLATFORM_CODES.EXTENSION_NOT_FOUND);
  }

  /** The record itself, for the store's binding rules (null when unknown). */
  record(id: string): ExtensionRecord | null {
    return this.byId.get(id) ?? null;
  }

  /** Every record in creation order. */
  all(): ExtensionRecord[] {
    return [...this.byId.values()];
  }

  /** Deletes an unbound extension: bound → 040102, unknown → 040103. */
  delete(id: string): Result {
    const record = this.byId.get(id);
    if (!record) return fail(PLATFORM_CODES.EXTENSION_NOT_FOUND);
    if (record.boundTo !== null) return fail(PLATFORM_CODES.EXTENSION_BOUND);
    const wasRegistered = this.isRegistered(id);
    this.byId.delete(id);
    this.idBySipUser.delete(record.sipUser);
    if (wasRegistered) this.onRegistration(id, false);
    this.accountsChanged();
    return OK;
  }

  /**
   * Back to the demo extensions (or none). Registrations of extensions that survive (the demo
   * ids are fixed) are kept: the registrar still holds them, and dropping them here would leave
   * a registered phone that the platform believes unreachable.
   */
  reset(demoData: boolean): void {
    const kept = new Map<string, ExtensionRecord>();
    for (const record of this.byId.values()) kept.set(record.id, record);
    this.byId.clear();
    this.idBySipUser.clear();
    if (demoData) {
      for (const demo of DEMO_EXTENSIONS) {
        const old = kept.get(demo.id);
        this.byId.set(demo.id, {
          id: demo.id,
          sipUser: demo.sipUser,
          password: demo.password,
          boundTo: null,
          contact: old?.contact ?? null,
          expiresAt: old?.expiresAt ?? null,
        });
        this.idBySipUser.set(demo.sipUser, demo.id);
      }
    }
    for (const old of kept.values()) {
      if (!this.byId.has(old.id) && old.contact !== null) this.onRegistration(old.id, false);
    }
    this.accountsChanged();
  }

  /** True while the extension holds an unexpired SIP registration. */
  isRegistered(id: string): boolean {
    const record = this.byId.get(id);
    return record !== undefined && registered(record, this.now());
  }

  // ---------- SipDirectory ----------

  lookup(sipUser: string): SipAccount | null {
    const id = this.idBySipUser.get(sipUser);
    const record = id === undefined ? undefined : this.byId.get(id);
    return record ? toAccount(record) : null;
  }

  accounts(): SipAccount[] {
    return [...this.byId.values()].map(toAccount);
  }

  setRegistration(extensionId: string, contact: string | null, expiresAt: number | null): void {
    const record = this.byId.get(extensionId);
    if (!record) return; // deleted meanwhile: nothing to record
    const before = registered(record, this.now());
    record.contact = contact;
    record.expiresAt = contact === null ? null : expiresAt;
    const after = registered(record, this.now());
    if (before !== after) this.onRegistration(extensionId, after);
  }

  onAccountsChanged(listener: () => void): () => void {
    return this.accountListeners.add(listener);
  }

  private accountsChanged(): void {
    this.accountListeners.emit();
  }

  private newId(): string {
    for (;;) {
      const id = randomBytes(16).toString('hex');
      if (!this.byId.has(id)) return id;
    }
  }
}

function registered(record: ExtensionRecord, now: number): boolean {
  return record.contact !== null && (record.expiresAt === null || now < record.expiresAt);
}

function toAccount(record: ExtensionRecord): SipAccount {
  return { extensionId: record.id, sipUser: record.sipUser, password: record.password };
}

/** The wire form: `type` as the string "1", `telnum` (not the docs' `telenum`), nulls kept. */
export function extensionDto(record: ExtensionRecord): ExtensionDto {
  return {
    id: record.id,
    type: '1',
    user: record.sipUser,
    password: record.password,
    ipaddr: null,
    telnum: null,
  };
}
