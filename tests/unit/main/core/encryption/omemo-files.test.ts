/**
 * The encryption service's verification links and key storage, with two accounts over PEP in
 * memory: a verification link (Conversations' QR code) verifies the devices it names unless one of
 * them is known with another key (then it marks nothing); a key kept for one run only is replaced
 * after a restart, the old device leaving our list; a key that is stored but unreadable is not.
 */
import type { Element } from '@xmpp/xml';
import { describe, expect, it, vi } from 'vitest';
import type { SessionXmpp } from '../../../../../src/main/core/accounts/client';
import { createIdentityVault } from '../../../../../src/main/core/encryption/identity-vault';
import { bundleNode, NODE_DEVICELIST } from '../../../../../src/main/core/encryption/omemo/stanzas';
import { EncryptionService } from '../../../../../src/main/core/encryption/service';
import { verifyLink } from '../../../../../src/main/core/encryption/verify-link';
import { silentLogger } from '../../../../../src/main/core/log';
import { createMemorySecretStore, type SecretStore } from '../../../../../src/main/core/secrets';
import type { Db } from '../../../../../src/main/core/store/db';
import { OmemoRepository } from '../../../../../src/main/core/store/omemo-repo';
import { memoryDbWithAccount } from '../../../../support/db';
import { MemoryPep } from '../../../../support/memory-pep';

interface Account {
  service: EncryptionService;
  repo: OmemoRepository;
  online(): void;
}

function account(
  pep: MemoryPep,
  id: string,
  jid: string,
  options: {
    db?: Db;
    secrets?: SecretStore;
    onKeyReplaced?: (id: string, old: number, now: number) => void;
    onReady?: (id: string) => void;
  } = {},
): Account {
  const repo = new OmemoRepository(options.db ?? memoryDbWithAccount(id, jid));
  const service = new EncryptionService({
    repo,
    vault: createIdentityVault(options.secrets ?? createMemorySecretStore()),
    log: silentLogger,
    accountJid: (accountId) => (accountId === id ? jid : null),
    pepFor: (_xmpp, ownJid) => pep.clientFor(ownJid),
    onKeyReplaced: options.onKeyReplaced,
    onReady: options.onReady,
  });
  const xmpp = { middleware: { use: () => undefined } } as unknown as SessionXmpp;
  service.onClient(id, xmpp);
  return { service, repo, online: () => service.onOnline(id, { xmpp, boundJid: `${jid}/desk`, resumed: false }) };
}

const listed = (pep: MemoryPep, jid: string): number[] =>
  (pep.item(jid, NODE_DEVICELIST)?.getChild('list')?.getChildren('device') ?? []).map((d: Element) =>
    Number(d.attrs.id),
  );

describe('verification links', { timeout: 60_000 }, () => {
  async function aliceKnowsBob() {
    const pep = new MemoryPep();
    const alice = account(pep, 'a', 'alice@example.com');
    const bob = account(pep, 'b', 'bob@example.com');
    alice.online();
    bob.online();
    await expect.poll(async () => (await bob.service.status('b'))?.published, { timeout: 30_000 }).toBe(true);
    await expect.poll(async () => (await alice.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    await alice.service.refresh('a', 'bob@example.com');
    const bobStatus = (await bob.service.status('b'))!;
    await expect
      .poll(async () => (await alice.service.devices('a', 'bob@example.com'))[0]?.fingerprint)
      .toBe(bobStatus.fingerprint);
    return { alice, bobDevice: bobStatus.deviceId, fingerprint: bobStatus.fingerprint };
  }

  it('verifies the devices the link names, and a device not seen yet once it appears with that key', async () => {
    const { alice, bobDevice, fingerprint } = await aliceKnowsBob();
    const unseen = 'cd'.repeat(32);
    const link = `xmpp:bob@example.com?omemo-sid-${bobDevice}=${fingerprint};omemo-sid-4242=${unseen}`;
    const result = await verifyLink(alice.repo, alice.service, { accountId: 'a', jid: 'bob@example.com', link });
    expect(result).toEqual({
      ok: true,
      value: {
        jid: 'bob@example.com',
        marked: true,
        outcomes: [
          { deviceId: bobDevice, fingerprint, result: 'verified' },
          { deviceId: 4242, fingerprint: unseen, result: 'unseen' },
        ],
      },
    });
    expect((await alice.service.devices('a', 'bob@example.com'))[0].trust).toBe('verified');
    expect(alice.repo.trust('a', 'bob@example.com', Buffer.from(unseen, 'hex'))?.state).toBe('verified');
  });

  it('a device known with another key: a mismatch, and nothing at all is marked', async () => {
    const { alice, bobDevice, fingerprint } = await aliceKnowsBob();
    const wrong = `${fingerprint.slice(0, -1)}${fingerprint.endsWith('0') ? '1' : '0'}`;
    const other = 'ef'.repeat(32);
    const link = `xmpp:bob@example.com?omemo-sid-4242=${other};omemo-sid-${bobDevice}=${wrong}`;
    const result = await verifyLink(alice.repo, alice.service, { accountId: 'a', jid: 'bob@example.com', link });
    expect(result.ok && result.value.marked).toBe(false);
    expect(result.ok && result.value.outcomes.map((o) => o.result)).toEqual(['unseen', 'mismatch']);
    expect((await alice.service.devices('a', 'bob@example.com'))[0].trust).toBe('blind');
    expect(alice.repo.trust('a', 'bob@example.com', Buffer.from(other, 'hex'))).toBeNull();
    expect(alice.repo.hasVerified('a', 'bob@example.com')).toBe(false);
  });

  it('refuses a link that is not one, or is for someone else, with the reason', async () => {
    const pep = new MemoryPep();
    const alice = account(pep, 'a', 'alice@example.com');
    const input = { accountId: 'a', jid: 'bob@example.com' };
    expect(await verifyLink(alice.repo, alice.service, { ...input, link: 'xmpp:bob@example.com' })).toMatchObject({
      ok: false,
      error: { reason: 'encryption.badLink', params: { problem: 'no-fingerprints' } },
    });
    expect(
      await verifyLink(alice.repo, alice.service, { ...input, link: `xmpp:bob@example.com?omemo-sid-1=abc` }),
    ).toMatchObject({ ok: false, error: { reason: 'encryption.badLink' } });
    const forCarol = `xmpp:carol@example.com?omemo-sid-1=${'ab'.repeat(32)}`;
    expect(await verifyLink(alice.repo, alice.service, { ...input, link: forCarol })).toMatchObject({
      ok: false,
      error: { reason: 'encryption.linkForOther', params: { jid: 'carol@example.com' } },
    });
  });
});

describe('a key kept for one run only', { timeout: 60_000 }, () => {
  it('is replaced after a restart: a new device is published, the old one leaves the list, the user is told', async () => {
    const pep = new MemoryPep();
    const db = memoryDbWithAccount('a', 'alice@example.com');
    const first = account(pep, 'a', 'alice@example.com', { db });
    first.online();
    await expect.poll(async () => (await first.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    const old = (await first.service.status('a'))!;
    expect(old.keeping).toBe('session');
    expect(listed(pep, 'alice@example.com')).toEqual([old.deviceId]);

    // The restart: the same store, a secret store that kept nothing.
    const replaced = vi.fn();
    const again = account(pep, 'a', 'alice@example.com', { db, onKeyReplaced: replaced });
    again.online();
    await expect.poll(() => replaced.mock.calls.length, { timeout: 30_000 }).toBe(1);
    const now = (await again.service.status('a'))!;
    expect(replaced).toHaveBeenCalledWith('a', old.deviceId, now.deviceId);
    expect(now).toMatchObject({ state: 'ready' });
    expect(now.deviceId).not.toBe(old.deviceId);
    expect(now.fingerprint).not.toBe(old.fingerprint);
    await expect.poll(() => listed(pep, 'alice@example.com')).toEqual([now.deviceId]);
    expect(pep.item('alice@example.com', bundleNode(old.deviceId))).toBeUndefined();
    expect(pep.item('alice@example.com', bundleNode(now.deviceId))).toBeDefined();
  });

  it('a key that is stored but cannot be read now stays unavailable (it may come back): nothing replaced', async () => {
    const pep = new MemoryPep();
    const db = memoryDbWithAccount('a', 'alice@example.com');
    const first = account(pep, 'a', 'alice@example.com', { db });
    first.online();
    await expect.poll(async () => (await first.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    const old = (await first.service.status('a'))!;
    // A keychain entry that does not decrypt in this run.
    const failing = createMemorySecretStore();
    const secrets: SecretStore = {
      info: failing.info,
      get: () => undefined,
      set: (id, secret, remember) => failing.set(id, secret, remember),
      state: () => 'keychain',
      delete: (id) => failing.delete(id),
    };
    const replaced = vi.fn();
    const ready = vi.fn();
    const again = account(pep, 'a', 'alice@example.com', { db, secrets, onKeyReplaced: replaced, onReady: ready });
    again.online();
    // Ready comes after the step that would replace a gone key.
    await expect.poll(() => ready.mock.calls.length).toBe(1);
    expect((await again.service.status('a'))?.state).toBe('identity-unavailable');
    expect(replaced).not.toHaveBeenCalled();
    expect(listed(pep, 'alice@example.com')).toEqual([old.deviceId]);
  });
});
