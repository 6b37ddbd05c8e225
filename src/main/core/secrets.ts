/**
 * Where account passwords live. The core never writes a password to SQLite or a log; it asks a
 * SecretStore. The Electron shell supplies a cipher backed by safeStorage; the browser bridge and
 * tests supply none, which behaves like Electron's `basic_text` backend: a password is kept for this
 * run only unless the user explicitly chose to store it in a plain file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PasswordState, SecretBackend, SecretStorageInfo } from '../../shared/contract';

export interface SecretCipher {
  /** Words for logs, e.g. "the macOS Keychain". */
  description: string;
  /** Which OS store it is, for the UI to name. */
  backend?: SecretBackend;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface SecretStore {
  readonly info: SecretStorageInfo;
  get(accountId: string): string | undefined;
  /** Keeps the password; `remember` asks to keep it across restarts. Returns how it is kept. */
  set(accountId: string, password: string, remember: boolean): PasswordState;
  state(accountId: string): PasswordState;
  delete(accountId: string): void;
}

interface StoredEntry {
  kind: 'encrypted' | 'plain';
  data: string;
}

/**
 * Keeps passwords in memory, and the remembered ones in a JSON file (mode 0600) beside the database:
 * encrypted with the cipher when there is one, as plain text only when the user opted in.
 * `file` null keeps nothing on disk at all.
 */
export class FileSecretStore implements SecretStore {
  private readonly session = new Map<string, string>();
  private readonly persisted = new Map<string, StoredEntry>();
  readonly info: SecretStorageInfo;

  constructor(
    private readonly file: string | null,
    private readonly cipher: SecretCipher | null,
  ) {
    this.info = cipher
      ? { encrypted: true, description: cipher.description, ...(cipher.backend ? { backend: cipher.backend } : {}) }
      : { encrypted: false, description: 'no keychain available' };
    if (file && fs.existsSync(file)) {
      try {
        const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, StoredEntry>;
        for (const [id, entry] of Object.entries(entries)) {
          if (entry && (entry.kind === 'encrypted' || entry.kind === 'plain') && typeof entry.data === 'string') {
            this.persisted.set(id, entry);
          }
        }
      } catch {
        // An unreadable secrets file loses remembered passwords, not accounts: each asks again.
      }
    }
  }

  get(accountId: string): string | undefined {
    const inMemory = this.session.get(accountId);
    if (inMemory !== undefined) return inMemory;
    const entry = this.persisted.get(accountId);
    if (!entry) return undefined;
    try {
      const plain =
        entry.kind === 'plain'
          ? entry.data
          : this.cipher
            ? this.cipher.decrypt(Buffer.from(entry.data, 'base64'))
            : undefined;
      if (plain !== undefined) this.session.set(accountId, plain);
      return plain;
    } catch {
      // Decryption failed (keychain reset, profile copied): ask the user again, keep the account.
      return undefined;
    }
  }

  set(accountId: string, password: string, remember: boolean): PasswordState {
    this.session.set(accountId, password);
    this.persisted.delete(accountId);
    if (remember && this.file) {
      this.persisted.set(
        accountId,
        this.cipher
          ? { kind: 'encrypted', data: this.cipher.encrypt(password).toString('base64') }
          : { kind: 'plain', data: password },
      );
    }
    this.save();
    return this.state(accountId);
  }

  state(accountId: string): PasswordState {
    const entry = this.persisted.get(accountId);
    if (entry) return entry.kind === 'encrypted' ? 'keychain' : 'plain-file';
    return this.session.has(accountId) ? 'session' : 'missing';
  }

  delete(accountId: string): void {
    this.session.delete(accountId);
    if (this.persisted.delete(accountId)) this.save();
  }

  private save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.persisted)), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

/** Keeps passwords for this run only (tests, benchmarks). */
export function createMemorySecretStore(): SecretStore {
  return new FileSecretStore(null, null);
}
