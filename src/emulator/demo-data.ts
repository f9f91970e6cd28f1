/**
 * The emulator's fixed demo data: one account and five SIP extensions with deterministic ids, so
 * tests, the CLI and the desktop app can refer to them without asking the emulator first.
 */
import { createHash } from 'node:crypto';

/**
 * The app prefix the platform puts in front of an extension's `user` to make its SIP user
 * (docs/platform-api/extension-api.zh.md: "应用的编号做为前缀+用户传的user参数"). One fixed app here.
 */
export const SIP_USER_PREFIX = '10001';

/** The platform's SIP domain (realm), which the demo registrar uses too. */
export const DEMO_SIP_DOMAIN = 'sip.oneyun.com';

/** The account id in the emulator's base URL unless another is given. */
export const DEMO_ACCOUNT_ID = md5Hex('oneyun-emulator-account');

export interface DemoExtension {
  /** 32 hex chars: md5 of the SIP user. */
  id: string;
  /** The `user` given at creation (6–12 digits). */
  user: string;
  /** What the platform stores and the registrar expects: prefix + user. */
  sipUser: string;
  password: string;
}

/** Extensions 800001…800005, passwords demo800001…, SIP users 10001800001…. */
export const DEMO_EXTENSIONS: readonly DemoExtension[] = Object.freeze(
  [800001, 800002, 800003, 800004, 800005].map((n) => {
    const user = String(n);
    const sipUser = SIP_USER_PREFIX + user;
    return Object.freeze({ id: md5Hex(sipUser), user, sipUser, password: `demo${user}` });
  }),
);

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
