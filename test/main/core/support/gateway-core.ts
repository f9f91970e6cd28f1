/**
 * A desktop core in gateway mode against a gateway rig (test/gateway/helpers.ts), with alice
 * signed in idle through the gateway with her password: what the gateway-mode core tests start
 * from.
 */
import { expect } from 'vitest';
import {
  createDesktopCore,
  type Core,
  type CoreOptions,
} from '../../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../../src/lib/ports';
import { EXT, PASSWORDS, type Rig } from '../../../gateway/helpers';

export async function gatewayCoreSignedIn(
  rig: Rig,
  options: Partial<CoreOptions> & { env?: Record<string, string> } = {},
): Promise<Core> {
  const { env, ...rest } = options;
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    sipLine: null,
    logger: silentLogger,
    ...rest,
    env: { AGENT_DESKTOP_GATEWAY_URL: rig.gateway.origin, ...env },
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'alice',
    extension: EXT[0]!,
    initialState: 'idle',
    password: PASSWORDS.alice,
  });
  expect(signed.ok, JSON.stringify(signed)).toBe(true);
  return core;
}
