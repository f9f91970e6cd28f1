/**
 * A read-only window into the call media for end-to-end tests and support: RTP counters and
 * whether the ringtone plays. Nothing here can change anything.
 */
import type { MediaStats } from './call-media';
import type { QualityReading } from './quality-monitor';

export interface MediaDebug {
  /** The current call's RTP counters, or null without call media. */
  mediaStats(): Promise<MediaStats | null>;
  /**
   * Whether the ringtone plays, and on which device ('default' = system); `clock` is the seconds
   * its output device has played so far (it stands still while nothing plays).
   */
  ringtone(): {
    playing: boolean;
    deviceId: string | null;
    blocked: boolean;
    clock: number | null;
  };
  /** The quality light's last reading and the thread time its reads cost so far. */
  quality(): {
    reading: QualityReading | null;
    cost: { ms: number; reads: number; maxMs: number };
  };
}

declare global {
  interface Window {
    readonly agentDesktopDebug?: MediaDebug;
  }
}

export function installMediaDebug(debug: MediaDebug): void {
  Object.defineProperty(window, 'agentDesktopDebug', {
    value: Object.freeze(debug),
    configurable: true,
    enumerable: false,
    writable: false,
  });
}
