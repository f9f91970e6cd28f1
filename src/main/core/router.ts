/**
 * The contract's main-side dispatcher: a channel must exist, its payload must pass the channel's
 * schema, and only then does the handler run. Anything thrown becomes a typed `internal` error:
 * nothing a window sends can crash the main process.
 */
import { COMMANDS, isChannel } from '../../shared/ipc/contract';
import { appError } from '../../shared/domain/errors';
import type { Channel, CommandInput, CommandResults, Result } from '../../shared/ipc/contract';
import type { Logger } from '../../lib/ports';

export type Handlers = {
  [C in Channel]: (input: CommandInput<C>) => Promise<Result<CommandResults[C]>>;
};

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Result<unknown>>;

/** Builds `dispatch(channel, payload)` over a full handler map. */
export function createRouter(handlers: Handlers, logger: Logger): Dispatch {
  return async (channel, payload) => {
    if (!isChannel(channel)) {
      const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
      return { ok: false, error: appError('unknown-command', name) };
    }
    const parsed = COMMANDS[channel].safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return {
        ok: false,
        error: appError(
          'invalid-input',
          `${channel} ${where}${issue?.message ?? ''}`,
          `${where}${issue?.message ?? ''}`,
        ),
      };
    }
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<Result<unknown>>;
      return await handler(parsed.data);
    } catch (error) {
      logger.error('command failed', { channel, error: String(error) });
      return { ok: false, error: appError('internal', String(error)) };
    }
  };
}
