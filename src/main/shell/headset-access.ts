/**
 * WebHID for the agent's headset: the app's own page may use HID devices (the window asks only
 * for the telephony usage page), and when it asks to choose one Electron has no chooser of its
 * own, so the first device the page's filter matched is given. Nothing else may use HID.
 */
import type { Session } from 'electron';
import type { AppUrl } from './app-url';

export function setupHeadsetAccess(ses: Session, appUrl: AppUrl): void {
  ses.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    const fromApp = appUrl.isAppUrl(details.frame?.url ?? '');
    callback(fromApp ? (details.deviceList[0]?.deviceId ?? '') : '');
  });
  ses.setDevicePermissionHandler(
    (details) => details.deviceType === 'hid' && appUrl.isAppOrigin(details.origin),
  );
}
