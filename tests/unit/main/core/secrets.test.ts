import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSecretStore, type SecretCipher } from '../../../../src/main/core/secrets';

const reversingCipher: SecretCipher = {
  description: 'a test cipher',
  encrypt: (plain) => Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString('utf8'),
};

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jw-secrets-')), 'secrets.json');
}

describe('FileSecretStore', () => {
  it('without a cipher keeps a password for this run only unless the user opts in to a plain file', () => {
    const file = tempFile();
    const store = new FileSecretStore(file, null);
    expect(store.info.encrypted).toBe(false);
    expect(store.set('a', 'canary-session', false)).toBe('session');
    expect(store.set('b', 'canary-plain', true)).toBe('plain-file');
    const restarted = new FileSecretStore(file, null);
    expect(restarted.get('a')).toBeUndefined();
    expect(restarted.state('a')).toBe('missing');
    expect(restarted.get('b')).toBe('canary-plain');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('canary-session');
  });

  it('with a cipher stores only ciphertext, mode 0600, and survives a restart', () => {
    const file = tempFile();
    const store = new FileSecretStore(file, reversingCipher);
    expect(store.set('a', 'canary-keychain', true)).toBe('keychain');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('canary-keychain');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(new FileSecretStore(file, reversingCipher).get('a')).toBe('canary-keychain');
  });

  it('a failed decryption asks again instead of crashing, and delete forgets everywhere', () => {
    const file = tempFile();
    new FileSecretStore(file, reversingCipher).set('a', 'pw', true);
    const broken = new FileSecretStore(file, {
      ...reversingCipher,
      decrypt: () => {
        throw new Error('keychain reset');
      },
    });
    expect(broken.get('a')).toBeUndefined();
    broken.delete('a');
    expect(new FileSecretStore(file, reversingCipher).state('a')).toBe('missing');
  });
});
