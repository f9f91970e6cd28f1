/**
 * `serve` as an operator starts it (docs/gateway.md): the documented flags and variables, and
 * the values that would leave a running gateway useless — refused at start, naming the flag or
 * variable, rather than refusing every agent later.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveConfig, UsageError } from '../../src/gateway/serve-config';
import { plainHttpExposure } from '../../src/gateway/index';
import { addressKey } from '../../src/gateway/lockout';
import { PASSWORDS, platform, send, signIn, startRig, withServe } from './helpers';

let dir: string;
let secretFile: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-serve-'));
  secretFile = join(dir, 'secret');
  writeFileSync(secretFile, 'the-account-secret-key\n');
  env = {
    GATEWAY_PLATFORM_URL: 'https://api.yunhuni.com/v1/account/ACC',
    GATEWAY_APP_ID: 'app',
    GATEWAY_CERT_ID: 'cert',
    GATEWAY_SECRET_KEY_FILE: secretFile,
    GATEWAY_DATABASE: join(dir, 'gateway.db'),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (args: string[], overrides: Record<string, string | undefined> = {}) => {
  try {
    serveConfig(args, { ...env, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  return null;
};

describe('serve configuration', () => {
  it('the documented defaults, and the key read from its file without the newline', () => {
    expect(serveConfig([], env)).toMatchObject({
      platformUrl: 'https://api.yunhuni.com/v1/account/ACC',
      credentials: { appId: 'app', certId: 'cert', secretKey: 'the-account-secret-key' },
      host: '127.0.0.1',
      port: 8780,
      trustProxy: false,
      idleSeconds: 15 * 60,
      absoluteSeconds: 12 * 3600,
      ratePerSec: 20,
      burst: 40,
      auditDays: 180,
      tls: null,
    });
    expect(serveConfig(['--audit-days', '0'], env).auditDays).toBe(0);
    expect(serveConfig(['--audit-days', '400'], env).auditDays).toBe(400);
  });

  it('refuses at start what would fail every request later, naming it', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(refusal([], { GATEWAY_SECRET_KEY_FILE: empty })).toBe(
      `GATEWAY_SECRET_KEY_FILE: ${empty} is empty`,
    );
    expect(refusal([], { GATEWAY_SECRET_KEY_FILE: join(dir, 'missing') })).toBe(
      `GATEWAY_SECRET_KEY_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
    );
    expect(refusal([], { GATEWAY_SECRET_KEY_FILE: undefined, GATEWAY_SECRET_KEY: ' ' })).toBe(
      'GATEWAY_SECRET_KEY is not set',
    );
    expect(refusal([], { GATEWAY_PLATFORM_URL: 'api.yunhuni.com/v1/account/ACC' })).toMatch(
      /^GATEWAY_PLATFORM_URL must be an http\(s\) URL/,
    );
    expect(refusal(['--idle-minutes', '0'])).toBe('--idle-minutes must be a number of minutes ≥ 1');
    expect(refusal(['--shift-hours', '0'])).toBe('--shift-hours must be a number of hours ≥ 1');
    // A shift of seconds would sign every agent out between two keepalives.
    expect(refusal(['--shift-hours', '0.0001'])).toBe(
      '--shift-hours must be a number of hours ≥ 1',
    );
    expect(refusal(['--port', '70000'])).toBe('--port must be a port number (0–65535)');
    expect(refusal(['--burst', '0.5'])).toBe('--burst must be 0 (no limit) or a number ≥ 1');
    for (const bad of ['-1', '1.5', 'forever', '']) {
      expect(refusal([`--audit-days=${bad}`])).toBe(
        '--audit-days must be a whole number of days ≥ 0 (0 = keep for good)',
      );
    }
    expect(refusal(['--tls-cert', join(dir, 'nocert'), '--tls-key', secretFile])).toBe(
      `--tls-cert: cannot read ${join(dir, 'nocert')} (ENOENT)`,
    );
  });

  it('numbers are plain decimals, and none so small the gateway could not work with it', () => {
    // Number() read "0x50" as port 80; 0.1 minutes lapsed sessions in 6 s; 0.001/s let an
    // agent make one request every quarter of an hour.
    for (const bad of ['0x50', '80.0', '1e3', ' 80', '-1', '+80', '65536'])
      expect(refusal([`--port=${bad}`])).toBe('--port must be a port number (0–65535)');
    expect(serveConfig(['--port', '0'], env).port).toBe(0); // any free port (tests, one-offs)
    expect(serveConfig(['--port', '65535'], env).port).toBe(65535);
    for (const bad of ['0.1', '0.99', '0x10', '1e1'])
      expect(refusal([`--idle-minutes=${bad}`])).toBe(
        '--idle-minutes must be a number of minutes ≥ 1',
      );
    expect(serveConfig(['--idle-minutes', '1'], env).idleSeconds).toBe(60);
    expect(serveConfig(['--idle-minutes', '2.5'], env).idleSeconds).toBe(150);
    for (const bad of ['0.001', '0.5', '-1', '0x10'])
      expect(refusal([`--rate-per-second=${bad}`])).toBe(
        '--rate-per-second must be 0 (no limit) or a number ≥ 1',
      );
    expect(serveConfig(['--rate-per-second', '0'], env).ratePerSec).toBe(0);
    expect(serveConfig(['--rate-per-second', '1'], env).ratePerSec).toBe(1);
    expect(serveConfig(['--rate-per-second', '2.5'], env).ratePerSec).toBe(2.5);
  });

  it('the CLI prints the refusal and exits with 2 before it listens', async () => {
    const empty = join(dir, 'empty-cli');
    writeFileSync(empty, '');
    const result = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/gateway/cli.ts', 'serve', '--port', '0'],
        { env: { ...process.env, ...env, GATEWAY_SECRET_KEY_FILE: empty }, timeout: 30_000 },
        (error, out, err) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(new RegExp(`^GATEWAY_SECRET_KEY_FILE: ${empty} is empty\n`));
  }, 60_000);
});

describe('plain HTTP beyond this machine', () => {
  it('is warned about at start unless TLS covers it or only this machine can connect', async () => {
    // Only the decision is checked for other addresses: tests listen on 127.0.0.1 alone.
    for (const host of ['0.0.0.0', '10.0.3.7', '::', 'gateway.example.internal'])
      expect(plainHttpExposure(host, null)).toMatch(/^plain HTTP on a network address/);
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      expect(plainHttpExposure(host, null)).toBeNull();
    expect(plainHttpExposure('0.0.0.0', { cert: 'c', key: 'k' })).toBeNull();
    // A proxy on another machine: the desktops can still reach the gateway's plain HTTP, and
    // the proxy's hop to it crosses the network too.
    const behind = serveConfig(['--host', '0.0.0.0', '--trust-proxy', '10.0.0.5'], env);
    expect(plainHttpExposure(behind.host!, behind.tls!)).toMatch(/^plain HTTP on a network/);
    const rig = await startRig({ host: '127.0.0.1' });
    await rig.close();
    expect(rig.logs.join('\n')).not.toContain('plain HTTP');
  });
});

describe('--trust-proxy', () => {
  it('alone, trusts a proxy on this machine: only with a gateway listening on loopback', () => {
    expect(serveConfig(['--trust-proxy'], env).trustProxy).toBe(true);
    expect(serveConfig(['--host', '::1', '--trust-proxy', '--port', '8781'], env)).toMatchObject({
      host: '::1',
      trustProxy: true,
      port: 8781,
    });
    // On a network address any desktop could send its own X-Forwarded-For and sign in from a
    // new "address" each time, past the per-address lockout.
    for (const args of [
      ['--host', '0.0.0.0', '--trust-proxy'],
      ['--trust-proxy', '--host', '10.0.3.7'],
    ])
      expect(refusal(args)).toMatch(
        /^--trust-proxy alone trusts a proxy on this machine, so the gateway must listen on loopback \(--host 127\.0\.0\.1\), not (0\.0\.0\.0|10\.0\.3\.7); for a proxy on another machine name its address: --trust-proxy 10\.0\.0\.5$/,
      );
  });

  it('with addresses, trusts the proxies named there, on any host', () => {
    expect(
      serveConfig(['--host', '0.0.0.0', '--trust-proxy', '10.0.0.5,10.0.0.6'], env).trustProxy,
    ).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(
      serveConfig(['--host', '::', '--trust-proxy=fd00::5,10.0.1.0/29'], env).trustProxy,
    ).toEqual(['fd00::5', '10.0.1.0/29']);
    for (const bad of ['nginx.internal', '10.0.0.0/33', '10.0.0.5/', '10.0.0.300'])
      expect(refusal(['--host', '0.0.0.0', '--trust-proxy', bad])).toBe(
        `--trust-proxy: "${bad}" is not an IP address or ADDR/BITS subnet (e.g. 10.0.0.5 or 10.0.0.0/29)`,
      );
    expect(refusal(['--trust-proxy='])).toBe(
      '--trust-proxy: name the proxy addresses, e.g. --trust-proxy 10.0.0.5',
    );
  });

  it('believes X-Forwarded-For only from a trusted peer', async () => {
    const failureFrom = async (trustProxy: boolean | string[]) => {
      const rig = await startRig({ trustProxy });
      try {
        const reply = await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'alice', password: 'wrong-password' },
          headers: { 'X-Forwarded-For': '10.7.0.1' },
        });
        expect(reply.status).toBe(401);
        const counted = async (address: string) =>
          (await rig.store.getFailure(addressKey(address))) !== null;
        return { forwarded: await counted('10.7.0.1'), peer: await counted('127.0.0.1') };
      } finally {
        await rig.close();
      }
    };
    // The proxy on this machine (the peer is 127.0.0.1), as before.
    expect(await failureFrom(true)).toEqual({ forwarded: true, peer: false });
    expect(await failureFrom(['127.0.0.1'])).toEqual({ forwarded: true, peer: false });
    expect(await failureFrom(['127.0.0.0/8'])).toEqual({ forwarded: true, peer: false });
    // A peer that is not the named proxy: its header is ignored, its own address counted.
    expect(await failureFrom(['10.0.0.5'])).toEqual({ forwarded: false, peer: true });
    expect(await failureFrom(false)).toEqual({ forwarded: false, peer: true });
  });
});

describe('serve as the systemd unit runs it', () => {
  it('node --import tsx …: listens, prints its origin, and stops cleanly on SIGTERM', async () => {
    const { code, stderr } = await withServe(
      ['--host', '127.0.0.1', '--port', '0'],
      { ...process.env, ...env, GATEWAY_DATABASE: join(dir, 'unit.db') },
      async (origin) => {
        const health = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) });
        expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite' });
      },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"gateway stopping"');
  }, 60_000);
});

describe('the per-agent rate limit', () => {
  it('--burst 0 turns it off, as documented, rather than refusing every request', async () => {
    const config = serveConfig(['--burst', '0'], env);
    const rig = await startRig({ ratePerSec: config.ratePerSec, burst: config.burst });
    try {
      const token = await signIn(rig, 'alice', PASSWORDS.alice);
      const replies = await Promise.all(
        Array.from({ length: 60 }, () =>
          platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token),
        ),
      );
      // Not signed in on the platform: its own answer, but never the gateway's 429.
      expect(replies.map((r) => r.status).filter((s) => s === 429)).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it('--burst 0 with the limiter itself: a rate with no burst still lets requests through', async () => {
    const rig = await startRig({ ratePerSec: 20, burst: 0 });
    try {
      const token = await signIn(rig, 'alice', PASSWORDS.alice);
      const reply = await platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token);
      expect(reply.status).not.toBe(429);
    } finally {
      await rig.close();
    }
  });
});
