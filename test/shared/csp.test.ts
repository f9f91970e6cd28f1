/** The window's Content-Security-Policy, built in one place for the header and the <meta> tag. */
import { describe, expect, it } from 'vitest';
import { windowCsp } from '../../src/shared/csp';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d]));

describe('windowCsp', () => {
  it('allows only the app itself to run script and forbids frames, objects and forms', () => {
    const csp = directives(windowCsp());
    expect(csp.get('default-src')).toBe("default-src 'self'");
    expect(csp.get('script-src')).toBe("script-src 'self'");
    expect(csp.get('style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(csp.get('img-src')).toBe("img-src 'self' data: blob:");
    expect(csp.get('font-src')).toBe("font-src 'self' data:");
    expect(csp.get('media-src')).toBe("media-src 'self' blob: data: mediastream:");
    expect(csp.get('connect-src')).toBe("connect-src 'self'");
    expect(csp.get('worker-src')).toBe("worker-src 'self'");
    expect(csp.get('object-src')).toBe("object-src 'none'");
    expect(csp.get('base-uri')).toBe("base-uri 'none'");
    expect(csp.get('form-action')).toBe("form-action 'none'");
    expect(csp.get('frame-src')).toBe("frame-src 'none'");
    expect(csp.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(csp.size).toBe(13);
  });

  it('adds a connect source for the dev server, and leaves frame-ancestors out of <meta>', () => {
    expect(directives(windowCsp({ extraConnect: 'ws://localhost:5173' })).get('connect-src')).toBe(
      "connect-src 'self' ws://localhost:5173",
    );
    const meta = directives(windowCsp({ forMeta: true }));
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta.size).toBe(12);
    expect(directives(windowCsp({ forMeta: false })).has('frame-ancestors')).toBe(true);
  });
});
