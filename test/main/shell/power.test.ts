import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { NETWORK_POLL_MS, setupPower } from '../../../src/main/shell/power';
import { net, powerMonitor, resetElectronFake } from '../../support/electron-fake';
import { FakeCore } from './fake-core';

let core: FakeCore;
let stop: () => void;

beforeEach(() => {
  vi.useFakeTimers();
  resetElectronFake();
  core = new FakeCore();
});
afterEach(() => {
  stop?.();
  vi.useRealTimers();
});

describe('power events', () => {
  it('passes suspend, resume, lock and unlock to the core', () => {
    stop = setupPower(core);
    for (const event of ['suspend', 'resume', 'lock-screen', 'unlock-screen'])
      powerMonitor.emit(event);
    expect(core.system.mock.calls.map(([e]) => e)).toEqual([
      'suspend',
      'resume',
      'lock-screen',
      'unlock-screen',
    ]);
  });
});

describe('network', () => {
  it('polls at a low cadence and reports changes only', () => {
    stop = setupPower(core);
    expect(NETWORK_POLL_MS).toBeGreaterThanOrEqual(1000);
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    expect(core.system).not.toHaveBeenCalled();
    net.online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(core.system).toHaveBeenLastCalledWith('offline');
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    expect(core.system).toHaveBeenCalledTimes(1);
    net.online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(core.system).toHaveBeenLastCalledWith('online');
    expect(core.system).toHaveBeenCalledTimes(2);
  });

  it('says offline at once when started without a network', () => {
    net.online = false;
    stop = setupPower(core);
    expect(core.system).toHaveBeenCalledWith('offline');
  });

  it('checks the network right after resume, without waiting for the next poll', () => {
    stop = setupPower(core);
    net.online = false;
    powerMonitor.emit('resume');
    expect(core.system.mock.calls.map(([e]) => e)).toEqual(['resume', 'offline']);
  });

  it('stop removes the listeners and the timer', () => {
    stop = setupPower(core);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(powerMonitor.listenerCount('suspend')).toBe(0);
    powerMonitor.emit('suspend');
    expect(core.system).not.toHaveBeenCalled();
  });
});
