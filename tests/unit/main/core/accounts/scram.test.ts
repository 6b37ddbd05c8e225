/** SCRAM against the exchanges RFC 5802 §5 (SHA-1) and RFC 7677 §3 (SHA-256) print. */
import { describe, expect, it } from 'vitest';
import { MAX_SCRAM_ITERATIONS, ScramClient, ScramError } from '../../../../../src/main/core/accounts/scram';

const SHA1 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

const SHA256 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM client', () => {
  it('SCRAM-SHA-1: the messages of RFC 5802 §5, and the server signature is checked', async () => {
    const scram = new ScramClient('sha1', 'user', 'pencil', SHA1.nonce);
    expect(scram.clientFirst()).toBe(`n,,n=user,r=${SHA1.nonce}`);
    expect(await scram.clientFinal(SHA1.serverFirst)).toBe(SHA1.clientFinal);
    expect(() => scram.verifyServerFinal(SHA1.serverFinal)).not.toThrow();
  });

  it('SCRAM-SHA-256: the messages of RFC 7677 §3', async () => {
    const scram = new ScramClient('sha256', 'user', 'pencil', SHA256.nonce);
    expect(scram.clientFirst()).toBe(`n,,n=user,r=${SHA256.nonce}`);
    expect(await scram.clientFinal(SHA256.serverFirst)).toBe(SHA256.clientFinal);
    expect(() => scram.verifyServerFinal(SHA256.serverFinal)).not.toThrow();
  });

  it('refuses a server that cannot prove it knows the password, or reports an error', async () => {
    const scram = new ScramClient('sha1', 'user', 'pencil', SHA1.nonce);
    await scram.clientFinal(SHA1.serverFirst);
    const wrong = 'v=' + Buffer.alloc(20, 1).toString('base64');
    expect(() => scram.verifyServerFinal(wrong)).toThrow(ScramError);
    expect(() => scram.verifyServerFinal('')).toThrow(/server signature mismatch/);
    expect(() => scram.verifyServerFinal('e=invalid-proof')).toThrow(/invalid-proof/);
    // Before any challenge there is nothing to compare with.
    expect(() => new ScramClient('sha1', 'user', 'pencil').verifyServerFinal(SHA1.serverFinal)).toThrow(ScramError);
  });

  it('refuses unusable challenges: another nonce, no salt, absurd iterations, a mandatory extension', async () => {
    const unusable = async (serverFirst: string) =>
      new ScramClient('sha1', 'user', 'pencil', SHA1.nonce).clientFinal(serverFirst).then(
        () => 'accepted',
        (error: ScramError) => error.reason,
      );
    expect(await unusable('r=someone-else,s=QSXCR+Q6sek8bf92,i=4096')).toBe('unusable-challenge');
    expect(await unusable(`r=${SHA1.nonce}x,i=4096`)).toBe('unusable-challenge');
    expect(await unusable(`r=${SHA1.nonce}x,s=QSXCR+Q6sek8bf92,i=0`)).toBe('unusable-challenge');
    expect(await unusable(`r=${SHA1.nonce}x,s=QSXCR+Q6sek8bf92,i=${MAX_SCRAM_ITERATIONS + 1}`)).toBe(
      'unusable-challenge',
    );
    expect(await unusable(`m=ext,r=${SHA1.nonce}x,s=QSXCR+Q6sek8bf92,i=4096`)).toBe('unusable-challenge');
  });

  it('escapes "=" and "," in the user name', () => {
    expect(new ScramClient('sha1', 'a=b,c', 'x', 'n').clientFirst()).toBe('n,,n=a=3Db=2Cc,r=n');
  });
});
