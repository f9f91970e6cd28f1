/**
 * Strings the Electron shell shows outside the window: the tray (tooltip and menu), the app
 * menu and the one dialog about secret storage. Both languages live side by side so a missing
 * translation is a type error, not a blank label.
 */
import type { BaseState, SystemReason } from '../domain/state';
import type { Language } from '../domain/errors';
import type { LanguageSetting } from '../settings';
import type { TroubleKind } from '../availability';

/** Why the tray shows the trouble icon (the shared availability rule decides). */
export type { TroubleKind } from '../availability';

export interface TrayText {
  appName: string;
  states: Record<BaseState, string>;
  /** No state known (the window's badge says the same). */
  unknownState: string;
  /** The reasons the app sets itself (`away/system/lock` reads "Away · screen locked"). */
  systemReasons: Record<SystemReason, string>;
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
  /** Gateway mode: the token lapsed or was revoked, the window asks for the password again. */
  signInAgain: string;
  /** Idle and fine, but the window lists no speaker or headset (the readiness light says so). */
  noOutput: string;
  /** A sign-out the agent asked for that the platform has not taken yet (sent again). */
  signOutPending: string;
  /** App menu (Windows/Linux) top-level labels. */
  menuFile: string;
  menuEdit: string;
  /** Shown once when a secret is set but the OS offers no keychain. */
  insecureStorageTitle: string;
  insecureStorageBody: string;
  ok: string;
  /** App menu: View and its zoom items. */
  menuView: string;
  zoomIn: string;
  zoomOut: string;
  zoomReset: string;
  /** Diagnostics export (tray item, and the dialog before saving). */
  exportDiagnostics: string;
  diagnosticsTitle: string;
  diagnosticsContents: string;
  diagnosticsSave: string;
  cancel: string;
  /** The app could not start (any cause; the detail follows). */
  startFailedTitle: string;
  startFailedBody: (detail: string) => string;
  /** The administrator's policy file is malformed: the app refuses to start. */
  policyInvalidTitle: string;
  policyInvalidBody: (path: string, problems: string[]) => string;
  /** The window crashed three times in a short while: the agent stays held. */
  crashLoopTitle: string;
  crashLoopBody: string;
  crashReload: string;
  /** Quit (tray, app menu) while a call rings or is on: it would hang up on the customer. */
  quitInCallTitle: string;
  quitInCallBody: string;
  quitInCallConfirm: string;
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
    unknownState: '未知',
    systemReasons: {
      lock: '锁屏',
      suspend: '电脑休眠',
      crash: '窗口恢复中',
      'in-call': '通话未结束',
    },
    signedOut: '未签入',
    signingIn: '正在签入…',
    signingOut: '正在签出…',
    restoring: '正在恢复会话…',
    current: (label) => `当前状态：${label}`,
    wrapUpLeft: (time) => `话后处理剩余 ${time}`,
    noReason: '不填原因',
    recent: '最近使用',
    showWindow: '显示窗口',
    signOut: '签出',
    quit: '退出',
    trouble: {
      'platform-unreachable': '平台无法连接，正在重试',
      'platform-auth': '平台拒绝了应用凭据',
      'sip-auth': 'SIP 注册被拒绝，请检查分机密码',
      'sip-reconnecting': 'SIP 线路已断开，正在重连',
      microphone: '麦克风不可用',
      'session-restoring': '会话中断，正在恢复',
      'platform-error': '平台返回错误，正在重试',
      'gateway-trouble': '座席网关无法转达请求，正在重试',
      'gateway-unreachable': '座席网关无法连接，正在重试',
      'platform-refused': '平台拒绝了请求',
      'sip-not-configured': '未配置 SIP 服务器',
      'sip-down': 'SIP 线路未注册',
    },
    signInAgain: '网关登录已失效，请重新登录',
    noOutput: '未连接扬声器或耳机',
    signOutPending: '签出尚未完成，正在重试',

    menuFile: '文件',
    menuEdit: '编辑',
    insecureStorageTitle: '密钥不会被保存',
    insecureStorageBody:
      '本机没有可用的系统钥匙串，密钥和 SIP 密码只保存在内存中，退出后需要重新输入。它们不会以明文写入磁盘。',
    ok: '知道了',
    menuView: '视图',
    zoomIn: '放大',
    zoomOut: '缩小',
    zoomReset: '实际大小',
    exportDiagnostics: '导出诊断信息…',
    diagnosticsTitle: '导出诊断信息',
    diagnosticsContents:
      '将保存一个 zip 文件，包含：日志文件；应用、Electron、Chromium 和操作系统版本；导出时的状态（签入、状态、SIP、平台连接、通话阶段，不含来电号码）；设置（已移除密钥）；最近 200 次状态变化及原因；最近 200 条 SIP 消息（已隐去凭据）；就绪状态历史；未接来电列表。不包含密钥、签名或密码。',
    diagnosticsSave: '选择保存位置…',
    cancel: '取消',
    startFailedTitle: '座席桌面无法启动',
    startFailedBody: (detail) => `应用无法启动：\n${detail}`,
    policyInvalidTitle: '管理员策略文件有误',
    policyInvalidBody: (path, problems) =>
      `管理员策略文件 ${path} 无法使用，应用不会在配置不完整的情况下启动。请联系 IT 管理员修正：\n${problems.map((p) => `• ${p}`).join('\n')}`,
    crashLoopTitle: '窗口多次崩溃',
    crashLoopBody:
      '应用窗口在 5 分钟内崩溃了 3 次。为避免漏接来电，您已被置为忙碌（系统），不会有来电分配给您。请导出诊断信息并联系 IT；重新打开窗口后可手动恢复状态。',
    crashReload: '重新打开窗口',
    quitInCallTitle: '正在通话中',
    quitInCallBody: '退出会挂断当前通话，并将您签出。确定要退出吗？',
    quitInCallConfirm: '挂断并退出',
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
    unknownState: 'Unknown',
    systemReasons: {
      lock: 'screen locked',
      suspend: 'computer asleep',
      crash: 'window recovering',
      'in-call': 'call not over',
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
      'session-restoring': 'Session interrupted, restoring',
      'platform-error': 'The platform answers with errors, retrying',
      'gateway-trouble': 'The agent gateway cannot get through, retrying',
      'gateway-unreachable': 'Agent gateway unreachable, retrying',
      'platform-refused': 'The platform refuses requests',
      'sip-not-configured': 'No SIP server configured',
      'sip-down': 'SIP line not registered',
    },
    signInAgain: 'Gateway sign-in lapsed: sign in again',
    noOutput: 'No speaker or headset connected',
    signOutPending: 'Sign-out not taken yet, retrying',

    menuFile: 'File',
    menuEdit: 'Edit',
    insecureStorageTitle: 'Secrets will not be saved',
    insecureStorageBody:
      'This computer offers no system keychain, so the secret key and SIP password are kept in memory only and must be entered again after quitting. They are never written to disk in plain text.',
    ok: 'OK',
    menuView: 'View',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    zoomReset: 'Actual Size',
    exportDiagnostics: 'Export diagnostics…',
    diagnosticsTitle: 'Export diagnostics',
    diagnosticsContents:
      'A zip file will be saved holding: the log files; the app, Electron, Chromium and OS versions; the status at the export (session, state, SIP, platform link, call phase, without the caller); settings (secrets removed); the last 200 state changes with their cause; the last 200 SIP messages (credentials redacted); readiness history; the missed-call list. It holds no secret key, signature or password.',
    diagnosticsSave: 'Choose where to save…',
    cancel: 'Cancel',
    startFailedTitle: 'Agent desktop could not start',
    startFailedBody: (detail) => `The app could not start:\n${detail}`,
    policyInvalidTitle: 'The administrator policy file is invalid',
    policyInvalidBody: (path, problems) =>
      `The administrator policy file ${path} cannot be used, and the app will not start half-configured. Ask your IT administrator to fix it:\n${problems.map((p) => `• ${p}`).join('\n')}`,
    crashLoopTitle: 'The window keeps crashing',
    crashLoopBody:
      'The app window crashed 3 times within 5 minutes. So that no call rings unheard, you are held busy (system) and no calls are routed to you. Export diagnostics and contact IT; once the window is back you can change your state yourself.',
    crashReload: 'Reopen the window',
    quitInCallTitle: 'You are in a call',
    quitInCallBody: 'Quitting hangs up the call and signs you out. Quit anyway?',
    quitInCallConfirm: 'Hang up and quit',
  },
};

/** Resolves the 'system' language setting against the OS locale (Chinese locales → zh-CN). */
export function resolveLanguage(setting: LanguageSetting, locale: string): Language {
  if (setting !== 'system') return setting;
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * The Chromium locale (Electron's `--lang`) for a language the app shows: Chromium draws its own
 * controls in it (the date fields' order and placeholders), whatever the page's `lang` says.
 */
export function chromiumLocale(language: Language): 'zh-CN' | 'en-US' {
  return language === 'zh-CN' ? 'zh-CN' : 'en-US';
}
