/** Reading the bindings a registrar lists in its REGISTER 200 OK (the takeover clue). */
import { describe, expect, it } from 'vitest';
import { isOwnContact, registerReplyContacts } from '../../../src/main/sip/register-bindings';

const reply = (status: string, headers: string[]) =>
  [`SIP/2.0 ${status}`, 'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1', ...headers, '', ''].join(
    '\r\n',
  );

describe('registerReplyContacts', () => {
  it('lists every Contact of a REGISTER 200 OK, in one header or several, folded or compact', () => {
    const message = reply('200 OK', [
      'CSeq: 3 REGISTER',
      'Contact: <sip:adaaaa@a.invalid;transport=ws>;expires=280, "B, the other" <sip:bbb@10.0.0.2:5060>;expires=100',
      'm: sip:ccc@10.0.0.3;expires=50',
      'Contact:',
      ' <sips:ddd@host>',
    ]);
    expect(registerReplyContacts(message)).toEqual([
      'sip:adaaaa@a.invalid;transport=ws',
      'sip:bbb@10.0.0.2:5060',
      'sip:ccc@10.0.0.3',
      'sips:ddd@host',
    ]);
  });

  it('ignores anything that is not a 200 to a REGISTER', () => {
    expect(registerReplyContacts(reply('401 Unauthorized', ['CSeq: 1 REGISTER']))).toBeNull();
    expect(
      registerReplyContacts(reply('200 OK', ['CSeq: 1 INVITE', 'Contact: <sip:x@y>'])),
    ).toBeNull();
    expect(registerReplyContacts('INVITE sip:a@b SIP/2.0\r\nCSeq: 1 REGISTER\r\n\r\n')).toBeNull();
    expect(registerReplyContacts('')).toBeNull();
    expect(registerReplyContacts(reply('200 OK', ['CSeq: 2 REGISTER']))).toEqual([]);
  });

  it('tells this line’s own Contact from another device’s', () => {
    expect(isOwnContact('sip:adaaaa@a.invalid;transport=ws', 'adaaaa')).toBe(true);
    expect(isOwnContact('sip:adbbbb@a.invalid;transport=ws', 'adaaaa')).toBe(false);
    expect(isOwnContact('sip:10.0.0.2', 'adaaaa')).toBe(false);
  });
});
