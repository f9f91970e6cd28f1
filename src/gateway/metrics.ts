/**
 * Prometheus metrics in the text exposition format, written by hand: request counts by
 * action and status, a latency histogram, platform errors, sign-ins and locked-out keys.
 * Labels carry only route names, statuses and codes — never names, tokens or secrets.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly platformErrors = new Map<string, number>();
  private readonly signIns = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;
  auditDropped = 0;

  request(action: string, status: number, seconds: number): void {
    const key = `action="${action}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latencyCount++;
    this.latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.buckets[i]!++;
  }

  platformError(code: string): void {
    const key = `code="${code.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 16)}"`;
    this.platformErrors.set(key, (this.platformErrors.get(key) ?? 0) + 1);
  }

  signIn(result: 'ok' | 'wrong' | 'locked' | 'disabled'): void {
    const key = `result="${result}"`;
    this.signIns.set(key, (this.signIns.get(key) ?? 0) + 1);
  }

  /**
   * The exposition text; `lockedOut` is read from the store at scrape time, and null when the
   * store does not answer: then the sample is left out rather than reading as "nobody locked".
   */
  render(gauges: { lockedOut: number | null; up: number }): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, values: Map<string, number>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of values) lines.push(`${name}{${labels}} ${v}`);
    };
    family(
      'gateway_requests_total',
      'counter',
      'Requests answered, by action and HTTP status.',
      this.requests,
    );
    family(
      'gateway_platform_errors_total',
      'counter',
      'Platform error codes and transport failures.',
      this.platformErrors,
    );
    family('gateway_sign_ins_total', 'counter', 'Agent sign-in attempts by result.', this.signIns);
    lines.push(
      '# HELP gateway_request_duration_seconds Time from request to answer.',
      '# TYPE gateway_request_duration_seconds histogram',
    );
    BUCKETS.forEach((le, i) =>
      lines.push(`gateway_request_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`),
    );
    lines.push(
      `gateway_request_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `gateway_request_duration_seconds_sum ${this.latencySum}`,
      `gateway_request_duration_seconds_count ${this.latencyCount}`,
      '# HELP gateway_locked_out Sign-in locks in force now: agent names from unknown addresses, names at one address, and addresses.',
      '# TYPE gateway_locked_out gauge',
      ...(gauges.lockedOut === null ? [] : [`gateway_locked_out ${gauges.lockedOut}`]),
      '# HELP gateway_audit_dropped_total Audit rows the database refused.',
      '# TYPE gateway_audit_dropped_total counter',
      `gateway_audit_dropped_total ${this.auditDropped}`,
      '# HELP gateway_store_up 1 when the database answers.',
      '# TYPE gateway_store_up gauge',
      `gateway_store_up ${gauges.up}`,
    );
    return lines.join('\n') + '\n';
  }
}
