/**
 * SIP logging connects here. sip.js's own log lines go to the app's Logger at debug: sip.js
 * reports ordinary events as warnings and errors (an out-of-dialog REGISTER at a registrar, a
 * send on a transport the line has just closed), while the line and the registrar log what
 * matters in their own words. The messages themselves go to a bounded {@link SipMessageLog}
 * (for the diagnostics bundle), credentials redacted as they are recorded.
 */
import type { LogConnector } from 'sip.js';
import { redactText } from '../../shared/redact';
import type { Logger } from '../ports';

/** A sip.js `logConnector` that writes to `logger.debug`, keeping sip.js's level and category. */
export function sipLogConnector(logger: Logger): LogConnector {
  return (level, category, _label, content) =>
    logger.debug(`sip.js: ${content}`, { level, category });
}

/** Called by the transport with every SIP message it sends or receives. */
export type SipTrace = (direction: 'sent' | 'received', message: string) => void;

export interface SipMessageEntry {
  at: number;
  direction: 'sent' | 'received';
  /** The message (with Authorization/Proxy-Authorization and known secrets redacted by `list`). */
  text: string;
}

/** Messages kept for the diagnostics bundle. */
export const SIP_MESSAGE_LIMIT = 200;

/** The last {@link SIP_MESSAGE_LIMIT} SIP messages, redacted when read out. */
export class SipMessageLog {
  private readonly entries: SipMessageEntry[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly known: () => Iterable<string> = () => [],
    private readonly limit = SIP_MESSAGE_LIMIT,
  ) {}

  readonly trace: SipTrace = (direction, message) => {
    this.entries.push({ at: this.now(), direction, text: message });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  };

  /**
   * The kept messages, redacted now: every message passes here on the ringing path, so the work
   * is done when a bundle is made instead (the secrets known then include every earlier one).
   */
  list(): SipMessageEntry[] {
    const known = [...this.known()];
    return this.entries.map((entry) => ({ ...entry, text: redactText(entry.text, known) }));
  }
}
