/** Reading why a ringing call was CANCELled from its Reason headers (RFC 3326). */
import { describe, expect, it } from 'vitest';
import { cancelCause } from '../../../src/main/sip/cancel-reason';

describe('cancelCause', () => {
  it.each([
    [['SIP;cause=408;text="ring timeout"'], 'ring-timeout'],
    [['sip ; cause = 408'], 'ring-timeout'],
    [['Q.850;cause=19;text="No answer from user"'], 'ring-timeout'],
    [['Q.850;cause=18'], 'ring-timeout'],
    [['SIP;cause=487;text="Request Terminated"'], 'caller-gave-up'],
    [['SIP;cause=200;text="Call completed elsewhere"'], 'caller-gave-up'],
    [['SIP;cause=487, Q.850;cause=19'], 'ring-timeout'],
    [['SIP;cause=487;text="a, b; cause=408"'], 'caller-gave-up'],
    [['SIP;text="no cause"'], 'caller-gave-up'],
    [[], 'caller-gave-up'],
  ] as const)('%j → %s', (headers, expected) => {
    expect(cancelCause(headers)).toBe(expected);
  });
});
