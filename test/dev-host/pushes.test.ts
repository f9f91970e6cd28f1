/**
 * The browser host's pushes: each window socket has its own encoder (session-push.ts), so a
 * snapshot leaves out the missed list only when that socket was sent the list already, and a
 * window that connects later still gets the list with its first push.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../src/dev-host/browser-host';
import { FakeCore, signedInSnapshot } from '../main/shell/fake-core';
import type { BrowserHost } from '../../src/dev-host/browser-host';
import type { SessionSnapshot } from '../../src/shared/snapshot';

let core: FakeCore;
let host: BrowserHost;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'host-pushes-'));
  writeFileSync(join(dir, 'index.html'), '<html><head></head><body>window</body></html>');
  core = new FakeCore();
  host = await startBrowserHost({ core, rendererDir: dir });
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A window's socket, collecting the session pushes it is sent. */
async function window(): Promise<{ pushes: Record<string, unknown>[]; close: () => void }> {
  const token = /#token=([0-9a-f]{32})$/.exec(host.url)![1]!;
  const origin = new URL(host.url).origin;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/__host/ipc?token=${token}`, { origin });
  const pushes: Record<string, unknown>[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      event?: string;
      payload: Record<string, unknown>;
    };
    if (message.event === 'session:changed') pushes.push(message.payload);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { pushes, close: () => ws.close() };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('session pushes from the browser host', () => {
  it('carry the missed list once per socket, until it changes', async () => {
    const missed = [
      { id: 'c1', caller: '139', at: 1, reason: 'timeout' as const, stateAfter: null },
    ];
    const base: SessionSnapshot = { ...signedInSnapshot('idle'), missed, missedVersion: 2 };
    const first = await window();
    core.setSnapshot(base);
    core.setSnapshot({ ...base, state: 'fetching' });
    await settle();
    const second = await window();
    core.setSnapshot({ ...base, state: 'idle' });
    await settle();
    expect(first.pushes.map((p) => [p.state, p.missed])).toEqual([
      ['idle', missed],
      ['fetching', undefined],
      ['idle', undefined],
    ]);
    expect(second.pushes.map((p) => [p.state, p.missed])).toEqual([['idle', missed]]);
    first.close();
    second.close();
  });
});
