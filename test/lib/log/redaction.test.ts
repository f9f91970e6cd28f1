/**
 * Secrets never reach a log line: each kind is fed through every logging path (the Logger's
 * message and fields, errors, the window's error reports, sip.js's log connector, uncaught errors
 * in main), then the real log files and stderr are searched for it.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { createAppLogger, streamSink } from '../../../src/lib/log/app-logger';
import { createFileSink } from '../../../src/lib/log/file-sink';
import { sipLogConnector, SipMessageLog } from '../../../src/lib/sip-ws/sip-log';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { setupProcessErrorLogging } from '../../../src/main/shell/crash';
import { MemorySecretStore } from '../../../src/lib/ports';
import {
  MAY_NAME_A_SECRET,
  redactText,
  redactValue,
  REDACTED,
  SECRET_FIELD_NAMES,
} from '../../../src/shared/redact';
import type { AppLogger } from '../../../src/lib/log/app-logger';

const SECRET_KEY = 'sk-8f2d1c9a7b6e5d4c3b2a1908';
const SIGNATURE = 'c2lnbmF0dXJlLW9mLXRoZS1yZXF1ZXN0LTEyMw==';
const SIP_PASSWORD = 'sip-pa55-word-77';
const DIGEST = 'e3b0c44298fc1c149afbf4c8996fb924';
const PROXY_DIGEST = '9f86d081884c7d659a2feaa0c55ad015';
const ALL = [SECRET_KEY, SIGNATURE, SIP_PASSWORD, DIGEST, PROXY_DIGEST];

const SIP_REGISTER = [
  'REGISTER sip:sip.oneyun.com SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  `Authorization: Digest username="10001800001", realm="sip.oneyun.com", nonce="abc", uri="sip:sip.oneyun.com", response="${DIGEST}", algorithm=MD5`,
  `Proxy-Authorization: Digest username="10001800001", realm="edge", nonce="def", uri="sip:sip.oneyun.com", response="${PROXY_DIGEST}"`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
const HTTP_DUMP = `POST /v1/account/A/agents HTTP/1.1\r\nAppID: app\r\nSignature: ${SIGNATURE}\r\nTimestamp: 1\r\n`;

let dir: string;
let logger: AppLogger;
let stderr: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-redact-'));
  stderr = [];
  const files = createFileSink({ dir });
  logger = createAppLogger({
    sinks: [files.sink, streamSink((line) => stderr.push(line))],
    debug: true,
  });
  // What the core does as it learns secret values (store, platform credentials, SIP config).
  logger.secrets.add(SECRET_KEY);
  logger.secrets.add(SIP_PASSWORD);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(): void {
  const written = readFileSync(join(dir, 'main.log'), 'utf8') + stderr.join('');
  expect(written.length).toBeGreaterThan(0);
  for (const secret of ALL) expect(written, `a log line holds ${secret}`).not.toContain(secret);
  expect(written).toContain(REDACTED);
}

describe('no secret reaches a log line', () => {
  it('through the message text and the fields, at every level', () => {
    logger.debug(`signing with ${SECRET_KEY}`);
    logger.info('request', { headers: { Signature: SIGNATURE, AppID: 'app' } });
    logger.warn('sip config', { authorizationPassword: SIP_PASSWORD, user: '10001800001' });
    logger.error('dump', {
      http: HTTP_DUMP,
      sip: SIP_REGISTER,
      nested: [{ secretKey: SECRET_KEY }],
    });
    logger.error('failed', { error: new Error(`bad password ${SIP_PASSWORD}`) });
    logger.info(`url ?secret_key=${SECRET_KEY}&x=1 password=${SIP_PASSWORD}`);
    expectClean();
    // What is not secret survives, so the log stays useful.
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('10001800001');
  });

  it('through sip.js’s log connector and the SIP message log', () => {
    sipLogConnector(logger)(
      'debug',
      'sip.Transport',
      undefined,
      `Sending message:\n${SIP_REGISTER}`,
    );
    const messages = new SipMessageLog(Date.now, () => logger.secrets.list());
    messages.trace('sent', SIP_REGISTER);
    // What the log hands out is clean by itself, not only once the logger redacts it again.
    const listed = JSON.stringify(messages.list());
    for (const secret of ALL) expect(listed).not.toContain(secret);
    logger.info('sip messages', { messages: messages.list() });
    expectClean();
  });

  it('through the window’s error reports (the contract’s log channel, via the core)', async () => {
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      sipLine: null,
      logger,
      knownSecrets: logger.secrets,
      env: { AGENT_DESKTOP_PLATFORM_URL: 'http://127.0.0.1:9/v1/account/A' },
    });
    await core.dispatch('log:window-error', {
      kind: 'unhandledrejection',
      message: `rejected: ${SECRET_KEY} ${SIP_PASSWORD}`,
      stack: HTTP_DUMP + SIP_REGISTER,
    });
    // A secret typed into Settings is known from then on.
    await core.dispatch('settings:update', { secrets: { secretKey: 'typed-secret-0042' } });
    logger.info('echo typed-secret-0042');
    await core.shutdown(1_000);
    expectClean();
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).not.toContain('typed-secret-0042');
  });

  it('through uncaught exceptions and rejections in main', () => {
    const emitter = new EventEmitter();
    const proc = emitter as unknown as NodeJS.Process;
    setupProcessErrorLogging(logger, proc);
    emitter.emit('uncaughtException', new Error(`Authorization: Digest response="${DIGEST}"`));
    emitter.emit('unhandledRejection', new Error(`signature=${SIGNATURE} key ${SECRET_KEY}`));
    expectClean();
  });
});

describe('the one redaction', () => {
  it('keeps a secret field’s presence but not its value; booleans (set/unset) stay', () => {
    expect(redactValue({ secretKey: 'x', secrets: { secretKey: true }, password: '' })).toEqual({
      secretKey: REDACTED,
      secrets: { secretKey: true },
      password: '',
    });
  });

  it('a known value shorter than 4 characters: scrubbed where it is a whole token', () => {
    for (const [text, known, out] of [
      ['a b c', 'b', `a ${REDACTED} c`],
      ['proxy login with abc refused', 'abc', `proxy login with ${REDACTED} refused`],
      ['password abc.', 'abc', `password ${REDACTED}.`],
      ['{"pin":"12","n":12}', '12', `{"pin":"${REDACTED}","n":${REDACTED}}`],
      ["tried 'x!'", 'x!', `tried '${REDACTED}'`],
      ['got 7\nnext', '7', `got ${REDACTED}\nnext`],
    ] as const) {
      expect(redactText(text, [known]), text).toBe(out);
    }
  });

  it('…but not inside other words and numbers, which stay readable', () => {
    for (const [text, known] of [
      ['about abc labs cab', 'ab'],
      ['agent 10012 at 12:01 on 2024-12-01, v1.12, 127.0.0.12', '12'],
      ["state_ab ab_x ab1 don’t don't", 't'],
      ['sip:8001@127.0.0.1:5060', '0'],
      ['中文坐席', '中'],
      [`already ${REDACTED}`, 'red'],
    ] as const) {
      expect(redactText(text, [known]), text).toBe(text);
    }
  });

  it('a short proxy password never reaches a log line through the logger', () => {
    logger.secrets.add('q7');
    logger.info('proxy refused q7', { tried: 'q7', user: 'agent', port: 3128, at: 'v1.q7x' });
    const written = readFileSync(join(dir, 'main.log'), 'utf8') + stderr.join('');
    expect(written).not.toMatch(/\bq7\b(?!x)/);
    expect(written).toContain('v1.q7x');
    expect(written).toContain('3128');
  });

  // Each was found passing a secret through (helper-35's review): the forms a log line, a thrown
  // error or a dump takes, not only a header at the start of a line.
  const S = 'Sup3rS3cretValue9';
  it.each([
    ['a header mid-line', `GET /v1/agents headers Authorization: Bearer ${S}`],
    ['an indented header', `   Authorization: Bearer ${S}`],
    ['a printed headers object', `{ Authorization: 'Bearer ${S}' }`],
    ['a printed signature', `headers: { Signature: '${S}' }`],
    ['k=v', `config sipPassword=${S}`],
    ['k=v with a dash', `secret-key=${S}`],
    ['an unquoted field', `secretKey: ${S}`],
    ['JSON: secret', `{"secret":"${S}"}`],
    ['JSON: sip_password', `{"sip_password":"${S}"}`],
    ['JSON: authorizationPassword', `{"authorizationPassword":"${S}"}`],
    ['JSON: proxy_authorization', `{"proxy_authorization":"${S}"}`],
    ['JSON: ha1', `{"ha1":"${S}"}`],
    ['JSON: token', `{"token":"${S}"}`],
    ['a password in a URL', `proxy http://agent:${S}@proxy.example.com:3128 refused`],
  ])('in text: %s', (_form, text) => {
    const out = redactText(text);
    expect(out).not.toContain(S);
    expect(out).toContain(REDACTED);
  });

  it('a thrown error: its stack as well as its message', () => {
    const error = new Error(`Signature: ${S}`);
    expect(JSON.stringify(redactValue(error))).not.toContain(S);
    expect(
      JSON.stringify(redactValue({ error: new Error(`Authorization: Bearer ${S}`) })),
    ).not.toContain(S);
  });

  it('the quick look before the patterns misses no secret field name', () => {
    // Every name, as written in the field forms it takes, passes the gate the patterns sit behind.
    const spellings = [
      ...SECRET_FIELD_NAMES.flatMap((name) => [name, name.toUpperCase()]),
      ...['secret_key', 'sip_password', 'Proxy-Authorization', 'access_token', 'refresh-token'],
      'authorization_password',
    ];
    for (const spelled of spellings) {
      expect(MAY_NAME_A_SECRET.test(`{"${spelled}":"x"}`), spelled).toBe(true);
    }
  });

  it('leaves what is not a secret as it was', () => {
    const text = 'sip: INVITE sip:8001@sip.oneyun.com; state: idle; user=8001 {"appId":"a1"}';
    expect(redactText(text)).toBe(text);
    expect(redactText('sip:8001@127.0.0.1:5060')).toBe('sip:8001@127.0.0.1:5060');
  });
});
