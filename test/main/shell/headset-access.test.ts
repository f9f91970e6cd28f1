/** WebHID for the headset, against the Electron fake: only the app's page, only HID. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { appUrl } from '../../../src/main/shell/app-url';
import { setupHeadsetAccess } from '../../../src/main/shell/headset-access';
import { permissionAllowed } from '../../../src/main/shell/security';
import { resetElectronFake, session } from '../../support/electron-fake';
import type { Session } from 'electron';

const dev = appUrl('http://localhost:5173/', '/app/index.html');
const ses = session.defaultSession;

beforeEach(() => {
  resetElectronFake();
  setupHeadsetAccess(ses as unknown as Session, dev);
});

function choose(frameUrl: string, deviceList: { deviceId: string }[]) {
  let chosen: string | undefined;
  const event = { preventDefault: vi.fn() };
  ses.emit('select-hid-device', event, { frame: { url: frameUrl }, deviceList }, (id: string) => {
    chosen = id;
  });
  return { chosen, prevented: event.preventDefault.mock.calls.length > 0 };
}

describe('headset access (WebHID)', () => {
  it('gives the app page the first headset its telephony filter matched', () => {
    expect(choose('http://localhost:5173/', [{ deviceId: 'h1' }, { deviceId: 'h2' }])).toEqual({
      chosen: 'h1',
      prevented: true,
    });
    expect(choose('http://localhost:5173/', []).chosen).toBe('');
  });

  it('gives other pages nothing', () => {
    expect(choose('https://evil.example/', [{ deviceId: 'h1' }]).chosen).toBe('');
  });

  it('allows HID devices for the app origin only', () => {
    const allow = ses.devicePermissionHandler!;
    expect(allow({ deviceType: 'hid', origin: 'http://localhost:5173' })).toBe(true);
    expect(allow({ deviceType: 'hid', origin: 'https://evil.example' })).toBe(false);
    expect(allow({ deviceType: 'usb', origin: 'http://localhost:5173' })).toBe(false);
    expect(permissionAllowed('hid', [])).toBe(true);
  });
});
