/**
 * Builds the host-agnostic core: settings, platform source, agent session, SIP line and the
 * contract's handlers. Both hosts (the Electron shell and the browser host) call this and add
 * only their transport.
 */
import { EventEmitter } from 'node:events';
import { appError } from '../../shared/domain/errors';
import { MAX_PAGE_SIZE, summariseExtension } from '../../shared/platform/dto';
import { AgentSession } from './session';
import { ENV, PlatformSource } from './platform-source';
import { createRouter } from './router';
import { settingsFile } from './settings-file';
import { systemClock, silentLogger } from '../../lib/ports';
import type { DesktopCore, SystemEvent } from './desktop-core';
import type { StartEmbedded } from './platform-source';
import type { Handlers } from './router';
import type { Clock, Logger, SecretStore } from '../../lib/ports';
import type { EventPayloads, Result } from '../../shared/ipc/contract';
import type { Settings, SettingsPatch, SettingsView } from '../../shared/settings';
import type { SipLine } from '../sip/types';
import { bindSipLine } from './sip-binding';
import { createSipLine } from '../sip/index';
import { CallController } from './calls';
import { MediaBridge } from './media-bridge';
import { createAgentDay } from './agent-day';
import type { OpenExternal } from './screen-pop';

export interface CoreOptions {
  secrets: SecretStore;
  /** JSON settings file in the user-data folder; null keeps settings in memory. */
  settingsFile: string | null;
  clock?: Clock;
  logger?: Logger;
  env?: Record<string, string | undefined>;
  /** The OS locale, for language 'system'. */
  locale?: string;
  /**
   * Starts the embedded demo platform when no platform is configured. Given by the composition
   * root (the core never imports the emulator); without it, an unconfigured desktop says so.
   */
  startEmbedded?: StartEmbedded;
  /** The SIP line (default: sip.js over WebSocket); `null` = no SIP (the snapshot says `stopped`). */
  sipLine?: SipLine | null;
  /** Keepalive period overriding settings (tests and benchmarks use sub-second periods). */
  keepaliveMs?: number;
  /** How long the window may take to answer a call's SDP offer (default 10 s). */
  mediaTimeoutMs?: number;
  /** The call-history journal in the user-data folder; null/absent keeps history in memory. */
  historyFile?: string | null;
  /** Opens a vetted URL in the default browser (screen-pop); absent = this host cannot. */
  openExternal?: OpenExternal;
}

export interface Core extends DesktopCore {
  /** The platform source (tests and benchmarks reach the embedded emulator through it). */
  readonly platforms: PlatformSource;
  readonly session: AgentSession;
  /** The agent's day (history, figures, screen-pop, wrap-up); tests reach the store through it. */
  readonly day: ReturnType<typeof createAgentDay>;
}

/** Creates the core. Nothing here imports electron. */
export async function createDesktopCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const persistence = settingsFile(options.settingsFile, logger);
  let settings: Settings = persistence.load();
  const events = new EventEmitter();
  const emit = <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) =>
    events.emit(event, payload);

  const platforms = new PlatformSource(
    () => settings,
    options.secrets,
    options.env ?? {},
    logger,
    options.startEmbedded ?? null,
  );
  if (platforms.usesDemo()) await platforms.ensure();

  const session = new AgentSession({
    clock,
    logger,
    platform: () => platforms.client(),
    baseUrl: () => platforms.target(),
    keepaliveMs: () => options.keepaliveMs ?? settings.keepaliveSeconds * 1000,
    holdActions: () => ({ onSuspend: settings.onSuspend, onLock: settings.onLock }),
  });
  session.onChange((snapshot) => emit('session:changed', snapshot));
  const line = options.sipLine === undefined ? createSipLine({ clock, logger }) : options.sipLine;
  const sip = line
    ? bindSipLine(session, line, () => ({
        settings,
        sipPassword: options.secrets.get('sipPassword'),
        platformWsUrl: platforms.target().sipWsUrl,
        envWsUrl: options.env?.[ENV.sipWsUrl] ?? null,
      }))
    : null;
  // Calls: SIP in the line, media in the window (asked over `media:request` / `media:reply`).
  const media = new MediaBridge({
    clock,
    logger,
    send: (request) => emit('media:request', request),
    ...(options.mediaTimeoutMs !== undefined ? { timeoutMs: options.mediaTimeoutMs } : {}),
  });
  const day = createAgentDay({
    session,
    settings: () => settings,
    clock,
    logger,
    historyFile: options.historyFile ?? null,
    openExternal: options.openExternal ?? null,
    emit,
  });
  const calls = line
    ? new CallController({
        session,
        line,
        media,
        clock,
        logger,
        observers: day.observers,
        admit: (call) => day.admit(call),
      })
    : null;

  const view = (): SettingsView => ({
    settings,
    secrets: {
      secretKey: options.secrets.get('secretKey') !== null,
      sipPassword: options.secrets.get('sipPassword') !== null,
    },
    secureStorage: options.secrets.persistent,
  });

  const updateSettings = (patch: SettingsPatch): Result<SettingsView> => {
    const { secrets, ...rest } = patch;
    settings = { ...settings, ...rest };
    try {
      persistence.save(settings);
    } catch (error) {
      logger.error('settings not saved', { error: String(error) });
      return { ok: false, error: appError('internal', String(error)) };
    }
    if (secrets?.secretKey !== undefined) options.secrets.set('secretKey', secrets.secretKey);
    if (secrets?.sipPassword !== undefined) options.secrets.set('sipPassword', secrets.sipPassword);
    const value = view();
    emit('settings:changed', value);
    return { ok: true, value };
  };

  const noCall = async () => ({
    ok: false as const,
    error: appError('invalid-input', undefined, 'no such call'),
  });
  const handlers: Handlers = {
    'session:snapshot': async () => ({ ok: true, value: session.snapshot() }),
    'session:sign-in': async (profile) => {
      try {
        await platforms.ensure();
      } catch (error) {
        return { ok: false, error: appError('transport', String(error)) };
      }
      return session.signIn(profile);
    },
    'session:sign-out': ({ force }) => session.signOut(force),
    'session:dismiss-question': async () => session.dismissQuestion(),
    'session:refresh': () => session.refresh(),
    'agent:set-state': async ({ state }) => {
      const result = await session.setState(state);
      // The agent's own choice: it ends a wrap-up and resets the no-answer count.
      if (result.ok) day.manualStateChange();
      return result;
    },
    'agent:edit-skills': ({ opts }) => session.editSkills(opts),
    'agent:set-extension': ({ id }) => session.setExtension(id),
    'team:list': ({ pageNo, pageSize }) =>
      session.listTeam({ pageNo, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) }),
    'extensions:list': async ({ pageNo, pageSize }) => {
      await platforms.ensure().catch(() => undefined);
      const result = await session.listExtensions({
        pageNo,
        pageSize: Math.min(pageSize, MAX_PAGE_SIZE),
      });
      return result.ok
        ? {
            ok: true,
            value: { ...result.value, result: result.value.result.map(summariseExtension) },
          }
        : result;
    },
    'settings:get': async () => ({ ok: true, value: view() }),
    'settings:update': async (patch) => updateSettings(patch),
    // Without a SIP line no call can exist to act on.
    'call:answer': ({ callId }) => (calls ? calls.answer(callId) : noCall()),
    'call:reject': ({ callId }) => (calls ? calls.reject(callId) : noCall()),
    'call:hangup': ({ callId }) => (calls ? calls.hangUp(callId) : noCall()),
    'call:mute': ({ callId, muted }) => (calls ? calls.mute(callId, muted) : noCall()),
    'call:hold': ({ callId, held }) => (calls ? calls.hold(callId, held) : noCall()),
    'media:reply': async (reply) => media.reply(reply),
    'media:microphone': async ({ health }) => {
      session.setMicrophone(health);
      return { ok: true, value: null };
    },
    ...day.handlers,
  };
  const dispatch = createRouter(handlers, logger);

  const system = (event: SystemEvent): void => {
    const run = async () => {
      if (event === 'suspend' || event === 'lock-screen') {
        await session.hold(event === 'suspend' ? 'suspend' : 'lock');
      } else if (event === 'offline') {
        session.networkLost();
      } else {
        sip?.kick(event === 'resume' ? 'resume' : event === 'unlock-screen' ? 'unlock' : 'online');
        await session.wake();
      }
    };
    run().catch((error) => logger.error('system event failed', { event, error: String(error) }));
  };

  return {
    platforms,
    session,
    day,
    dispatch,
    on(event, listener) {
      events.on(event, listener as (payload: unknown) => void);
      return () => events.off(event, listener as (payload: unknown) => void);
    },
    snapshot: () => session.snapshot(),
    dayStatus: () => day.status(),
    settings: () => settings,
    settingsView: view,
    system,
    async shutdown(timeoutMs) {
      await session.shutdown(timeoutMs);
      calls?.close();
      day.close();
      media.close();
      await sip?.stop();
      await platforms.close();
      events.removeAllListeners();
    },
  };
}
