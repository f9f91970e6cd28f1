/**
 * An AgentSession on a running emulator with the session tests' usual settings: the system
 * clock, no log, the demo base URL, a keepalive too slow to run by itself (tests call `wake`),
 * and suspend/lock holding the agent away. Each test passes only what it changes.
 */
import { AgentSession } from '../../../../src/main/core/session';
import { silentLogger, systemClock } from '../../../../src/lib/ports';
import { PlatformClient } from '../../../../src/lib/platform/client';
import type { SessionOptions, SessionPlatform } from '../../../../src/main/core/session';
import type { RunningEmulator } from '../../../../src/emulator/index';

/** A signed-request client for the emulator's account. */
export function emulatorClient(emulator: RunningEmulator): PlatformClient {
  return new PlatformClient({ baseUrl: emulator.baseUrl, credentials: emulator.credentials });
}

export function emulatorSession(
  emulator: RunningEmulator,
  platform: SessionPlatform,
  options: Partial<SessionOptions> = {},
): AgentSession {
  return new AgentSession({
    clock: systemClock,
    logger: silentLogger,
    platform: () => platform,
    baseUrl: () => ({ url: emulator.baseUrl, demo: true }),
    keepaliveMs: () => 600_000,
    holdActions: () => ({ onSuspend: 'away', onLock: 'away' }),
    ...options,
  });
}
