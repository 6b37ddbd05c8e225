import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ safeStorage: {} }));

import { createSafeStorageCipher, describeSecretBackend } from '../../../../src/main/shell/secret-cipher';
import { FileSecretStore } from '../../../../src/main/core/secrets';

type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

function fakeSafeStorage(available: boolean, backend: Backend) {
  return {
    isEncryptionAvailable: vi.fn(() => available),
    getSelectedStorageBackend: vi.fn(() => backend),
    // A reversible stand-in: enough to prove the cipher delegates, not a real cipher.
    encryptString: vi.fn((plain: string) => Buffer.from(plain, 'utf8').reverse()),
    decryptString: vi.fn((data: Buffer) => Buffer.from(data).reverse().toString('utf8')),
  };
}

describe('safeStorage cipher', () => {
  it('is null when encryption is unavailable', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(createSafeStorageCipher(fakeSafeStorage(false, 'gnome_libsecret'), platform)).toBeNull();
    }
  });

  it('is null on Linux with only the basic_text backend (a hardcoded key) or an unknown one', () => {
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'basic_text'), 'linux')).toBeNull();
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'unknown'), 'linux')).toBeNull();
  });

  it('describes real keychains for the UI', () => {
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'gnome_libsecret'), 'linux')?.description).toMatch(/keyring/);
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'kwallet6'), 'linux')?.description).toBe('KWallet');
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'basic_text'), 'darwin')?.description).toMatch(/Keychain/);
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'basic_text'), 'win32')?.description).toMatch(/Windows/);
    // The UI names the store in its own language from the backend's code.
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'kwallet5'), 'linux')?.backend).toBe('kwallet');
    expect(createSafeStorageCipher(fakeSafeStorage(true, 'basic_text'), 'darwin')?.backend).toBe('keychain');
    expect(describeSecretBackend('freebsd')).toBeNull();
  });

  it('delegates to safeStorage, so the store persists as keychain', () => {
    const storage = fakeSafeStorage(true, 'gnome_libsecret');
    const cipher = createSafeStorageCipher(storage, 'linux')!;
    const store = new FileSecretStore(null, cipher);
    expect(store.info).toEqual({ encrypted: true, description: cipher.description, backend: 'secret-service' });
    const sealed = cipher.encrypt('hunter2');
    expect(storage.encryptString).toHaveBeenCalledWith('hunter2');
    expect(sealed.toString('utf8')).not.toContain('hunter2');
    expect(cipher.decrypt(sealed)).toBe('hunter2');
    expect(storage.decryptString).toHaveBeenCalledWith(sealed);
  });
});
