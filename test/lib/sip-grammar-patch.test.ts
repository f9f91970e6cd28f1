/**
 * sip.js's generated SIP parser rebuilt its whole bytecode table on every header it parsed (8.7 ms
 * for one INVITE here, 1.2 ms patched), and its constants and three interpreter arrays per rule
 * call (~820 KB allocated per INVITE, ~110 KB patched): patches/sip.js+0.21.2.patch builds them
 * once. patch-package applies it on every install (`postinstall`); this fails when it did not,
 * or when a sip.js upgrade means the patch must be redone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Grammar } from 'sip.js';

const require = createRequire(import.meta.url);

describe('sip.js grammar patch', () => {
  it('is applied to the installed sip.js (patch-package ran)', () => {
    const pkg = require.resolve('sip.js/package.json');
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    const grammar = readFileSync(join(dirname(pkg), 'lib/grammar/pegjs/dist/grammar.js'), 'utf8');
    expect(version, 'patches/ is made for sip.js 0.21.2: redo it for this version').toBe('0.21.2');
    expect(grammar).toContain('Patched by agent-desktop');
    expect(grammar).toContain('const peg$stack = [];');
  });

  it('still parses what it parsed before, again and again', () => {
    for (let i = 0; i < 3; i++) {
      const uri = Grammar.URIParse('sip:10001800001@sip.oneyun.com;transport=ws');
      expect(uri?.user).toBe('10001800001');
      expect(
        Grammar.nameAddrHeaderParse('"13900000001" <sip:13900000001@pstn.example>;tag=a')
          ?.displayName,
      ).toBe('13900000001');
    }
  });

  it('a malformed header, even one that throws halfway, leaves the next parse intact', () => {
    const from = '"13900000001" <sip:13900000001@pstn.example>;tag=a';
    const alone = Grammar.nameAddrHeaderParse(from);
    // Cut off; a user part that does not percent-decode (its action throws); a bad URI.
    for (const bad of ['"1390 <sip:1@x', '<sip:%E4@x>', 'sip:@@']) {
      expect(Grammar.nameAddrHeaderParse(bad)).toBeUndefined();
      const again = Grammar.nameAddrHeaderParse(from);
      expect(again?.uri.toString()).toBe(alone?.uri.toString());
      expect(again?.displayName).toBe(alone?.displayName);
      expect(again?.getParam('tag')).toBe('a');
    }
    expect(
      Grammar.parse('SIP/2.0/WS 127.0.0.1:5080;branch=z9hG4bK7b2.1;rport', 'Via'),
    ).toMatchObject({ transport: 'WS', host: '127.0.0.1', port: 5080, branch: 'z9hG4bK7b2.1' });
  });
});
