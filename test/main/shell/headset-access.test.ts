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

interface Device {
  deviceId: string;
  collections: { usagePage: number }[];
}

/** A HID device with one top-level collection on the given usage page. */
function device(deviceId: string, usagePage: number): Device {
  return { deviceId, collections: [{ usagePage }] };
}

const TELEPHONY = 0x0b;

function choose(frameUrl: string, deviceList: Device[]) {
  let chosen: string | undefined;
  const event = { preventDefault: vi.fn() };
  ses.emit('select-hid-device', event, { frame: { url: frameUrl }, deviceList }, (id: string) => {
    chosen = id;
  });
  return { chosen, prevented: event.preventDefault.mock.calls.length > 0 };
}

describe('headset access (WebHID)', () => {
  it('gives the app page the first headset its telephony filter matched', () => {
    const headsets = [device('h1', TELEPHONY), device('h2', TELEPHONY)];
    expect(choose('http://localhost:5173/', headsets)).toEqual({ chosen: 'h1', prevented: true });
    expect(choose('http://localhost:5173/', []).chosen).toBe('');
  });

  it('never hands the app page a device that is not a headset (a barcode scanner, a keyboard)', () => {
    const scanner = device('barcode-scanner', 0x8c);
    const keyboard = device('keyboard', 0x01);
    expect(choose('http://localhost:5173/', [scanner, keyboard]).chosen).toBe('');
    expect(choose('http://localhost:5173/', [scanner, device('h1', TELEPHONY)]).chosen).toBe('h1');
  });

  it('gives other pages nothing', () => {
    expect(choose('https://evil.example/', [device('h1', TELEPHONY)]).chosen).toBe('');
  });

  it('allows HID devices for the app origin only', () => {
    const allow = ses.devicePermissionHandler!;
    expect(allow({ deviceType: 'hid', origin: 'http://localhost:5173' })).toBe(true);
    expect(allow({ deviceType: 'hid', origin: 'https://evil.example' })).toBe(false);
    expect(allow({ deviceType: 'usb', origin: 'http://localhost:5173' })).toBe(false);
    expect(permissionAllowed('hid', [])).toBe(true);
  });
});
