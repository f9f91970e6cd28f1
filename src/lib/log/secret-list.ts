/**
 * The secret values this process knows at run time (secret key, SIP passwords). Every log sink
 * and the diagnostics bundle scrub them through the one redaction function in shared/redact.
 */
export class SecretList {
  private readonly values = new Set<string>();

  /** Remembers a secret so it is scrubbed from everything written from now on. */
  add(value: string | null | undefined): void {
    if (value) this.values.add(value);
  }

  /** Every known value (a copy). */
  list(): string[] {
    return [...this.values];
  }
}
