/**
 * Secrets (platform secret key, SIP password, SIP proxy password) encrypted with the OS keychain
 * through Electron's safeStorage, kept in one file in userData. Where the OS offers no real
 * keychain the store lives in memory only (`persistent: false`) and says so once: never a silent
 * plaintext file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { safeStorage } from 'electron';
import { MemorySecretStore, SECRET_KEYS } from '../../lib/ports';
import type { Logger, SecretKey, SecretStore } from '../../lib/ports';

export interface SecretStoreOptions {
  /** The encrypted file, e.g. `<userData>/secrets.json`. */
  file: string;
  platform: NodeJS.Platform;
  logger: Logger;
  /** Called the first time a secret is set while only memory can hold it. */
  onVolatileSecret?: () => void;
}

interface SecretsFile {
  version: 1;
  /** Each value is safeStorage ciphertext, base64-encoded. */
  values: Partial<Record<SecretKey, string>>;
}

const isSecretKey = (key: string): key is SecretKey =>
  (SECRET_KEYS as readonly string[]).includes(key);

/** Why the OS keychain is unusable, or null when safeStorage encrypts with a real key. */
export function keychainProblem(platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'encryption unavailable';
  if (platform === 'linux') {
    // 'basic_text' encrypts with a hard-coded password: plaintext in all but name.
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') return `linux backend ${backend}`;
  }
  return null;
}

/** The secret store for this machine; call after app 'ready' (Linux decides only then). */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const problem = keychainProblem(options.platform);
  if (problem === null) return new KeychainSecretStore(options.file, options.logger);
  options.logger.warn('secrets: no OS keychain, keeping secrets in memory', { problem });
  return new VolatileSecretStore(options.onVolatileSecret ?? (() => {}));
}

/** safeStorage-encrypted values in one JSON file, decrypted once and cached in main. */
export class KeychainSecretStore implements SecretStore {
  readonly persistent = true;
  private readonly values = new Map<SecretKey, string>();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    this.load();
  }

  get(key: SecretKey): string | null {
    return this.values.get(key) ?? null;
  }

  set(key: SecretKey, value: string | null): void {
    if (value === null || value === '') this.values.delete(key);
    else this.values.set(key, value);
    this.save();
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    let data: Partial<SecretsFile> | null;
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SecretsFile> | null;
    } catch (error) {
      this.logger.warn('secrets: unreadable file ignored', { error: String(error) });
      return;
    }
    // A file cut short to `null` must not stop the app at start: it reads as no secrets.
    for (const [key, cipher] of Object.entries(data?.values ?? {})) {
      if (!isSecretKey(key) || typeof cipher !== 'string') continue;
      try {
        this.values.set(key, safeStorage.decryptString(Buffer.from(cipher, 'base64')));
      } catch (error) {
        // E.g. the keychain entry was reset: the agent enters the secret again.
        this.logger.warn('secrets: value could not be decrypted', { key, error: String(error) });
      }
    }
  }

  private save(): void {
    const data: SecretsFile = { version: 1, values: {} };
    for (const [key, value] of this.values) {
      data.values[key] = safeStorage.encryptString(value).toString('base64');
    }
    mkdirSync(dirname(this.file), { recursive: true });
    if (this.values.size === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    // Write then rename, so a crash never leaves half a file; readable by the user only.
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(data), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

/** Memory only, for machines without a keychain; tells the app the first time it holds a secret. */
export class VolatileSecretStore extends MemorySecretStore {
  private warned = false;

  constructor(private readonly onFirstSecret: () => void) {
    super();
  }

  override set(key: SecretKey, value: string | null): void {
    super.set(key, value);
    if (value && !this.warned) {
      this.warned = true;
      this.onFirstSecret();
    }
  }
}
