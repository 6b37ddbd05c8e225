/**
 * A SecretCipher over Electron's safeStorage, or null when the OS offers no real protection: then the
 * core keeps passwords for this run only unless the user opts in to a plain file (never silently).
 * Call after app 'ready' (safeStorage reports nothing useful before).
 */
import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/secrets';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

type LinuxBackend = ReturnType<typeof safeStorage.getSelectedStorageBackend>;

/** Linux backends that really encrypt with a secret the OS keeps ('basic_text' uses a hardcoded key). */
const LINUX_KEYRINGS: Partial<Record<LinuxBackend, string>> = {
  gnome_libsecret: 'the system keyring (Secret Service)',
  kwallet: 'KWallet',
  kwallet5: 'KWallet',
  kwallet6: 'KWallet',
};

/** Words for the UI, or null when this platform/backend does not protect secrets. */
export function describeSecretBackend(platform: NodeJS.Platform, linuxBackend?: LinuxBackend): string | null {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'Windows data protection for your user account';
  if (platform === 'linux') return (linuxBackend && LINUX_KEYRINGS[linuxBackend]) ?? null;
  return null;
}

export function createSafeStorageCipher(
  storage: SafeStorageLike = safeStorage,
  platform: NodeJS.Platform = process.platform,
): SecretCipher | null {
  if (!storage.isEncryptionAvailable()) return null;
  const backend = platform === 'linux' ? storage.getSelectedStorageBackend() : undefined;
  const description = describeSecretBackend(platform, backend);
  if (!description) return null;
  return {
    description,
    encrypt: (plain) => storage.encryptString(plain),
    decrypt: (data) => storage.decryptString(data),
  };
}
