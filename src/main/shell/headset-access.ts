/**
 * WebHID for the agent's headset: the app's own page may use HID devices (the window asks only
 * for the telephony usage page), and when it asks to choose one Electron has no chooser of its
 * own, so the first telephony device (usage page 0x0B) in the list is given — never another kind
 * of HID device, whatever filter the page passed. Nothing else may use HID.
 */
import type { Session } from 'electron';
import type { AppUrl } from './app-url';

/** HID usage page "Telephony Device": headsets' hook switch, mute and volume. */
const TELEPHONY_USAGE_PAGE = 0x0b;

export function setupHeadsetAccess(ses: Session, appUrl: AppUrl): void {
  ses.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    const fromApp = appUrl.isAppUrl(details.frame?.url ?? '');
    const headset = details.deviceList.find((d) =>
      d.collections.some((c) => c.usagePage === TELEPHONY_USAGE_PAGE),
    );
    callback(fromApp ? (headset?.deviceId ?? '') : '');
  });
  ses.setDevicePermissionHandler(
    (details) => details.deviceType === 'hid' && appUrl.isAppOrigin(details.origin),
  );
}
