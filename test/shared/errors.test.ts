import { describe, expect, it } from 'vitest';
import {
  APP_CODES,
  appError,
  describeError,
  ERROR_TEXT,
  isPlatformCode,
  PLATFORM_CODES,
  PLATFORM_MESSAGES,
} from '../../src/shared/domain/errors';
import type { AppError, ErrorCode } from '../../src/shared/domain/errors';

const CJK = /[\u4e00-\u9fff]/;
const platformErrorCodes = Object.values(PLATFORM_CODES).filter((c) => c !== '000000');

describe('the error table', () => {
  it.each([...platformErrorCodes, ...APP_CODES])('%s has zh-CN and en text', (code) => {
    const text = ERROR_TEXT[code];
    expect(text['zh-CN']).toMatch(CJK);
    expect(text.en.trim().length).toBeGreaterThan(0);
    // The English sentence is not Chinese by mistake.
    expect(text.en).not.toMatch(CJK);
  });

  it('has the platform message for every platform code, as its server sends it', () => {
    for (const code of Object.values(PLATFORM_CODES)) {
      expect(PLATFORM_MESSAGES[code]).toMatch(CJK);
    }
    expect(PLATFORM_MESSAGES['000000']).toBe('请求成功');
    expect(PLATFORM_MESSAGES['040202']).toBe('座席不存在');
    expect(Object.keys(PLATFORM_CODES)).toHaveLength(13);
  });

  it('knows exactly the platform codes', () => {
    for (const code of Object.values(PLATFORM_CODES)) expect(isPlatformCode(code)).toBe(true);
    for (const code of ['transport', '', '040205', ' 040202', '40202', '0402020']) {
      expect(isPlatformCode(code)).toBe(false);
    }
  });
});

describe('describeError', () => {
  it('uses the table for a known platform code, not the raw platform msg', () => {
    const error: AppError = { code: '040203', message: '座席正忙' };
    expect(describeError(error, 'en')).toBe(ERROR_TEXT['040203'].en);
    expect(describeError(error, 'zh-CN')).toBe(ERROR_TEXT['040203']['zh-CN']);
  });

  it('adds the platform msg for an unknown platform code', () => {
    const error: AppError = { code: 'platform-other', message: '新的错误', detail: '050505' };
    expect(describeError(error, 'zh-CN')).toBe(`${ERROR_TEXT['platform-other']['zh-CN']} 新的错误`);
    expect(describeError(error, 'en')).toBe(`${ERROR_TEXT['platform-other'].en} 新的错误`);
    expect(describeError({ code: 'platform-other', message: '' }, 'en')).toBe(
      ERROR_TEXT['platform-other'].en,
    );
  });

  it('adds the detail sentence for invalid input, in an English window only', () => {
    expect(describeError({ code: 'invalid-input', message: 'name too long' }, 'en')).toBe(
      `${ERROR_TEXT['invalid-input'].en} name too long`,
    );
    // The desktop's details are English: a Chinese window is not given half a sentence of it.
    expect(describeError({ code: 'invalid-input', message: 'name too long' }, 'zh-CN')).toBe(
      ERROR_TEXT['invalid-input']['zh-CN'],
    );
  });

  it('a call that is over, a locked setting and an unsupported action read as such', () => {
    expect(describeError(appError('call-gone', 'no such call'), 'zh-CN')).toBe(
      '这通电话已经结束。',
    );
    expect(describeError(appError('admin-locked', 'set by your administrator: appId'), 'en')).toBe(
      ERROR_TEXT['admin-locked'].en,
    );
    expect(describeError(appError('unsupported', 'this host cannot save files'), 'zh-CN')).toBe(
      ERROR_TEXT.unsupported['zh-CN'],
    );
  });

  it('names the agent gateway for no answer in gateway mode, retried or not', () => {
    const down = appError('transport', 'connect ECONNREFUSED');
    expect(describeError(down, 'zh-CN', { gateway: true })).toBe(
      '无法连接座席网关。请检查网络；恢复后会自动重连。',
    );
    expect(describeError(down, 'en', { gateway: true, once: true })).toMatch(
      /^Cannot reach the agent gateway\. Check the network and try again/,
    );
    expect(describeError(appError('timeout'), 'en', { gateway: true, once: true })).toBe(
      'The agent gateway did not answer in time. Try again shortly.',
    );
    // Without the gateway: the platform, as before; a once-only sentence still says try again.
    expect(describeError(down, 'en', { once: true })).toBe(
      'Cannot reach the platform. Check the network and try again.',
    );
    // A code the gateway table has no sentence of its own for falls back in order.
    const unreadable = appError('malformed-reply');
    expect(describeError(unreadable, 'en', { gateway: true, once: true })).toMatch(/Try again/);
    expect(describeError(appError('040102'), 'en', { gateway: true })).toBe(
      ERROR_TEXT['040102'].en,
    );
  });

  it('falls back to the message for a code it does not know', () => {
    const error = { code: 'from-the-future' as ErrorCode, message: 'something new' };
    expect(describeError(error, 'zh-CN')).toBe('something new');
  });
});

describe('appError', () => {
  it('carries the English sentence, and a detail only when given', () => {
    expect(appError('timeout')).toEqual({ code: 'timeout', message: ERROR_TEXT.timeout.en });
    expect(appError('transport', 'HTTP 503')).toEqual({
      code: 'transport',
      message: ERROR_TEXT.transport.en,
      detail: 'HTTP 503',
    });
    expect(appError('040202', undefined, '座席不存在')).toEqual({
      code: '040202',
      message: '座席不存在',
    });
  });
});
