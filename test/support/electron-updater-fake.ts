/**
 * electron-updater for the shell's tests, one module for all of them:
 * `vi.mock('electron-updater', () => import('../../support/electron-updater-fake'))`, then set
 * `updater.current` to the test's own fake autoUpdater. The cancellation token is the real one
 * (electron-updater's own, from builder-util-runtime), so cancelling behaves as it does there.
 */
import { CancellationToken } from 'builder-util-runtime';

export const updater = { current: null as unknown };

export default {
  get autoUpdater() {
    return updater.current;
  },
  CancellationToken,
};
