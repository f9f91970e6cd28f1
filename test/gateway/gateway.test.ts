/**
 * The gateway between an agent and the platform (issue 12): sign-in with a password, the
 * agent's own session end to end through the gateway to a real emulator (signatures on),
 * and the audit rows it leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXT, PASSWORDS, platform, send, signIn, startRig, type Rig } from './helpers';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

describe('gateway: an agent signs in and works on their own session', () => {
  it('gives a token for the right password and describes the session', async () => {
    const r = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'alice', password: PASSWORDS.alice },
    });
    expect(r.status).toBe(200);
    const data = r.json!.data as {
      token: string;
      agent: string;
      extensions: string[];
      allowSkills: boolean;
    };
    expect(data).toMatchObject({
      agent: 'alice',
      extensions: [EXT[0], EXT[1]].sort(),
      allowSkills: false,
    });
    expect(data.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const who = await send(rig.gateway.origin, 'GET', '/v1/session', { token: data.token });
    expect(who.json?.data).toMatchObject({ agent: 'alice' });
    expect(who.json?.data).not.toHaveProperty('token');
  });

  it('refuses a wrong password with 401 and the platform envelope', async () => {
    const r = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'alice', password: 'nope' },
    });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ code: 'GW0401', msg: 'wrong agent name or password', data: null });
    const unknown = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'zed', password: 'x' },
    });
    expect(unknown.json?.msg).toBe(r.json?.msg);
  });

  it('logs in, keeps alive, changes state, reads back and logs out through the gateway', async () => {
    const token = await signIn(rig, 'alice', PASSWORDS.alice);
    const login = await platform(rig, 'POST', '/callcenter/agent', token, {
      name: 'alice',
      extension: EXT[0],
      state: 'idle',
    });
    expect(login.json?.code).toBe('000000');
    expect(
      (await platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token)).json?.code,
    ).toBe('000000');
    expect(
      (await platform(rig, 'POST', '/callcenter/agent/alice/state', token, { state: 'busy/会议' }))
        .json?.code,
    ).toBe('000000');
    const me = await platform(rig, 'GET', '/callcenter/agent/alice', token);
    expect(me.json?.data).toMatchObject({ name: 'alice', state: 'busy/会议', extension: EXT[0] });
    const ext = await platform(rig, 'GET', `/callcenter/extension/${EXT[0]}`, token);
    expect(ext.json?.data).toMatchObject({ id: EXT[0], password: 'demo800001' });
    const moved = await platform(rig, 'POST', '/callcenter/agent/alice/extension', token, {
      id: EXT[1],
    });
    expect(moved.json?.code).toBe('000000');
    // The old extension is no longer bound to alice: its password is not hers to read.
    expect((await platform(rig, 'GET', `/callcenter/extension/${EXT[0]}`, token)).status).toBe(403);
    const list = await platform(rig, 'GET', '/callcenter/extension?pageNo=1&pageSize=10', token);
    expect(list.json?.code).toBe('000000');
    expect(list.text).not.toContain('demo8000');
    expect(
      (await platform(rig, 'GET', '/callcenter/agent?pageNo=1&pageSize=10', token)).json?.code,
    ).toBe('000000');
    expect(
      (await platform(rig, 'DELETE', '/callcenter/agent/alice?force=true', token)).json?.code,
    ).toBe('000000');
  });

  it('passes platform errors through unchanged', async () => {
    const token = await signIn(rig, 'alice', PASSWORDS.alice);
    const r = await platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ code: '040202', msg: '座席不存在', data: null });
    const bad = await platform(rig, 'POST', '/callcenter/agent', token, {
      name: 'alice',
      extension: EXT[0],
      state: 'talking',
    });
    expect(bad.json?.code).toBe('000001');
  });

  it('asked for the SIP credentials when the platform does not know the agent: the platform\'s answer, not "not bound"', async () => {
    const token = await signIn(rig, 'alice', PASSWORDS.alice);
    // Not logged in on the platform (yet, or any more): the desktop heals on 040202.
    const r = await platform(rig, 'GET', `/callcenter/extension/${EXT[0]}`, token);
    expect(r.json).toMatchObject({ code: '040202', data: null });
  });

  it('writes every request to the audit log with agent, action, target, result and address', async () => {
    const token = await signIn(rig, 'bob', PASSWORDS.bob);
    await platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token);
    await rig.gateway.close().catch(() => undefined);
    rig = await startRig({ store: rig.store, emulator: rig.emulator });
    const rows = await rig.store.listAudit({ agent: 'bob', limit: 10 });
    expect(rows[0]).toMatchObject({
      agent: 'bob',
      action: 'keepalive',
      target: 'alice',
      status: 403,
      code: 'GW0403',
      sourceAddress: '127.0.0.1',
    });
    expect(rows[1]).toMatchObject({ agent: 'bob', action: 'sign-in', status: 200, code: '000000' });
  });

  it('answers /healthz and /metrics without names or secrets', async () => {
    const h = await send(rig.gateway.origin, 'GET', '/healthz');
    expect(h.status).toBe(200);
    expect(h.json).toMatchObject({ status: 'ok', store: 'sqlite' });
    const token = await signIn(rig, 'alice', PASSWORDS.alice);
    await platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token);
    const m = await send(rig.gateway.origin, 'GET', '/metrics');
    expect(m.text).toMatch(/gateway_requests_total\{action="keepalive",status="200"\} \d+/);
    expect(m.text).toMatch(/gateway_platform_errors_total\{code="040202"\} \d+/);
    expect(m.text).toMatch(/gateway_sign_ins_total\{result="ok"\} \d+/);
    expect(m.text).toContain('gateway_locked_out ');
    expect(m.text).not.toContain('alice');
  });
});

describe('gateway over TLS (cert/key options)', () => {
  it('serves HTTPS directly with the given certificate', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const https = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      const tls = await startRig({
        tls: { cert, key: readFileSync(join(dir, 'key.pem')) },
        store: rig.store,
        emulator: rig.emulator,
      });
      try {
        expect(tls.gateway.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const body = await new Promise<string>((resolve, reject) => {
          const req = https.request(
            `${tls.gateway.origin}/v1/session`,
            { method: 'POST', ca: cert, headers: { 'Content-Type': 'application/json' } },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d));
              res.on('end', () => resolve(text));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ name: 'alice', password: PASSWORDS.alice }));
        });
        expect(JSON.parse(body)).toMatchObject({ code: '000000', data: { agent: 'alice' } });
      } finally {
        await tls.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
