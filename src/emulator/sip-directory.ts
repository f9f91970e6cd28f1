/**
 * The seam between the emulator's platform store and its SIP side (embedded registrar or
 * Kamailio). The store implements it; the SIP side consults it for digest auth and reports
 * registrations, which the platform counts when deciding who may be routed work.
 */
export interface SipAccount {
  extensionId: string;
  /** Full SIP user as the platform stores it: app prefix + the `user` given at creation. */
  sipUser: string;
  password: string;
}

export interface SipDirectory {
  /** The account for a SIP user, or null when no type-1 extension has it. */
  lookup(sipUser: string): SipAccount | null;
  /** Every SIP account (for provisioning a real registrar such as Kamailio). */
  accounts(): SipAccount[];
  /** Records that an extension gained (`contact` set) or lost (null) its registration. */
  setRegistration(extensionId: string, contact: string | null, expiresAt: number | null): void;
  /** Called when the set of accounts changes (extension created or deleted). */
  onAccountsChanged(listener: () => void): () => void;
}
