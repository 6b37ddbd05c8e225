/**
 * Where the private half of an account's identity key lives: in the SecretStore, next to the
 * account's password, under its own entry. It is kept across restarts when the store can encrypt
 * it (a keychain), or when the user chose to keep this account's password in a plain file;
 * otherwise for this run only, as passwords are. After a restart in that mode the key is gone: the
 * identity is then "unavailable" until the user asks for a new one. It is never replaced silently,
 * because contacts may have verified it.
 */
import type { SecretStore } from '../secrets';

export type IdentityKeeping = 'keychain' | 'plain-file' | 'session';

export interface IdentityVault {
  /** The 32-byte private key, or undefined when it is not available in this run. */
  load(accountId: string): Buffer | undefined;
  /** Keeps the key; returns how it is kept. */
  save(accountId: string, privateKey: Buffer): IdentityKeeping;
  keeping(accountId: string): IdentityKeeping | 'missing';
  delete(accountId: string): void;
}

const entryOf = (accountId: string) => `omemo-identity:${accountId}`;

export function createIdentityVault(secrets: SecretStore): IdentityVault {
  return {
    load(accountId) {
      const text = secrets.get(entryOf(accountId));
      if (text === undefined) return undefined;
      const key = Buffer.from(text, 'base64');
      return key.length === 32 ? key : undefined;
    },
    save(accountId, privateKey) {
      const remember = secrets.info.encrypted || secrets.state(accountId) === 'plain-file';
      const state = secrets.set(entryOf(accountId), privateKey.toString('base64'), remember);
      return state === 'missing' ? 'session' : state;
    },
    keeping(accountId) {
      return secrets.state(entryOf(accountId));
    },
    delete(accountId) {
      secrets.delete(entryOf(accountId));
    },
  };
}
