import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from './fake-api';
import { reportWindowErrors } from '../../src/renderer/src/window-errors';

let stop: () => void = () => {};
afterEach(() => stop());

function install(now = () => 0) {
  const api = new FakeApi();
  Object.defineProperty(window, 'agentDesktop', { value: api, configurable: true, writable: true });
  stop = reportWindowErrors(window, now);
  return api;
}

describe('window errors reach main’s log', () => {
  it('an uncaught error, with its stack and where it happened', () => {
    const api = install();
    const error = new Error('boom');
    window.dispatchEvent(
      new ErrorEvent('error', { message: 'boom', error, filename: 'app.js', lineno: 3, colno: 9 }),
    );
    expect(api.callsOf('reportWindowError')).toEqual([
      [{ kind: 'error', message: 'boom', stack: error.stack, source: 'app.js:3:9' }],
    ]);
  });

  it('an unhandled rejection', () => {
    const api = install();
    const event = new Event('unhandledrejection') as Event & { reason: unknown };
    event.reason = 'nope';
    window.dispatchEvent(event);
    expect(api.callsOf('reportWindowError')).toEqual([
      [{ kind: 'unhandledrejection', message: 'nope' }],
    ]);
  });

  it('at most 20 reports a minute: an error loop cannot flood the log', () => {
    let t = 0;
    const api = install(() => t);
    for (let i = 0; i < 50; i++)
      window.dispatchEvent(new ErrorEvent('error', { message: `e${i}` }));
    expect(api.callsOf('reportWindowError')).toHaveLength(20);
    t = 61_000;
    window.dispatchEvent(new ErrorEvent('error', { message: 'later' }));
    expect(api.callsOf('reportWindowError')).toHaveLength(21);
  });
});
