/**
 * A SIP server restarted again soon after it came back (a crash loop while ops mend it, a
 * failover and its failback). Each registration was lost sooner than `registrationHeldMs`, so
 * the backoff keeps growing, as it must for a registrar that stays up and keeps dropping the line
 * (flapping-registrar.test.ts). The line tells the two apart by the server's port: found closed
 * and then open again during a long wait, the server restarted, and the line registers again
 * within about `unreachableCapMs` of it coming back instead of at the end of the wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { SipLine } from '../../../src/main/sip/types';
import { lineConfig, startEmbeddedServer } from './support/embedded-server';
import type { EmbeddedServer } from './support/embedded-server';
import { FAST_TIMING, untilState } from './support/line';
import { MemoryDirectory, demoAccounts } from './support/memory-directory';
import { probeTcpPort } from '../../../src/main/sip/port-probe';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
const TIMING = {
  ...FAST_TIMING,
  backoffBaseMs: 100,
  backoffCapMs: 8_000,
  unreachableCapMs: 200,
  registrationHeldMs: 30_000,
};
const OUTAGE_MS = 600;

let line: SipLine | null = null;
let server: EmbeddedServer | null = null;
afterEach(async () => {
  await line?.stop();
  await server?.close();
  line = server = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a SIP server restarted again and again, each time soon after it came back', () => {
  it('is registered on again within about unreachableCapMs of each return', async () => {
    const directory = new MemoryDirectory();
    server = await startEmbeddedServer(directory);
    const port = server.port;
    line = createSipLine({
      clock: systemClock,
      logger: silentLogger,
      timing: TIMING,
      random: () => 1,
    });
    line.start(lineConfig(server.wsUrl, alice));
    await untilState(line, 'registered');
    const waits: number[] = [];
    const recoveries: number[] = [];
    for (let round = 0; round < 4; round++) {
      await server.close();
      await untilState(line, 'backing-off');
      await pause(OUTAGE_MS);
      server = await startEmbeddedServer(directory, port);
      const back = Date.now();
      const status = line.status();
      if (status.state === 'backing-off' && status.nextRetryAt) {
        waits.push(status.nextRetryAt - back);
      }
      await untilState(line, 'registered', 10_000);
      recoveries.push(Date.now() - back);
    }
    // The backoff did grow past the outage (else this test shows nothing)...
    expect(Math.max(...waits)).toBeGreaterThan(2_000);
    // ...yet every return was found within a look or two at the port.
    for (const ms of recoveries) expect(ms).toBeLessThan(1_000);
  }, 30_000);
});

describe('the port probe', () => {
  it('says open for a listening port, down for a closed one and for nonsense', async () => {
    const listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => resolve()));
    const { port } = listening.address() as { port: number };
    expect(await probeTcpPort(`ws://127.0.0.1:${port}/sip`, 500)).toBe('open');
    await new Promise<void>((resolve) => listening.close(() => resolve()));
    expect(await probeTcpPort(`ws://127.0.0.1:${port}/sip`, 500)).toBe('down');
    expect(await probeTcpPort('not a url', 500)).toBe('down');
  });
});
