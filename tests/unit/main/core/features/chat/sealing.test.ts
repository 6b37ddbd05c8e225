/**
 * Outgoing one-to-one messages with end-to-end encryption, through the real ChatService and
 * EncryptionFeature (OMEMO 0.3 engines on SQLite in memory, PEP in memory): a conversation with a
 * contact who has devices is encrypted by default and stays so; the message goes out only encrypted
 * (to the contact's devices and our other one), the stored row keeps the plaintext; when it cannot be
 * encrypted it fails with the reason and is never sent in the clear, unless the user, asked, says so;
 * a bundle fetch that never answers holds back that conversation only; corrections travel as the
 * original did.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it } from 'vitest';
import { createPepClient, type PepClient } from '../../../../../../src/main/core/encryption/pep';
import { NS_PUBSUB } from '../../../../../../src/main/core/xmpp/ns';
import { NS_OMEMO_03 } from '../../../../../../src/main/core/encryption/omemo/stanzas';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { ChatService } from '../../../../../../src/main/core/features/chat/service';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MessagesRepository } from '../../../../../../src/main/core/store/messages-repo';
import { memoryDbWithAccount } from '../../../../../support/db';
import { MemoryPep } from '../../../../../support/memory-pep';
import { openDevice, settle, type TestDevice } from '../../../../../support/omemo';
import { parseStanza } from '../../../../../support/xml';
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  openEncryptedChat,
  type EncryptedChat,
} from '../../../../../support/encrypted-chat';

let alice: EncryptedChat | null = null;
afterEach(() => {
  alice?.close();
  alice = null;
});

/** What Bob's device reads from a stanza Alice wrote. */
async function bobReads(bob: TestDevice, stanza: Element) {
  const arrived = parseStanza(stanza.toString().replace('<message ', `<message from='${ALICE}/desk' `));
  return bob.engine.decrypt(arrived, { sender: ALICE, via: 'live' });
}

const toBob = (chat: EncryptedChat) => chat.sent.filter((s) => s.name === 'message' && s.attrs.to === BOB);

describe('sending encrypted', { timeout: 60_000 }, () => {
  it('encrypts to a contact with devices by default, for each device and our other one; the row keeps the text', async () => {
    const pep = new MemoryPep();
    const bob = await openDevice(pep, BOB);
    const aliceLaptop = await openDevice(pep, ALICE);
    alice = await openEncryptedChat({ pep });
    const chat = alice;
    // The contact's devices become known (the renderer asks when the conversation opens).
    await chat.encryption.handlers['encryption.conversation']({ accountId: ACCOUNT, conversation: BOB });
    await expect
      .poll(() => chat.encryption.conversationView(ACCOUNT, BOB))
      .toMatchObject({ encrypted: true, chosen: false, available: true });

    const sent = await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'the secret plan' });
    expect(sent.ok && sent.value.encryption).toEqual({ protocol: 'omemo', device: null, undecryptable: null });
    await expect.poll(() => toBob(chat).length).toBe(1);
    const [stanza] = toBob(chat);
    expect(stanza.toString()).not.toContain('the secret plan');
    expect(stanza.getChild('encrypted', NS_OMEMO_03)).toBeDefined();
    expect(stanza.getChild('encryption', 'urn:xmpp:eme:0')?.attrs.namespace).toBe(NS_OMEMO_03);
    expect(stanza.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id).toBe(stanza.attrs.id);
    const rids = stanza
      .getChild('encrypted', NS_OMEMO_03)!
      .getChild('header')!
      .getChildren('key')
      .map((k) => Number(k.attrs.rid));
    expect(rids.sort()).toEqual([bob.deviceId, aliceLaptop.deviceId].sort());
    expect(await bobReads(bob, stanza)).toMatchObject({ kind: 'decrypted', body: 'the secret plan' });
    expect(chat.history(BOB)).toMatchObject([
      { body: 'the secret plan', state: 'queued', encryption: { protocol: 'omemo' } },
    ]);
    chat.sm.emit('ack', stanza);
    expect(chat.history(BOB)[0].state).toBe('sent');
    // The default is kept as the choice: the conversation never falls back to the clear by itself.
    expect(chat.encryption.conversationView(ACCOUNT, BOB)).toMatchObject({ encrypted: true, chosen: true });
  });

  it('fails with the reason and sends nothing to a contact without devices; retry keeps it encrypted; asked, it goes in the clear', async () => {
    alice = await openEncryptedChat();
    const chat = alice;
    expect(chat.encryption.conversationView(ACCOUNT, BOB)).toMatchObject({ encrypted: false, available: false });
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: true,
    });
    const sent = await chat.chat.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'for your eyes only',
    });
    if (!sent.ok) throw new Error('not stored');
    await expect.poll(() => chat.history(BOB)[0]?.state).toBe('failed');
    expect(chat.history(BOB)[0].error).toEqual({
      condition: null,
      text: null,
      encryption: { reason: 'no-devices', skipped: {} },
    });
    expect(chat.sent.some((s) => s.toString().includes('for your eyes only'))).toBe(false);

    const again = await chat.chat.retry({ accountId: ACCOUNT, id: sent.value.id });
    expect(again.ok && again.value.state).toBe('queued');
    await expect.poll(() => chat.history(BOB)[0]?.state).toBe('failed');
    expect(toBob(chat)).toHaveLength(0);

    const clear = await chat.chat.retry({ accountId: ACCOUNT, id: sent.value.id, withoutEncryption: true });
    expect(clear.ok && clear.value.encryption).toBeUndefined();
    await expect.poll(() => toBob(chat).length).toBe(1);
    expect(toBob(chat)[0].getChildText('body')).toBe('for your eyes only');
    // Only a message whose encryption failed can be sent in the clear.
    const plain = await chat.chat.send({ accountId: ACCOUNT, conversation: CAROL, kind: 'chat', body: 'hi' });
    expect(
      await chat.chat.retry({ accountId: ACCOUNT, id: plain.ok ? plain.value.id : 0, withoutEncryption: true }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('leaves out undecided and untrusted devices, and fails when none is left', async () => {
    const pep = new MemoryPep();
    const bob = await openDevice(pep, BOB);
    alice = await openEncryptedChat({ pep });
    const chat = alice;
    await chat.encryption.handlers['encryption.conversation']({ accountId: ACCOUNT, conversation: BOB });
    await expect.poll(() => chat.encryption.devicesView(ACCOUNT, BOB).devices[0]?.fingerprint).toBeTruthy();
    const fingerprint = chat.encryption.devicesView(ACCOUNT, BOB).devices[0].fingerprint!;
    const refused = await chat.encryption.handlers['encryption.setTrust']({
      accountId: ACCOUNT,
      jid: BOB,
      fingerprint,
      trust: 'untrusted',
    });
    expect(refused.ok && refused.value.devices[0]).toMatchObject({ deviceId: bob.deviceId, trust: 'untrusted' });
    await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'not for that key' });
    await expect.poll(() => chat.history(BOB)[0]?.state).toBe('failed');
    expect(chat.history(BOB)[0].error?.encryption).toEqual({ reason: 'no-usable-devices', skipped: { untrusted: 1 } });
    expect(toBob(chat)).toHaveLength(0);
    expect(chat.events).toContainEqual(
      expect.objectContaining({
        type: 'encryption.devices',
        devices: expect.objectContaining({ jid: BOB, devices: [expect.objectContaining({ trust: 'untrusted' })] }),
      }),
    );
  });

  it('a bundle fetch that never answers holds that conversation back, never in the clear; others go on', async () => {
    const pep = new MemoryPep();
    const bob = await openDevice(pep, BOB);
    /** Refusals of the bundle fetches waiting for an answer. */
    const waiting: ((error: Error) => void)[] = [];
    const wrapPep = (client: PepClient): PepClient => ({
      ...client,
      items: (jid, node) =>
        node.includes('.bundles:') && jid === BOB
          ? new Promise((_resolve, reject) => waiting.push(reject))
          : client.items(jid, node),
    });
    alice = await openEncryptedChat({ pep, wrapPep });
    const chat = alice;
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: true,
    });
    await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'waiting for keys' });
    await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'and after it' });
    await chat.chat.send({ accountId: ACCOUNT, conversation: CAROL, kind: 'chat', body: 'to carol meanwhile' });
    await expect.poll(() => chat.sent.filter((s) => s.attrs.to === CAROL).length).toBe(1);
    await expect.poll(() => waiting.length).toBe(1);
    expect(toBob(chat)).toHaveLength(0);
    expect(chat.history(BOB).map((m) => m.state)).toEqual(['queued', 'queued']);
    // The fetch times out (the PEP client's IQ limit): the device is left out, nothing can be sent;
    // the next message asks again (and times out again).
    waiting.shift()!(new Error('timeout'));
    await expect.poll(() => chat.history(BOB).map((m) => m.state)).toEqual(['failed', 'queued']);
    await expect.poll(() => waiting.length).toBe(1);
    waiting.shift()!(new Error('timeout'));
    await expect.poll(() => chat.history(BOB).map((m) => m.state)).toEqual(['failed', 'failed']);
    expect(chat.history(BOB)[0].error?.encryption).toEqual({
      reason: 'no-usable-devices',
      skipped: { 'no-bundle': 1 },
    });
    expect(chat.sent.some((s) => /waiting for keys|and after it/.test(s.toString()))).toBe(false);
    expect(bob.deviceId).toBeGreaterThan(0);
  });

  it('takes a bundle only from its owner: one answered by another JID leaves the device out', async () => {
    const pep = new MemoryPep();
    await openDevice(pep, BOB);
    const forging = (client: PepClient): PepClient => {
      // The real PEP client, over a session whose answers to bundle requests come from Mallory.
      const session = {
        iqCaller: {
          request: async (iq: Element) => {
            const node = iq.getChild('pubsub', NS_PUBSUB)!.getChild('items')!.attrs.node;
            const items = (await client.items(BOB, node)) ?? [];
            return xml(
              'iq',
              { type: 'result', from: 'mallory@example.com', id: iq.attrs.id },
              xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node }, ...items)),
            );
          },
        },
      } as unknown as SessionXmpp;
      const forged = createPepClient(session, ALICE);
      return {
        ...client,
        items: (jid, node) => (node.includes('.bundles:') ? forged.items(jid, node) : client.items(jid, node)),
      };
    };
    alice = await openEncryptedChat({ pep, wrapPep: forging });
    const chat = alice;
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: true,
    });
    await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'keys from the wrong place' });
    await expect.poll(() => chat.history(BOB)[0]?.state).toBe('failed');
    expect(chat.history(BOB)[0].error?.encryption).toEqual({
      reason: 'no-usable-devices',
      skipped: { 'no-bundle': 1 },
    });
    expect(chat.encryption.devicesView(ACCOUNT, BOB).devices[0].fingerprint).toBeNull();
    expect(toBob(chat)).toHaveLength(0);
  });

  it('a message written while offline is encrypted once the account is back; corrections stay encrypted', async () => {
    const pep = new MemoryPep();
    const bob = await openDevice(pep, BOB);
    alice = await openEncryptedChat({ pep });
    const chat = alice;
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: true,
    });
    chat.offline();
    const first = await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'draft one' });
    if (!first.ok) throw new Error('not stored');
    await chat.idle();
    expect(chat.history(BOB)[0]).toMatchObject({ state: 'queued', encryption: { protocol: 'omemo' } });
    expect(toBob(chat)).toHaveLength(0);
    chat.online();
    await expect.poll(() => toBob(chat).length).toBe(1);
    chat.sm.emit('ack', toBob(chat)[0]);
    expect(await bobReads(bob, toBob(chat)[0])).toMatchObject({ body: 'draft one' });
    const fixed = await chat.chat.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'draft two',
      replaces: first.value.id,
    });
    expect(fixed.ok && fixed.value.body).toBe('draft two');
    const correction = toBob(chat)[1];
    expect(correction.toString()).not.toContain('draft two');
    expect(correction.getChild('replace', 'urn:xmpp:message-correct:0')?.attrs.id).toBe(toBob(chat)[0].attrs.id);
    expect(await bobReads(bob, correction)).toMatchObject({ kind: 'decrypted', body: 'draft two' });
    await settle();
  });

  it('never sends a row marked encrypted in the clear, even without an encryption layer', async () => {
    const db = memoryDbWithAccount(ACCOUNT, ALICE);
    const repo = new MessagesRepository(db);
    repo.add({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      direction: 'out',
      sender: ALICE,
      body: 'typed before a restart',
      at: 1,
      state: 'queued',
      stanzaId: 's1',
      originId: 's1',
      serverId: null,
      resource: null,
      read: true,
      encryption: { protocol: 'omemo', device: null, undecryptable: null },
    });
    // A plain message to someone else queued after it: once that one is written, the queue was gone through.
    repo.add({
      accountId: ACCOUNT,
      conversation: CAROL,
      kind: 'chat',
      direction: 'out',
      sender: ALICE,
      body: 'plain, typed after it',
      at: 2,
      state: 'queued',
      stanzaId: 's2',
      originId: 's2',
      serverId: null,
      resource: null,
      read: true,
      encryption: null,
    });
    const bus = new EventBus(1);
    const written: Element[] = [];
    const chat = new ChatService({
      repo,
      bus,
      log: silentLogger,
      rooms: { joinedNick: () => null, onJoined: () => () => undefined },
      accountJid: () => ALICE,
      subscriptionOf: () => 'both',
    });
    const xmpp = {
      status: 'online',
      jid: { bare: () => ({ toString: () => ALICE }) },
      send: async (stanza: Element) => void written.push(stanza),
      iqCaller: { set: async () => undefined, request: async () => xml('iq') },
      streamManagement: Object.assign(new EventEmitter(), { enabled: true }),
      middleware: { use: () => undefined },
    } as unknown as SessionXmpp;
    chat.onClient(ACCOUNT, xmpp);
    chat.onOnline(ACCOUNT, { xmpp, boundJid: `${ALICE}/desk`, resumed: false });
    const messages = () => written.filter((s) => s.name === 'message');
    await expect.poll(() => messages().map((m) => m.getChildText('body'))).toEqual(['plain, typed after it']);
    expect(messages().some((m) => m.toString().includes('typed before a restart'))).toBe(false);
    // Still queued, for when encryption is there (the plain one waits for its ack).
    expect(repo.queued(ACCOUNT).map((row) => row.body)).toContain('typed before a restart');
    chat.close();
    bus.close();
    db.close();
  });
});
