/**
 * sip.js's own log lines, routed to the app's Logger at debug: sip.js reports ordinary events as
 * warnings and errors (an out-of-dialog REGISTER at a registrar, a send on a transport the line
 * has just closed), while the line and the registrar log what matters in their own words.
 */
import type { LogConnector } from 'sip.js';
import type { Logger } from '../ports';

/** A sip.js `logConnector` that writes to `logger.debug`, keeping sip.js's level and category. */
export function sipLogConnector(logger: Logger): LogConnector {
  return (level, category, _label, content) =>
    logger.debug(`sip.js: ${content}`, { level, category });
}
