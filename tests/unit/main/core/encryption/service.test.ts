/**
 * EncryptionService, the layer chat will call: fed by the account lifecycle (a new session
 * publishes, a resumed one goes on, PEP events arrive through the session's middleware) and used
 * through its narrow interface, with two accounts over PEP in memory.
 */
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { createIdentityVault } from '../../../../../src/main/core/encryption/identity-vault';
import { bundleNode, NODE_DEVICELIST } from '../../../../../src/main/core/encryption/omemo/stanzas';
import { EncryptionService } from '../../../../../src/main/core/encryption/service';
import { silentLogger } from '../../../../../src/main/core/log';
import { createMemorySecretStore, type SecretStore } from '../../../../../src/main/core/secrets';
import { OmemoRepository } from '../../../../../src/main/core/store/omemo-repo';
import { memoryDbWithAccount } from '../../../../support/db';
import { MemoryPep } from '../../../../support/memory-pep';
import { settle } from '../../../../support/omemo';
import { type SessionXmpp } from '../../../../../src/main/core/accounts/client';

type Handler = (ctx: { stanza: Element }, next: () => unknown) => unknown;

interface Account {
  service: EncryptionService;
  secrets: SecretStore;
  xmpp: SessionXmpp;
  /** Delivers a stanza through the middleware the service registered. */
  deliver(stanza: Element): void;
  online(resumed?: boolean): void;
  /** How many times the engine took up a session (new or resumed). */
  readies(): number;
}

function account(pep: MemoryPep, id: string, jid: string, startAfterRoster = false): Account {
  const secrets = createMemorySecretStore();
  let readies = 0;
  const service = new EncryptionService({
    repo: new OmemoRepository(memoryDbWithAccount(id, jid)),
    vault: createIdentityVault(secrets),
    log: silentLogger,
    accountJid: (accountId) => (accountId === id ? jid : null),
    pepFor: (_xmpp, ownJid) => pep.clientFor(ownJid),
    startAfterRoster,
    onReady: () => readies++,
  });
  const handlers: Handler[] = [];
  const xmpp = { middleware: { use: (handler: Handler) => handlers.push(handler) } } as unknown as SessionXmpp;
  service.onClient(id, xmpp);
  return {
    service,
    secrets,
    xmpp,
    deliver: (stanza) => {
      for (const handler of handlers) handler({ stanza }, () => undefined);
    },
    online: (resumed = false) => service.onOnline(id, { xmpp, boundJid: `${jid}/desk`, resumed }),
    readies: () => readies,
  };
}

describe('EncryptionService', { timeout: 60_000 }, () => {
  it('publishes on a new session, goes on after a resumed one, and applies PEP events from its session', async () => {
    const pep = new MemoryPep();
    const alice = account(pep, 'a', 'alice@example.com');
    const bob = account(pep, 'b', 'bob@example.com');
    alice.online();
    bob.online();
    await expect.poll(async () => (await bob.service.status('b'))?.published, { timeout: 30_000 }).toBe(true);
    await expect.poll(async () => (await alice.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    const bobDevice = (await bob.service.status('b'))!.deviceId;
    expect(pep.item('bob@example.com', bundleNode(bobDevice))).toBeDefined();

    alice.service.onOffline('a');
    // No wait: the service hands the engine to the going offline before any later call.
    expect(await alice.service.encryptMessage('a', 'bob@example.com', 'offline')).toMatchObject({
      ok: false,
      reason: 'not-connected',
    });
    const publishes = pep.published.length;
    const readies = alice.readies();
    alice.online(true);
    await expect.poll(() => alice.readies()).toBe(readies + 1);
    await settle(); // time for a publish the resumed stream must not make
    expect(pep.published.length).toBe(publishes); // nothing published again on a resumed stream
    const sent = await alice.service.encryptMessage('a', 'bob@example.com', 'after resumption');
    expect(sent.ok && sent.devices).toEqual([{ jid: 'bob@example.com', deviceId: bobDevice }]);
    if (!sent.ok) return;
    const message = xml('message', { from: 'alice@example.com/desk' }, ...sent.children);
    expect(alice.service.isEncrypted(message)).toBe(true);
    expect(await bob.service.decryptMessage('b', message, { sender: 'alice@example.com', via: 'live' })).toMatchObject({
      kind: 'decrypted',
      body: 'after resumption',
      preKey: true,
    });
    // Bob answers the pre-key message with keys only.
    const transport = await bob.service.keyTransport('b', 'alice@example.com');
    const answer = xml('message', { from: 'bob@example.com/desk' }, ...transport!);
    expect(await alice.service.decryptMessage('a', answer, { sender: 'bob@example.com', via: 'live' })).toMatchObject({
      kind: 'key-transport',
      device: { jid: 'bob@example.com', deviceId: bobDevice },
    });

    // A device list change from Bob's bare JID, delivered to Alice's session.
    alice.deliver(
      xml(
        'message',
        { from: 'bob@example.com' },
        xml(
          'event',
          { xmlns: 'http://jabber.org/protocol/pubsub#event' },
          xml(
            'items',
            { node: NODE_DEVICELIST },
            xml(
              'item',
              { id: 'current' },
              xml(
                'list',
                { xmlns: 'eu.siacs.conversations.axolotl' },
                xml('device', { id: String(bobDevice) }),
                xml('device', { id: '77' }),
              ),
            ),
          ),
        ),
      ),
    );
    await expect
      .poll(async () => (await alice.service.devices('a', 'bob@example.com')).map((d) => d.deviceId).sort())
      .toEqual([77, bobDevice].sort());
  });

  it('with startAfterRoster, a new session publishes only once its roster is in; going offline cancels the wait', async () => {
    const pep = new MemoryPep();
    const alice = account(pep, 'a', 'alice@example.com', true);
    let controls = 0;
    /** An account that starts at once, started now: once it published, a start that did not wait would have too. */
    const controlPublished = async () => {
      const id = `control${++controls}`;
      const control = account(new MemoryPep(), id, `${id}@example.com`);
      control.online();
      await expect.poll(async () => (await control.service.status(id))?.published, { timeout: 30_000 }).toBe(true);
    };
    alice.online();
    await controlPublished();
    expect(pep.published.length).toBe(0);
    alice.service.onOffline('a');
    alice.service.rosterReady('a'); // a late ready of the session that went away starts nothing
    await controlPublished();
    expect(pep.published.length).toBe(0);

    alice.online();
    await controlPublished();
    expect(pep.published.length).toBe(0);
    alice.service.rosterReady('a');
    await expect.poll(async () => (await alice.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    const deviceId = (await alice.service.status('a'))!.deviceId;
    expect(pep.item('alice@example.com', bundleNode(deviceId))).toBeDefined();
  });

  it('answers management calls with codes and forgets the identity key with the account', async () => {
    const pep = new MemoryPep();
    const alice = account(pep, 'a', 'alice@example.com');
    alice.online();
    await expect.poll(async () => (await alice.service.status('a'))?.published, { timeout: 30_000 }).toBe(true);
    expect(
      await alice.service.decryptMessage('a', xml('message', {}, xml('body', {}, 'hi')), {
        sender: 'bob@example.com',
        via: 'live',
      }),
    ).toEqual({ kind: 'plain' });
    expect(await alice.service.setTrust('a', 'bob@example.com', 'not a fingerprint', 'verified')).toBe(
      'bad-fingerprint',
    );
    expect(await alice.service.setTrust('nobody', 'bob@example.com', 'ab'.repeat(32), 'verified')).toBe(
      'unknown-account',
    );
    const uri = `xmpp:bob@example.com?omemo-sid-5=${'ab'.repeat(32)}`;
    expect(await alice.service.verifyUri('a', uri, 'carol@example.com')).toBe('wrong-contact');
    expect(await alice.service.verifyUri('a', 'xmpp:bob@example.com', 'bob@example.com')).toBe('bad-uri');
    expect(await alice.service.verifyUri('a', uri, 'bob@example.com')).toEqual({
      jid: 'bob@example.com',
      devices: [{ deviceId: 5, result: 'verified-unseen' }],
    });
    expect(alice.secrets.state('omemo-identity:a')).toBe('session');
    alice.service.onRemoved('a');
    expect(alice.secrets.state('omemo-identity:a')).toBe('missing');
  });
});
