/**
 * Every error that can reach the agent, as one typed shape `{code, message}`, and the one table
 * that maps each code to a sentence in zh-CN and en. Platform codes are the platform's own
 * (docs/platform-api/agent-api.md §2); the others are the desktop's.
 */

export const PLATFORM_CODES = {
  OK: '000000',
  BAD_PARAMETER: '000001',
  UNKNOWN: '000002',
  BUSY_LOCKED: '000004',
  NO_SERVICE: '010002',
  EXTENSION_EXISTS: '040101',
  EXTENSION_BOUND: '040102',
  EXTENSION_NOT_FOUND: '040103',
  EXTENSION_UNAVAILABLE: '040104',
  AGENT_LOGGED_IN: '040201',
  AGENT_NOT_FOUND: '040202',
  AGENT_BUSY: '040203',
  AGENT_EXPIRED: '040204',
} as const;
export type PlatformCode = (typeof PLATFORM_CODES)[keyof typeof PLATFORM_CODES];

/** The platform's own `msg` for each code (what its server sends). */
export const PLATFORM_MESSAGES: Record<PlatformCode, string> = {
  '000000': '请求成功',
  '000001': '参数错误',
  '000002': '未知错误',
  '000004': '系统繁忙',
  '010002': 'app没开通该服务',
  '040101': '分机号已存在',
  '040102': '分机已绑定座席',
  '040103': '分机不存在',
  '040104': '分机不可用',
  '040201': '座席已经登录',
  '040202': '座席不存在',
  '040203': '座席正忙',
  '040204': '坐席不可用(过期)',
};

/** Errors the desktop itself raises (transport, validation, IPC, SIP). */
export const APP_CODES = [
  'auth-failed',
  'transport',
  'timeout',
  'malformed-reply',
  'platform-other',
  'invalid-input',
  'not-signed-in',
  'already-signed-in',
  'in-call',
  'forbidden-sender',
  'unknown-command',
  'no-secure-storage',
  'sip-auth-failed',
  'sip-transport',
  'sip-timeout',
  'sip-rejected',
  'media',
  'internal',
  'gateway-signed-out',
  'http-error',
  'sip-not-configured',
  'call-gone',
  'admin-locked',
  'unsupported',
  'wrong-password',
  'sign-in-locked',
  'agent-disabled',
  'gateway-trouble',
] as const;
export type AppCode = (typeof APP_CODES)[number];

export type ErrorCode = PlatformCode | AppCode;

/** The one error shape that crosses every boundary. `detail` carries raw text for diagnostics. */
export interface AppError {
  code: ErrorCode;
  message: string;
  detail?: string;
}

export type Language = 'zh-CN' | 'en';

/** A sentence per code in both languages, saying what happened and what the agent can do. */
export const ERROR_TEXT: Record<Exclude<ErrorCode, '000000'>, Record<Language, string>> = {
  '000001': {
    'zh-CN': '平台拒绝了请求：参数错误。请检查输入后重试。',
    en: 'The platform refused the request: a parameter is invalid. Check what you entered and try again.',
  },
  '000002': {
    'zh-CN': '平台发生未知错误。请稍后重试，如仍失败请联系管理员。',
    en: 'The platform hit an unknown error. Try again shortly; if it keeps failing, contact your administrator.',
  },
  '000004': {
    'zh-CN': '平台繁忙（该座席正被其他操作占用）。请稍后重试。',
    en: 'The platform is busy with another operation on this agent. Try again in a moment.',
  },
  '010002': {
    'zh-CN': '该应用未开通呼叫中心服务。请联系管理员开通。',
    en: 'This app has no call-center service. Ask your administrator to enable it.',
  },
  '040101': {
    'zh-CN': '分机号已存在。请换一个分机号。',
    en: 'That extension number already exists. Choose another number.',
  },
  '040102': {
    'zh-CN': '该分机已绑定其他座席。请选择其他分机，或请对方先退出。',
    en: 'That extension is bound to another agent. Choose another extension, or ask that agent to sign out first.',
  },
  '040103': {
    'zh-CN': '分机不存在。请从列表中选择分机，或核对分机 ID。',
    en: 'That extension does not exist. Pick one from the list or check the extension ID.',
  },
  '040104': {
    'zh-CN': '分机不可用（未注册）。请检查话机注册状态。',
    en: 'The extension is not available (not registered). Check the phone registration.',
  },
  '040201': {
    'zh-CN': '该座席已在别处登录。请先在另一处退出，或等待其会话过期（约 5 分钟）后再登录。',
    en: 'This agent is already signed in elsewhere. Sign out there first, or wait for that session to expire (about 5 minutes).',
  },
  '040202': {
    'zh-CN': '平台上找不到该座席（会话可能已过期）。正在重新登录。',
    en: 'The platform does not know this agent (the session may have expired). Signing in again.',
  },
  '040203': {
    'zh-CN': '座席正在通话或振铃中，无法执行该操作。',
    en: 'The agent is ringing or in a call, so this cannot be done now.',
  },
  '040204': {
    'zh-CN': '座席已过期（长时间未报到）。正在恢复会话。',
    en: 'The agent has expired (no keepalive for too long). Restoring the session.',
  },
  'auth-failed': {
    'zh-CN':
      '平台拒绝了凭据（HTTP 401）。请在设置中检查 AppID、CertID 和密钥，并确认本机时钟准确（平台核对每个请求的时间）。',
    en: "The platform rejected the credentials (HTTP 401). Check the AppID, CertID and secret key in Settings, and that this computer's clock is right (the platform checks each request's time).",
  },
  transport: {
    'zh-CN': '无法连接平台。请检查网络；恢复后会自动重连。',
    en: 'Cannot reach the platform. Check the network; the app reconnects by itself when it is back.',
  },
  timeout: {
    'zh-CN': '平台响应超时。将自动重试。',
    en: 'The platform did not answer in time. The app will retry.',
  },
  'malformed-reply': {
    'zh-CN': '平台返回了无法识别的响应。将自动重试；如持续出现请联系管理员。',
    en: 'The platform sent a reply the app cannot read. It will retry; if this persists, contact your administrator.',
  },
  'platform-other': {
    'zh-CN': '平台返回了错误。',
    en: 'The platform returned an error.',
  },
  'invalid-input': {
    'zh-CN': '输入无效。',
    en: 'The input is not valid.',
  },
  'not-signed-in': {
    'zh-CN': '尚未登录。请先登录。',
    en: 'You are not signed in. Sign in first.',
  },
  'already-signed-in': {
    'zh-CN': '已经登录。请先退出再换座席登录。',
    en: 'Already signed in. Sign out before signing in as another agent.',
  },
  'in-call': {
    'zh-CN': '座席正在通话或振铃中，无法执行该操作。',
    en: 'The agent is ringing or in a call, so this cannot be done now.',
  },
  'forbidden-sender': {
    'zh-CN': '拒绝了来自未知页面的请求。',
    en: 'A request from an unknown page was refused.',
  },
  'unknown-command': {
    'zh-CN': '未知的命令。',
    en: 'Unknown command.',
  },
  'no-secure-storage': {
    'zh-CN': '本系统没有可用的安全密钥存储，密钥不会被保存。请确认是否仅在本次运行中使用。',
    en: 'This system offers no secure key storage, so secrets will not be saved. Confirm to use them for this run only.',
  },
  'sip-auth-failed': {
    'zh-CN': '分机注册被拒绝：用户名或密码错误。请检查分机设置。',
    en: 'Extension registration was refused: wrong SIP user or password. Check the extension settings.',
  },
  'sip-transport': {
    'zh-CN': '无法连接 SIP 服务器。正在自动重试。',
    en: 'Cannot reach the SIP server. Retrying automatically.',
  },
  'sip-timeout': {
    'zh-CN': 'SIP 服务器未响应注册请求。正在自动重试。',
    en: 'The SIP server did not answer the registration. Retrying automatically.',
  },
  'sip-rejected': {
    'zh-CN': 'SIP 服务器拒绝了注册。正在自动重试。',
    en: 'The SIP server refused the registration. Retrying automatically.',
  },
  media: {
    'zh-CN': '音频设备或媒体连接出现问题。',
    en: 'A problem with the audio device or the media connection.',
  },
  internal: {
    'zh-CN': '内部错误。请重试；如持续出现请导出诊断信息并联系支持。',
    en: 'Internal error. Try again; if it persists, export diagnostics and contact support.',
  },
  'gateway-signed-out': {
    'zh-CN': '网关登录已过期或被撤销。请输入密码重新登录；您选择的状态会被恢复。',
    en: 'Your gateway sign-in expired or was revoked. Enter your password to sign in again; your chosen state is restored.',
  },
  'http-error': {
    'zh-CN': '平台已连接，但返回了错误（HTTP 错误）。将自动重试；如持续出现请联系管理员。',
    en: 'The platform was reached but answered with an error (HTTP). The app will retry; if this persists, contact your administrator.',
  },
  'sip-not-configured': {
    'zh-CN': '未配置 SIP 服务器地址，无法注册分机。请在设置中填写 SIP WebSocket 地址。',
    en: 'No SIP server address is configured, so the extension cannot register. Set the SIP WebSocket URL in Settings.',
  },
  'call-gone': {
    'zh-CN': '这通电话已经结束。',
    en: 'That call has already ended.',
  },
  'admin-locked': {
    'zh-CN': '该设置由管理员统一设定，不能在此更改。',
    en: 'Your administrator sets this; it cannot be changed here.',
  },
  unsupported: {
    'zh-CN': '此版本的程序不能执行该操作。',
    en: 'This version of the app cannot do that.',
  },
  'wrong-password': {
    'zh-CN': '座席名或密码错误。请重新输入；多次输错会暂时锁定登录。',
    en: 'Wrong agent name or password. Enter them again; repeated mistakes lock signing in for a while.',
  },
  'sign-in-locked': {
    'zh-CN': '密码输错次数过多，登录已暂时锁定。请稍后再试，或请管理员解锁。',
    en: 'Too many wrong passwords: signing in is locked for a while. Try again later, or ask your administrator to unlock it.',
  },
  'agent-disabled': {
    'zh-CN': '该座席账号已停用。请联系管理员。',
    en: 'This agent account is disabled. Ask your administrator.',
  },
  'gateway-trouble': {
    'zh-CN':
      '座席网关暂时无法转达请求（平台连接不上或响应慢，或网关繁忙）。请稍后重试；如持续出现，请联系管理员。',
    en: 'The agent gateway could not get the request through just now (the platform unreachable or slow, or the gateway busy). Try again shortly; if it persists, contact your administrator.',
  },
};

const PLATFORM_CODE_SET = new Set<string>(Object.values(PLATFORM_CODES));

export function isPlatformCode(code: string): code is PlatformCode {
  return PLATFORM_CODE_SET.has(code);
}

/**
 * The one refusal for "not while ringing or in a call", whether the desktop saw the call itself
 * or the platform answered 040203 (座席正忙): callers test one code, `in-call`.
 */
export function inCallRefusal(detail?: string): AppError {
  return appError('in-call', detail);
}

/** The platform's "agent busy" (040203) as the one in-call refusal; other errors unchanged. */
export function asInCallRefusal(error: AppError): AppError {
  return error.code === PLATFORM_CODES.AGENT_BUSY ? inCallRefusal(error.message) : error;
}

/**
 * The platform-link codes' sentences for an attempt nothing repeats for the agent (signing in,
 * signing in again, changing extension): "the app will retry" there would leave them waiting.
 */
const ONCE_TEXT: Partial<Record<ErrorCode, Record<Language, string>>> = {
  transport: {
    'zh-CN': '无法连接平台。请检查网络后重试。',
    en: 'Cannot reach the platform. Check the network and try again.',
  },
  timeout: {
    'zh-CN': '平台响应超时。请稍后重试。',
    en: 'The platform did not answer in time. Try again shortly.',
  },
  'malformed-reply': {
    'zh-CN': '平台返回了无法识别的响应。请稍后重试；如持续出现请联系管理员。',
    en: 'The platform sent a reply the app cannot read. Try again shortly; if this persists, contact your administrator.',
  },
  'http-error': {
    'zh-CN': '平台已连接，但返回了错误（HTTP 错误）。请稍后重试；如持续出现请联系管理员。',
    en: 'The platform was reached but answered with an error (HTTP). Try again shortly; if this persists, contact your administrator.',
  },
};

/**
 * In gateway mode the desktop's requests go to the site's agent gateway, not the platform: no
 * answer, a late one or a bare HTTP error is the gateway's (the platform's own trouble behind it
 * comes back as `gateway-trouble`). The help desk looks at the gateway, not at the platform.
 */
const GATEWAY_TEXT: Partial<Record<ErrorCode, Record<Language, string>>> = {
  transport: {
    'zh-CN': '无法连接座席网关。请检查网络；恢复后会自动重连。',
    en: 'Cannot reach the agent gateway. Check the network; the app reconnects by itself when it is back.',
  },
  timeout: {
    'zh-CN': '座席网关响应超时。将自动重试。',
    en: 'The agent gateway did not answer in time. The app will retry.',
  },
  'http-error': {
    'zh-CN': '座席网关返回了错误（HTTP 错误）。将自动重试；如持续出现请联系管理员。',
    en: 'The agent gateway answered with an error (HTTP). The app will retry; if this persists, contact your administrator.',
  },
};

/** GATEWAY_TEXT for an attempt that is not retried (as ONCE_TEXT is to ERROR_TEXT). */
const GATEWAY_ONCE_TEXT: Partial<Record<ErrorCode, Record<Language, string>>> = {
  transport: {
    'zh-CN': '无法连接座席网关。请检查网络后重试；如持续出现请联系管理员。',
    en: 'Cannot reach the agent gateway. Check the network and try again; if this persists, contact your administrator.',
  },
  timeout: {
    'zh-CN': '座席网关响应超时。请稍后重试。',
    en: 'The agent gateway did not answer in time. Try again shortly.',
  },
  'http-error': {
    'zh-CN': '座席网关返回了错误（HTTP 错误）。请稍后重试；如持续出现请联系管理员。',
    en: 'The agent gateway answered with an error (HTTP). Try again shortly; if this persists, contact your administrator.',
  },
};

/** Where an error is said: `once` ends an attempt nothing repeats; `gateway`, in gateway mode. */
export interface ErrorContext {
  once?: boolean;
  gateway?: boolean;
}

/**
 * The sentence for an error in a language; unknown platform codes show the platform's own msg.
 * `once`: the error ends an attempt that is not retried (see ONCE_TEXT); `gateway`: the desktop
 * reaches the platform through the agent gateway (see GATEWAY_TEXT).
 */
export function describeError(
  error: AppError,
  language: Language,
  { once = false, gateway = false }: ErrorContext = {},
): string {
  // The most particular sentence first: the gateway's, then a one-off attempt's, then the code's.
  const tables: Partial<Record<ErrorCode, Record<Language, string>>>[] = [];
  if (gateway) tables.push(once ? GATEWAY_ONCE_TEXT : GATEWAY_TEXT);
  if (once) tables.push(ONCE_TEXT);
  const text =
    tables.map((table) => table[error.code]).find(Boolean) ??
    (ERROR_TEXT as Record<string, Record<Language, string> | undefined>)[error.code];
  if (!text) return error.message;
  // The platform's own msg (its language) follows its code's sentence. The desktop's own detail
  // for invalid input is English, so only an English window shows it.
  const extra =
    error.code === 'platform-other' || (error.code === 'invalid-input' && language === 'en');
  if (extra) return error.message ? `${text[language]} ${error.message}` : text[language];
  return text[language];
}

/** Builds an AppError whose message is the English sentence (logs, diagnostics). */
export function appError(code: ErrorCode, detail?: string, message?: string): AppError {
  const text = code === '000000' ? undefined : ERROR_TEXT[code];
  const error: AppError = { code, message: message ?? text?.en ?? code };
  if (detail !== undefined) error.detail = detail;
  return error;
}
