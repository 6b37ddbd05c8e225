/**
 * A SecretCipher over Electron's safeStorage, or null when the OS offers no real protection: then the
 * core keeps passwords for this run only unless the user opts in to a plain file (never silently).
 * Call after app 'ready' (safeStorage reports nothing useful before).
 */
import { safeStorage } from 'electron';
import type { SecretBackend } from '../../shared/contract';
import type { SecretCipher } from '../core/secrets';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

type LinuxBackend = ReturnType<typeof safeStorage.getSelectedStorageBackend>;

/** Linux backends that really encrypt with a secret the OS keeps ('basic_text' uses a hardcoded key). */
const LINUX_KEYRINGS: Partial<Record<LinuxBackend, SecretBackend>> = {
  gnome_libsecret: 'secret-service',
  kwallet: 'kwallet',
  kwallet5: 'kwallet',
  kwallet6: 'kwallet',
};

/** Words for logs (the UI names the backend in its own language). */
const DESCRIPTIONS: Record<SecretBackend, string> = {
  keychain: 'the macOS Keychain',
  dpapi: 'Windows data protection for your user account',
  'secret-service': 'the system keyring (Secret Service)',
  kwallet: 'KWallet',
};

/** The OS store that protects secrets here, or null when this platform/backend does not. */
export function secretBackend(platform: NodeJS.Platform, linuxBackend?: LinuxBackend): SecretBackend | null {
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  if (platform === 'linux') return (linuxBackend && LINUX_KEYRINGS[linuxBackend]) ?? null;
  return null;
}

/** Words for logs, or null when this platform/backend does not protect secrets. */
export function describeSecretBackend(platform: NodeJS.Platform, linuxBackend?: LinuxBackend): string | null {
  const backend = secretBackend(platform, linuxBackend);
  return backend && DESCRIPTIONS[backend];
}

export function createSafeStorageCipher(
  storage: SafeStorageLike = safeStorage,
  platform: NodeJS.Platform = process.platform,
): SecretCipher | null {
  if (!storage.isEncryptionAvailable()) return null;
  const backend = platform === 'linux' ? storage.getSelectedStorageBackend() : undefined;
  const found = secretBackend(platform, backend);
  if (!found) return null;
  return {
    backend: found,
    description: DESCRIPTIONS[found],
    encrypt: (plain) => storage.encryptString(plain),
    decrypt: (data) => storage.decryptString(data),
  };
}
