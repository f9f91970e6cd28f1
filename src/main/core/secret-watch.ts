/**
 * Tells the log's secret list about every secret value as the core handles it: those read from
 * or written to the secret store, and the SIP password each line start uses (which may come from
 * the platform's extension record). Logs and the diagnostics bundle then scrub them.
 */
import type { SecretList } from '../../lib/log/secret-list';
import type { SecretStore } from '../../lib/ports';
import type { SipLine } from '../sip/types';

/** The store, reporting each value it returns or stores to `known`. */
export function watchSecrets(store: SecretStore, known: SecretList | undefined): SecretStore {
  if (!known) return store;
  return {
    get persistent() {
      return store.persistent;
    },
    get: (key) => {
      const value = store.get(key);
      known.add(value);
      return value;
    },
    set: (key, value) => {
      known.add(value);
      store.set(key, value);
    },
  };
}

/** The line, reporting the password of each config it starts with to `known`. */
export function watchSipLine<L extends SipLine | null>(line: L, known: SecretList | undefined): L {
  if (!line || !known) return line;
  const watched: SipLine = {
    start: (config) => {
      known.add(config.password);
      line.start(config);
    },
    stop: () => line.stop(),
    kick: (reason) => line.kick(reason),
    status: () => line.status(),
    onStatus: (listener) => line.onStatus(listener),
    onIncomingCall: (listener) => line.onIncomingCall(listener),
    onEarlyOffer: (listener) => line.onEarlyOffer(listener),
  };
  return watched as L;
}
