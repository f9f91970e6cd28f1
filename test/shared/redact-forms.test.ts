/**
 * shared/redact.ts blanks secret fields and URL passwords in the forms text takes (docs/it-admin.md,
 * Logs) also when the value is not (yet) in the known-secrets list.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../src/shared/redact';

describe('redactText without the value being known', () => {
  it('blanks a URL password when the URL has no user name', () => {
    // WHATWG URL takes it: new URL('http://:Pr0xyPw@proxy:3128').password === 'Pr0xyPw'
    expect(new URL('http://:Pr0xyPw@proxy.corp:3128').password).toBe('Pr0xyPw');
    expect(redactText('connecting through http://:Pr0xyPw@proxy.corp:3128')).not.toContain(
      'Pr0xyPw',
    );
  });

  it('blanks the whole URL password when it holds an unescaped "@" (as typed)', () => {
    // The URL parser takes the last "@": the password is "p@ssW0rd".
    expect(new URL('http://agent:p@ssW0rd@proxy.corp:3128').password).toBe('p%40ssW0rd');
    const out = redactText('proxy http://agent:p@ssW0rd@proxy.corp:3128');
    expect(out).not.toContain('ssW0rd');
  });

  it('blanks a URL password written with JSON-escaped slashes', () => {
    // JSON.stringify leaves "/" alone, but other writers (PHP, some editors) escape it, and a
    // damaged settings.json is set aside as text, not parsed.
    const text = '{"sipProxyUrl": "http:\\/\\/agent:Pr0xyPw@proxy.corp:3128", "x": ';
    expect(JSON.parse(text + '1}').sipProxyUrl).toBe('http://agent:Pr0xyPw@proxy.corp:3128');
    const out = redactText(text);
    expect(out).not.toContain('Pr0xyPw');
    expect(out).toContain('agent:');
    expect(out).toContain('@proxy.corp:3128');
  });

  it('blanks a name: "value" field printed with double quotes', () => {
    // util.inspect prints a string holding a single quote in double quotes.
    const printed = inspect({ sipPassword: "it's-a-secret" });
    expect(printed).toContain('"it\'s-a-secret"');
    expect(redactText(printed)).not.toContain('a-secret');
    expect(redactText('password: "hunter2x"')).not.toContain('hunter2x');
  });

  it('blanks the Bearer token of an authorization=... dump', () => {
    expect(redactText('headers authorization=Bearer AbCdEfGhIjKlMnOp')).not.toContain(
      'AbCdEfGhIjKlMnOp',
    );
  });

  it("redactValue: an Error's cause is not carried through unredacted", () => {
    const e = new Error('failed', { cause: { password: 'x' } });
    expect(JSON.stringify(redactValue({ e }))).not.toContain('"x"');
  });
});
