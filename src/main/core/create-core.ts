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
import { SECRET_KEYS, systemClock, silentLogger } from '../../lib/ports';
import type { DesktopCore, SystemEvent } from './desktop-core';
import type { StartEmbedded } from './platform-source';
import type { Handlers } from './router';
import type { Clock, Logger, SecretKey, SecretStore } from '../../lib/ports';
import type { EventPayloads, Result } from '../../shared/ipc/contract';
import type { Settings, SettingsPatch, SettingsView } from '../../shared/settings';
import type { SipLine } from '../sip/types';
import { bindSipLine } from './sip-binding';
import { createSipLine } from '../sip/index';
import { CallController } from './calls';
import { MediaBridge } from './media-bridge';
import { AdminPolicy, environmentOverrides, withEnvironment } from './admin-policy';
import { readPolicy } from './policy-file';
import { watchSecrets, watchSipLine } from './secret-watch';
import { CrashHold } from './crash-hold';
import type { SecretList } from '../../lib/log/secret-list';
import { SipMessageLog } from '../../lib/sip-ws/sip-log';
import { proxiedWebSocket } from '../../lib/sip-ws/proxy';
import { DiagnosticsRecorder } from './diagnostics/recorder';
import { buildDiagnosticsBundle, statusForDiagnostics } from './diagnostics/bundle';
import type { DiagnosticsExport } from '../../shared/ipc/contract';
import { GatewayAccess } from './gateway-access';
import type { SessionSnapshot } from '../../shared/snapshot';
import { createAgentDay } from './agent-day';
import type { OpenExternal } from './screen-pop';
import type { PlatformTransport } from '../../lib/platform/transport';

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
  /** The administrator's policy file; a malformed one makes creation throw a PolicyError. */
  policyFile?: string | null;
  /**
   * What platform requests go through (default: the global fetch). The Electron shell gives
   * net.fetch (system proxy and PAC); the Node host its node:http transport.
   */
  transport?: PlatformTransport;
  /** Secret values become known here as the core learns them, so logs can scrub them. */
  knownSecrets?: SecretList;
  /** What only the host knows for the diagnostics bundle, and how it saves one. */
  diagnostics?: DiagnosticsHost;
  /** The call-history journal in the user-data folder; null/absent keeps history in memory. */
  historyFile?: string | null;
  /** Opens a vetted URL in the default browser (screen-pop); absent = this host cannot. */
  openExternal?: OpenExternal;
}

export interface DiagnosticsHost {
  /** App, Electron, Chromium, Node and OS versions. */
  versions(): Record<string, string>;
  /** The log files, newest first. */
  logFiles(): string[];
  /** Asks where to save and writes `bundle()` there (absent: the host cannot save files). */
  save?(bundle: () => Uint8Array): Promise<Result<DiagnosticsExport>>;
}

export interface Core extends DesktopCore {
  /** The platform source (tests and benchmarks reach the embedded emulator through it). */
  readonly platforms: PlatformSource;
  readonly session: AgentSession;
  /** The diagnostics bundle (zip bytes), secrets removed. */
  diagnosticsBundle(): Uint8Array;
  /** The window's renderer died: end any call, hold the agent (kept when `loop`). */
  windowCrashed(loop: boolean): Promise<void>;
  /** Calls (null without a SIP line): quality figures per call for history and diagnostics. */
  readonly calls: CallController | null;
  /** The agent's day (history, figures, screen-pop, wrap-up); tests reach the store through it. */
  readonly day: ReturnType<typeof createAgentDay>;
}

/**
 * Auto-answer's delay, or null when off: the agent's setting, or an administrator's
 * AGENT_DESKTOP_AUTO_ANSWER_SECONDS (0–10) which turns it on for every agent on the machine.
 * Pass the environment after the policy ({@link AdminPolicy.environment}): a policy that fixes
 * auto-answer removes the variable.
 */
export function autoAnswerDelayMs(
  settings: Settings,
  env: Record<string, string | undefined>,
): number | null {
  // One rule for what the variable forces: the settings in force (and the window) read the same.
  const inForce = withEnvironment(settings, env);
  return inForce.autoAnswer ? inForce.autoAnswerDelaySeconds * 1000 : null;
}

/** Creates the core. Nothing here imports electron. */
export async function createDesktopCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  // Read first: a malformed policy throws here and the app refuses to start half-configured.
  const policy = new AdminPolicy(
    options.policyFile ? readPolicy(options.policyFile, logger) : null,
  );
  const env = policy.environment(options.env ?? {});
  const known = options.knownSecrets;
  const secretStore = watchSecrets(policy.secrets(options.secrets), known);
  known?.add(env[ENV.secretKey]);
  // The store takes a proxy password an older settings.json held in the proxy URL.
  const persistence = settingsFile(options.settingsFile, logger, Date.now, secretStore);
  let userSettings: Settings = persistence.load();
  /** What runs: the user's settings, the policy over them, then what the environment forces. */
  const inForce = (user: Settings) => withEnvironment(policy.effective(user), env);
  let settings: Settings = inForce(userSettings);
  // Known from the start, so no log line can carry it before the first proxied connection.
  known?.add(secretStore.get('sipProxyPassword'));
  known?.add(persistence.proxyPassword?.());
  /** The proxy's password: the store's, or one an older settings.json keeps (store read-only). */
  const proxyPassword = () =>
    secretStore.get('sipProxyPassword') ?? persistence.proxyPassword?.() ?? null;
  const events = new EventEmitter();
  const emit = <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) =>
    events.emit(event, payload);

  // Gateway mode: the agent's token lives here, in main's memory only.
  const access: GatewayAccess = new GatewayAccess(
    (): string | null => platforms.gatewayOrigin(),
    logger,
    globalThis.fetch,
    undefined,
    known,
  );
  const platforms: PlatformSource = new PlatformSource(
    () => settings,
    secretStore,
    env,
    logger,
    options.startEmbedded ?? null,
    options.transport,
    access,
  );
  // Gateway mode however it came (Settings, the policy, the environment): the desktop never
  // holds the account key, so one stored from before goes (docs/gateway.md). The agent's own
  // store is asked (a key the policy fixes is not stored, and is not used in gateway mode either);
  // a store that cannot write keeps the key, unused, and the start goes on.
  const dropAccountKey = () => {
    if (!platforms.gatewayOrigin() || options.secrets.get('secretKey') === null) return;
    try {
      options.secrets.set('secretKey', null);
    } catch (error) {
      logger.warn('gateway mode: the stored account key could not be removed; it is not used', {
        error: errorCode(error),
      });
      return;
    }
    if (options.secrets.get('secretKey') === null)
      logger.info('gateway mode: the stored account key was removed');
  };
  dropAccountKey();
  if (platforms.usesDemo()) await platforms.ensure();
  known?.add(platforms.target().credentials?.secretKey);

  const session = new AgentSession({
    clock,
    logger,
    platform: () => platforms.client(),
    baseUrl: () => platforms.target(),
    keepaliveMs: () => options.keepaliveMs ?? settings.keepaliveSeconds * 1000,
    holdActions: () => ({ onSuspend: settings.onSuspend, onLock: settings.onLock }),
  });
  const withAccess = (snapshot: SessionSnapshot): SessionSnapshot => ({
    ...snapshot,
    access: { mode: platforms.mode(), signInNeeded: access.signInNeeded() },
  });
  const withAccessResult = (r: Result<SessionSnapshot>): Result<SessionSnapshot> =>
    r.ok ? { ok: true, value: withAccess(r.value) } : r;
  session.onRinging((call) => emit('call:ringing', call));
  session.onChange((snapshot) => emit('session:changed', withAccess(snapshot)));
  access.onChange(() => emit('session:changed', withAccess(session.snapshot())));
  const recorder = new DiagnosticsRecorder(() => clock.now());
  // As the window sees it (gateway mode, the sign-in-again prompt), not the bare session's.
  recorder.observe(withAccess(session.snapshot()));
  session.onChange((snapshot) => recorder.observe(withAccess(snapshot)));
  access.onChange(() => recorder.observe(withAccess(session.snapshot())));
  const sipMessages = new SipMessageLog(
    () => clock.now(),
    () => known?.list() ?? [],
  );
  const line = watchSipLine(
    options.sipLine === undefined
      ? createSipLine({
          clock,
          logger,
          trace: sipMessages.trace,
          // A configured proxy applies from the next connection on.
          webSocket: proxiedWebSocket(() => settings.sipProxyUrl, proxyPassword),
        })
      : options.sipLine,
    known,
  );
  const sip = line
    ? bindSipLine(session, line, () => ({
        settings,
        sipPassword: secretStore.get('sipPassword'),
        platformWsUrl: platforms.target().sipWsUrl,
        envWsUrl: env[ENV.sipWsUrl] ?? null,
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
        autoAnswerDelayMs: () => autoAnswerDelayMs(settings, env),
        observers: day.observers,
        admit: (call) => day.admit(call),
        declining: () => day.declining(),
      })
    : null;
  const crash = new CrashHold(
    {
      snapshot: () => session.snapshot(),
      hold: async (state) => (await session.holdFor('crash', state)).ok,
      release: async () => (await session.releaseHold('crash')).ok,
      endCall: async (callId) => {
        await calls?.hangUp(callId);
      },
      noteCause: (cause) => recorder.noteCause(cause),
    },
    logger,
  );
  session.onChange((snapshot) => crash.observe(snapshot));

  const view = (): SettingsView => ({
    settings,
    secrets: {
      // Set for this run by the environment counts too (the field then says by which variable).
      secretKey: secretStore.get('secretKey') !== null || !!env[ENV.secretKey],
      sipPassword: secretStore.get('sipPassword') !== null,
      sipProxyPassword: proxyPassword() !== null,
    },
    secureStorage: options.secrets.persistent,
    locked: policy.lockedKeys(),
    environment: environmentOverrides(env),
  });

  const updateSettings = (patch: SettingsPatch): Result<SettingsView> => {
    const refused = policy.refusedKeys(patch, settings);
    if (refused.length > 0) {
      const detail = `set by your administrator: ${refused.join(', ')}`;
      return { ok: false, error: appError('admin-locked', detail) };
    }
    const { secrets: asked, ...rest } = patch;
    // A proxy password the agent saved is for the proxy it was saved with: naming another host
    // (or user) without a new password drops it rather than sending it there.
    const secrets =
      rest.sipProxyUrl !== undefined &&
      asked?.sipProxyPassword === undefined &&
      !policy.isLocked('sipProxyPassword') &&
      proxyTarget(rest.sipProxyUrl) !== proxyTarget(userSettings.sipProxyUrl) &&
      // One the file still holds (a store that cannot be written) goes with the old URL there.
      secretStore.get('sipProxyPassword') !== null
        ? { ...asked, sipProxyPassword: null }
        : asked;
    // Only the user's own choices are saved: removing the policy later gives them back. A
    // locked key sent back with the policy's value (whole forms) is not the user's choice.
    const own = Object.fromEntries(
      Object.entries(rest).filter(([key]) => !policy.isLocked(key)),
    ) as Partial<Settings>;
    const nextUser = { ...userSettings, ...own };
    const next = inForce(nextUser);
    // Secrets first, then the file, then what runs: a step that fails undoes the ones before it,
    // so the agent never gets an error while half of the change is in force.
    const changes = Object.entries(secrets ?? {}).filter(
      ([key, value]) => value !== undefined && !(key === 'secretKey' && gatewayWith(next)),
    ) as Array<[SecretKey, string | null]>;
    const before = changes.map(([key]) => [key, secretStore.get(key)] as const);
    const written: SecretKey[] = [];
    const undo = () => {
      for (const [key, value] of before) {
        if (!written.includes(key)) continue;
        try {
          secretStore.set(key, value);
        } catch (error) {
          logger.error('settings: a secret could not be put back', {
            key,
            error: errorCode(error),
          });
        }
      }
    };
    for (const [key, value] of changes) {
      try {
        secretStore.set(key, value);
        written.push(key);
      } catch (error) {
        undo();
        const why = `${key} could not be stored in the secret store (${errorCode(error)}); nothing was changed`;
        logger.error(`settings: ${why}`);
        return { ok: false, error: appError('internal', undefined, why) };
      }
    }
    try {
      persistence.save(nextUser, { proxyPasswordSet: written.includes('sipProxyPassword') });
    } catch (error) {
      // Not applied either: what runs is what the file holds.
      undo();
      logger.error('settings not saved', { error: String(error) });
      return { ok: false, error: appError('internal', String(error)) };
    }
    userSettings = nextUser;
    settings = next;
    dropAccountKey();
    const value = view();
    emit('settings:changed', value);
    return { ok: true, value };
  };

  /** Whether `next` in force means gateway mode, by the platform source's own rule. */
  function gatewayWith(next: Settings): boolean {
    const current = settings;
    settings = next; // synchronous: nothing else runs, or sees it, before it is put back
    try {
      return platforms.gatewayOrigin() !== null;
    } finally {
      settings = current;
    }
  }

  const noCall = async () => ({
    ok: false as const,
    error: appError('call-gone', 'no such call'),
  });
  const logWindowError: Handlers['log:window-error'] = async (report) => {
    logger.error(`window ${report.kind}`, report);
    return { ok: true, value: null };
  };
  const diagnosticsBundle = () =>
    buildDiagnosticsBundle({
      versions: options.diagnostics?.versions() ?? { node: process.versions.node },
      status: statusForDiagnostics(withAccess(session.snapshot()), day.status()),
      settings: view(),
      stateChanges: recorder.states.list(),
      sipMessages: sipMessages.list(),
      readiness: recorder.readiness.list(),
      missed: session.snapshot().missed,
      logFiles: options.diagnostics?.logFiles() ?? [],
      secrets: [
        ...(known?.list() ?? []),
        ...SECRET_KEYS.map((key) => secretStore.get(key)).filter(
          (value): value is string => !!value,
        ),
      ],
      createdAt: new Date(clock.now()),
    });
  const exportDiagnostics: Handlers['diagnostics:export'] = async () => {
    const save = options.diagnostics?.save;
    if (!save) {
      return { ok: false, error: appError('unsupported', 'this host cannot save files') };
    }
    return save(diagnosticsBundle);
  };
  const handlers: Handlers = {
    'session:snapshot': async () => ({ ok: true, value: withAccess(session.snapshot()) }),
    'session:sign-in': async ({ password, ...profile }) => {
      try {
        await platforms.ensure();
      } catch (error) {
        return { ok: false, error: appError('transport', String(error)) };
      }
      // Already signed in: refused before a password goes anywhere (a token it bought would
      // replace the session's own).
      if (session.snapshot().phase !== 'signed-out') {
        return withAccessResult(await session.signIn(profile));
      }
      let bought = false;
      if (platforms.mode() === 'gateway') {
        if (password) {
          const signedIn = await access.signIn(profile.name, password);
          if (!signedIn.ok) return signedIn;
          bought = true;
        } else if (!access.holdsTokenFor(profile.name)) {
          return { ok: false, error: appError('invalid-input', undefined, 'password: required') };
        }
        // No extension chosen: the first one the gateway's administrator assigned.
        if (!profile.extension.trim()) profile.extension = access.assignedExtensions()[0] ?? '';
      }
      const result = await session.signIn(profile);
      // Refused after the password bought a token (no extension, the platform said no): the
      // token goes with it. Kept, it would sign the name in later without a password, and go
      // with the desktop's requests while nobody is signed in.
      if (bought && !result.ok && session.snapshot().phase === 'signed-out') await access.signOut();
      return withAccessResult(result);
    },
    'session:reauthenticate': async ({ password }) => {
      const name = session.snapshot().profile?.name;
      if (!name || platforms.mode() !== 'gateway')
        return { ok: false, error: appError('not-signed-in') };
      const signedIn = await access.signIn(name, password, true);
      if (!signedIn.ok) return signedIn;
      // Keepalive now: the session carries on (or heals, restoring the chosen state). The agent
      // typed their password into the window: they are at the desk.
      await session.wake(true);
      return { ok: true, value: withAccess(session.snapshot()) };
    },
    'session:sign-out': async ({ force }) => {
      const result = await session.signOut(force);
      // Whatever the settings say by now: the token is revoked where it came from.
      if (result.ok && access.bearer() !== null) await access.signOut();
      return withAccessResult(result);
    },
    'session:dismiss-question': async () => withAccessResult(session.dismissQuestion()),
    'session:clear-missed': async () => {
      // The list is a view of the history: the mark there keeps it clear after a restart.
      const upTo = Math.max(0, ...session.snapshot().missed.map((offer) => offer.at));
      const result = session.clearMissed();
      if (upTo > 0) day.missedCleared(upTo);
      return withAccessResult(result);
    },
    'session:refresh': async () => withAccessResult(await session.refresh()),
    'agent:set-state': async ({ state }) => {
      const result = await session.setState(state);
      // The agent's own choice: it ends a wrap-up and resets the no-answer count. Also one kept
      // to send later (the platform unreachable): wrap-up's end must not put idle over it.
      if (result.ok || session.snapshot().pendingState === state) day.manualStateChange();
      return withAccessResult(result);
    },
    'agent:edit-skills': async ({ opts }) => withAccessResult(await session.editSkills(opts)),
    'agent:set-extension': async ({ id }) => withAccessResult(await session.setExtension(id)),
    'team:list': ({ pageNo, pageSize }) =>
      session.listTeam({ pageNo, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) }),
    'extensions:list': async ({ pageNo, pageSize }) => {
      await platforms.ensure().catch(() => undefined);
      if (platforms.mode() === 'gateway' && !access.bearer()) {
        // Not signed in to the gateway yet: nothing to list (the gateway assigns one at sign-in).
        const empty = {
          pageSize,
          startIndex: 1,
          totalCount: 0,
          totalPageCount: 0,
          currentPageNo: 1,
        };
        return { ok: true, value: { ...empty, result: [] } };
      }
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
    'call:quality': async (report) => (calls ? calls.quality(report) : noCall()),
    'media:microphone': async ({ health }) => {
      session.setMicrophone(health);
      // A window reloaded after a crash is back once its media is healthy.
      if (health === 'ok') await crash.windowHealthy();
      return { ok: true, value: null };
    },
    'media:output': async ({ connected }) => {
      session.setSoundOutput(connected);
      return { ok: true, value: null };
    },
    'log:window-error': logWindowError,
    'diagnostics:export': exportDiagnostics,
    ...day.handlers,
  };
  const dispatch = createRouter(handlers, logger);

  // Resumed with the screen still locked, the agent is not back yet: unlocking says so.
  let screenLocked = false;
  const system = (event: SystemEvent): void => {
    if (event === 'lock-screen') screenLocked = true;
    else if (event === 'unlock-screen') screenLocked = false;
    const run = async () => {
      if (event === 'suspend' || event === 'lock-screen') {
        await session.hold(event === 'suspend' ? 'suspend' : 'lock');
      } else if (event === 'offline') {
        session.networkLost();
      } else {
        if (event === 'resume') day.resumed();
        sip?.kick(event === 'resume' ? 'resume' : event === 'unlock-screen' ? 'unlock' : 'online');
        // A network return is no sign of the agent; a resume is one unless the screen is locked.
        const present = event === 'unlock-screen' || (event === 'resume' && !screenLocked);
        await session.wake(present);
      }
    };
    run().catch((error) => logger.error('system event failed', { event, error: String(error) }));
  };

  return {
    platforms,
    session,
    calls,
    day,
    dispatch,
    diagnosticsBundle,
    windowCrashed: (loop) => crash.windowCrashed(loop),
    on(event, listener) {
      events.on(event, listener as (payload: unknown) => void);
      return () => events.off(event, listener as (payload: unknown) => void);
    },
    snapshot: () => withAccess(session.snapshot()),
    dayStatus: () => day.status(),
    settings: () => settings,
    settingsView: view,
    system,
    async shutdown(timeoutMs) {
      const started = clock.now();
      await session.shutdown(timeoutMs);
      // Gateway mode: quitting ends the gateway session as signing out does (nothing else holds
      // the token), within what is left of the budget.
      if (access.bearer() !== null)
        await access.signOut(Math.max(500, timeoutMs - (clock.now() - started)));
      calls?.close();
      day.close();
      media.close();
      await sip?.stop();
      await platforms.close();
      events.removeAllListeners();
    },
  };
}

/** An fs error's code (or the error's name): never a message that could quote a value. */
function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return (error as NodeJS.ErrnoException).code ?? error.name;
}

/** Where a proxy URL sends its password: scheme, user, host and port (null: no proxy). */
function proxyTarget(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.username}@${parsed.host}`;
  } catch {
    return url;
  }
}
