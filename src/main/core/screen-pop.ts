/**
 * Screen-pop: when a call rings (or is answered, per settings) the core builds the CRM URL with
 * the one rule in shared/screen-pop.ts and asks the host to open it in the default browser
 * (Electron's shell.openExternal). The core decides; the shell only opens. With `button` the
 * window offers "Customer record" instead, which lands here too.
 */
import { appError } from '../../shared/domain/errors';
import { buildScreenPopUrl, callerNumber } from '../../shared/screen-pop';
import type { Result } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/settings';
import type { CallInfo } from '../../shared/snapshot';
import type { Logger } from '../../lib/ports';
import type { CallObserver } from './calls';

/** The host's door to the default browser. */
export type OpenExternal = (url: string) => Promise<void>;

export interface ScreenPopOptions {
  settings: () => Settings;
  agent: () => string | null;
  open: OpenExternal | null;
  logger: Logger;
}

export class ScreenPop implements CallObserver {
  constructor(private readonly options: ScreenPopOptions) {}

  ringing(info: CallInfo): void {
    if (this.options.settings().screenPopWhen === 'ring') void this.pop(info, false);
  }

  answered(info: CallInfo): void {
    if (this.options.settings().screenPopWhen === 'answer') void this.pop(info, false);
  }

  /** The window's "Customer record" button: opens for this call whatever the timing setting. */
  openRecord(info: CallInfo): Promise<Result<null>> {
    return this.pop(info, true);
  }

  private async pop(info: CallInfo, asked: boolean): Promise<Result<null>> {
    const { settings: read, agent, open, logger } = this.options;
    const settings = read();
    if (!settings.screenPopUrl) {
      return asked ? refuse('no customer-record address is set') : { ok: true, value: null };
    }
    const built = buildScreenPopUrl(
      settings.screenPopUrl,
      { caller: callerNumber(info.caller), agent: agent() ?? '', callId: info.id },
      { hosts: settings.screenPopHosts, httpHosts: settings.screenPopHttpHosts },
    );
    if (!built.ok) {
      // Logged without the caller's number: it may be what made the URL unsafe.
      logger.warn('screen-pop refused', { callId: info.id, problem: built.problem });
      return refuse(`the customer-record address was refused (${built.problem})`);
    }
    if (!open) return refuse('this host cannot open a browser');
    try {
      await open(built.url);
      logger.info('screen-pop opened', { callId: info.id });
      return { ok: true, value: null };
    } catch (error) {
      logger.warn('screen-pop failed', { callId: info.id, error: String(error) });
      return { ok: false, error: appError('internal', String(error)) };
    }
  }
}

function refuse(detail: string): Result<null> {
  return { ok: false, error: appError('invalid-input', detail, detail) };
}
