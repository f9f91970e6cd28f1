/**
 * Strings the Electron shell shows outside the window: the tray (tooltip and menu), the app
 * menu and the one dialog about secret storage. Both languages live side by side so a missing
 * translation is a type error, not a blank label.
 */
import type { BaseState } from '../domain/state';
import type { Language } from '../domain/errors';
import type { LanguageSetting } from '../settings';

/** Why the tray shows the trouble icon. */
export type TroubleKind =
  'platform-unreachable' | 'platform-auth' | 'sip-auth' | 'sip-reconnecting' | 'microphone';

export interface TrayText {
  appName: string;
  states: Record<BaseState, string>;
  signedOut: string;
  signingIn: string;
  signingOut: string;
  restoring: string;
  /** The menu's first line, e.g. "Now: Busy · Break". */
  current: (label: string) => string;
  /** Wrap-up in the tooltip: what is left of it. */
  wrapUpLeft: (time: string) => string;
  noReason: string;
  recent: string;
  showWindow: string;
  signOut: string;
  quit: string;
  trouble: Record<TroubleKind, string>;
  /** App menu (Windows/Linux) top-level labels. */
  menuFile: string;
  menuEdit: string;
  /** Shown once when a secret is set but the OS offers no keychain. */
  insecureStorageTitle: string;
  insecureStorageBody: string;
  ok: string;
}

export const TRAY_TEXT: Record<Language, TrayText> = {
  'zh-CN': {
    appName: '壹耘座席',
    states: {
      online: '在线',
      idle: '空闲',
      busy: '忙碌',
      away: '离开',
      fetching: '振铃中',
      talking: '通话中',
    },
    signedOut: '未签入',
    signingIn: '正在签入…',
    signingOut: '正在签出…',
    restoring: '正在恢复会话…',
    current: (label) => `当前状态:${label}`,
    wrapUpLeft: (time) => `话后处理剩余 ${time}`,
    noReason: '不填原因',
    recent: '最近使用',
    showWindow: '显示窗口',
    signOut: '签出',
    quit: '退出',
    trouble: {
      'platform-unreachable': '平台无法连接,正在重试',
      'platform-auth': '平台拒绝了应用凭据',
      'sip-auth': 'SIP 注册被拒绝,请检查分机密码',
      'sip-reconnecting': 'SIP 线路已断开,正在重连',
      microphone: '麦克风不可用',
    },
    menuFile: '文件',
    menuEdit: '编辑',
    insecureStorageTitle: '密钥不会被保存',
    insecureStorageBody:
      '本机没有可用的系统钥匙串,密钥和 SIP 密码只保存在内存中,退出后需要重新输入。它们不会以明文写入磁盘。',
    ok: '知道了',
  },
  en: {
    appName: 'ONEYUN Agent',
    states: {
      online: 'Online',
      idle: 'Idle',
      busy: 'Busy',
      away: 'Away',
      fetching: 'Ringing',
      talking: 'On a call',
    },
    signedOut: 'Signed out',
    signingIn: 'Signing in…',
    signingOut: 'Signing out…',
    restoring: 'Restoring the session…',
    current: (label) => `Now: ${label}`,
    wrapUpLeft: (time) => `wrap-up ${time} left`,
    noReason: 'No reason',
    recent: 'Recently used',
    showWindow: 'Show window',
    signOut: 'Sign out',
    quit: 'Quit',
    trouble: {
      'platform-unreachable': 'Platform unreachable, retrying',
      'platform-auth': 'The platform refused the app credentials',
      'sip-auth': 'SIP registration refused: check the extension password',
      'sip-reconnecting': 'SIP line lost, reconnecting',
      microphone: 'Microphone unavailable',
    },
    menuFile: 'File',
    menuEdit: 'Edit',
    insecureStorageTitle: 'Secrets will not be saved',
    insecureStorageBody:
      'This computer offers no system keychain, so the secret key and SIP password are kept in memory only and must be entered again after quitting. They are never written to disk in plain text.',
    ok: 'OK',
  },
};

/** Resolves the 'system' language setting against the OS locale (Chinese locales → zh-CN). */
export function resolveLanguage(setting: LanguageSetting, locale: string): Language {
  if (setting !== 'system') return setting;
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
