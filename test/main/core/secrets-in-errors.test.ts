/**
 * A platform reply the client's schema refuses becomes a `malformed-reply` whose detail quotes
 * the start of the reply, and that detail reaches the window (the SIP line's status, a refused
 * answer). An extension record holds the SIP password: the quote never does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { fetchTransport } from '../../../src/lib/platform/transport';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';
import type { SipLine } from '../../../src/main/sip/types';
import type { SipStatus } from '../../../src/shared/snapshot';

let core: Core | null = null;
afterEach(async () => core?.shutdown(2000));

const SIP_PW = 'Zq8sipSecretPw';

function fakeLine(): SipLine {
  const status: SipStatus = {
    state: 'stopped',
    since: 0,
    aor: null,
    lastError: null,
    nextRetryAt: null,
  };
  return {
    start: () => undefined,
    stop: async () => undefined,
    kick: () => undefined,
    status: () => status,
    onStatus: () => () => undefined,
    onIncomingCall: () => () => undefined,
    onEarlyOffer: () => () => undefined,
  };
}

describe('a quoted platform reply in an error', () => {
  it('snapshot pushed to the window never holds the SIP password', async () => {
    const base = fetchTransport();
    const pushes: string[] = [];
    core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      startEmbedded: startDemoPlatform,
      sipLine: fakeLine(),
      logger: silentLogger,
      env: {},
      // The platform's extension record with one field in a shape the schema does not take
      // (a numeric id, say a newer platform version): the password is in the reply.
      transport: async (url, request) => {
        if (request.method === 'GET' && /\/callcenter\/extension\/[^/]+$/.test(url.pathname)) {
          return {
            status: 200,
            text: JSON.stringify({
              code: '000000',
              msg: 'ok',
              data: { id: 7, type: 1, user: '1001', password: SIP_PW },
            }),
          };
        }
        return base(url, request);
      },
    });
    core.on('session:changed', (s) => pushes.push(JSON.stringify(s)));
    const signed = await core.dispatch('session:sign-in', {
      name: 'zz_agent',
      extension: DEMO_EXTENSIONS[0]!.id,
    });
    expect(signed.ok, JSON.stringify(signed)).toBe(true);
    await waitFor(() => core!.snapshot().sip.lastError !== null, 'the SIP line refused');
    const snap = JSON.stringify(core.snapshot());
    expect(snap).not.toContain(SIP_PW);
    expect(pushes.join('\n')).not.toContain(SIP_PW);
  });

  it("extensions:list answer to the window never holds another extension's SIP password", async () => {
    const base = fetchTransport();
    core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      startEmbedded: startDemoPlatform,
      sipLine: null,
      logger: silentLogger,
      env: {},
      transport: async (url, request) => {
        if (request.method === 'GET' && url.pathname.endsWith('/callcenter/extension')) {
          return {
            status: 200,
            text: JSON.stringify({
              code: '000000',
              msg: 'ok',
              data: {
                pageSize: 20,
                startIndex: 1,
                totalCount: 2,
                totalPageCount: 1,
                currentPageNo: 1,
                result: [
                  { id: 'e1', type: 1, user: '1002', password: SIP_PW },
                  { id: 9, type: 1 },
                ],
              },
            }),
          };
        }
        return base(url, request);
      },
    });
    const listed = await core.dispatch('extensions:list', { pageNo: 1, pageSize: 20 });
    expect(JSON.stringify(listed)).not.toContain(SIP_PW);
  });
});
