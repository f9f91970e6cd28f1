/**
 * Keeps the SIP line in step with the session: the bound extension is registered while signed
 * in, re-registered when the extension changes (once no call is on the line), and unregistered
 * on sign-out or when the new extension's record cannot be read (retried on the next change).
 * Credentials come from the platform's extension record (or settings when the platform
 * withholds them); they stay in main.
 */
import { appError } from '../../shared/domain/errors';
import type { AgentSession } from './session';
import type { Settings } from '../../shared/settings';
import type { SipLine, SipLineConfig } from '../sip/types';
import type { AppError } from '../../shared/domain/errors';

export interface SipSources {
  settings: Settings;
  sipPassword: string | null;
  /** The platform side's WebSocket URL (the embedded emulator's), if it offers one. */
  platformWsUrl: string | null;
  envWsUrl: string | null;
}

export interface SipBinding {
  kick(reason: 'resume' | 'unlock' | 'online'): void;
  stop(): Promise<void>;
}

/** Wires `line` to `session`; returns the hooks the core uses on system events and quit. */
export function bindSipLine(
  session: AgentSession,
  line: SipLine,
  sources: () => SipSources,
): SipBinding {
  /** The extension the line is asked to follow (a start may still be reading its record). */
  let boundTo: string | null = null;
  /** The extension the line was last started on, until it is stopped. */
  let lineOn: string | null = null;
  let generation = 0;
  line.onStatus((status) => session.setSipStatus(status));

  const refuse = (error: AppError) =>
    session.setSipStatus({
      ...session.snapshot().sip,
      state: 'stopped',
      lastError: error,
      nextRetryAt: null,
    });

  /**
   * Moving the line to another account closes the old connection, and a ringing or live call on
   * it with it: the move waits for the call's end (a later snapshot change brings it back here).
   */
  const callHoldsLine = (extensionId: string) =>
    session.snapshot().call !== null && lineOn !== null && lineOn !== extensionId;

  const start = async (extensionId: string) => {
    const mine = ++generation;
    const record = await session.boundExtension();
    if (mine !== generation) return;
    // A call rang on the old line while the record was being read.
    if (callHoldsLine(extensionId)) {
      boundTo = null;
      return;
    }
    if (!record || !record.ok) {
      boundTo = null; // try again on the next snapshot change
      if (record && !record.ok) {
        // The platform routes this agent to the new extension and has released the old one: a
        // line left registered there would ring for whoever binds it next.
        if (lineOn !== null && lineOn !== extensionId) {
          lineOn = null;
          await line.stop();
          if (mine !== generation) return;
        }
        refuse(record.error);
      }
      return;
    }
    const config = resolveConfig(record.value, sources());
    if ('code' in config) return refuse(config);
    boundTo = extensionId;
    lineOn = extensionId;
    line.start(config);
  };

  session.onChange((snapshot) => {
    const extension = snapshot.phase === 'signed-in' ? (snapshot.profile?.extension ?? null) : null;
    if (extension && extension !== boundTo) {
      if (callHoldsLine(extension)) return;
      boundTo = extension;
      void start(extension);
    } else if (!extension && boundTo && snapshot.phase === 'signed-out') {
      boundTo = null;
      lineOn = null;
      generation++;
      void line.stop();
    }
  });

  return {
    kick: (reason) => {
      if (boundTo) line.kick(reason);
    },
    stop: () => {
      generation++;
      boundTo = null;
      lineOn = null;
      return line.stop();
    },
  };
}

function resolveConfig(
  record: { user?: string | null; password?: string | null },
  sources: SipSources,
): SipLineConfig | AppError {
  const { settings } = sources;
  const user = record.user || settings.sipUserOverride;
  const password = record.password || sources.sipPassword;
  if (!user || !password) {
    return appError(
      'sip-auth-failed',
      'the platform withheld the SIP credentials and none are set in Settings',
    );
  }
  const wsUrl = sources.envWsUrl ?? settings.sipWsUrl ?? sources.platformWsUrl;
  // A settings problem, not a lost line: nothing retries until the URL is set.
  if (!wsUrl) return appError('sip-not-configured', 'no SIP WebSocket URL is configured');
  return {
    wsUrl,
    domain: settings.sipDomain,
    user,
    password,
    expiresSec: settings.registerExpiresSeconds,
  };
}
