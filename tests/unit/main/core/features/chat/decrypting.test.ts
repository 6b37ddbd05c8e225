/**
 * Incoming encrypted one-to-one messages through the real ChatService and EncryptionFeature (OMEMO
 * 0.3 engines on SQLite in memory, PEP in memory): live, carbons both ways and archive results are
 * decrypted and stored with the sending device and its trust; a second copy is never read twice; what
 * cannot be read is stored with its reason and no text (never the fallback, never lost); keys alone
 * store nothing and a pre-key message is answered with a key transport; every sender is checked
 * (forged carbons, device list pushes not from the owner's bare JID, archive results for no query),
 * and oversized or malformed payloads are refused with a reason.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NODE_DEVICELIST,
  NS_OMEMO_03,
  deviceListElement,
} from '../../../../../../src/main/core/encryption/omemo/stanzas';
import { MemoryPep } from '../../../../../support/memory-pep';
import { copy, messageWith, openDevice, type TestDevice } from '../../../../../support/omemo';
import { parseStanza } from '../../../../../support/xml';
import {
  ACCOUNT,
  ALICE,
  BOB,
  carbon,
  openEncryptedChat,
  type EncryptedChat,
} from '../../../../../support/encrypted-chat';

let alice: EncryptedChat | null = null;
afterEach(() => {
  alice?.close();
  alice = null;
});

/** Bob writes to Alice from his phone (a live message as the server delivers it). */
async function fromBob(bob: TestDevice, body: string, extra: Element[] = []): Promise<Element> {
  const message = messageWith(await bob.engine.encrypt(ALICE, body), `${BOB}/phone`, ALICE);
  message.append(xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: message.attrs.id }));
  message.append(xml('request', { xmlns: 'urn:xmpp:receipts' }));
  for (const child of extra) message.append(child);
  return message;
}

/** The events the chat's bus has sent, after sending what it still held back. */
function flushedEvents(chat: EncryptedChat) {
  chat.bus.flush();
  return chat.events;
}

async function setUp(): Promise<{ chat: EncryptedChat; bob: TestDevice; laptop: TestDevice; pep: MemoryPep }> {
  const pep = new MemoryPep();
  const bob = await openDevice(pep, BOB);
  const laptop = await openDevice(pep, ALICE);
  alice = await openEncryptedChat({ pep });
  const chat = alice;
  // Bob and the laptop learn Alice's new device from its list.
  await expect.poll(() => pep.item(ALICE, NODE_DEVICELIST)?.toString().split('<device').length).toBe(3);
  return { chat, bob, laptop, pep };
}

describe('receiving encrypted', { timeout: 60_000 }, () => {
  it('stores a live message decrypted, with the device and its trust, answers its receipt and the pre-key message', async () => {
    const { chat, bob } = await setUp();
    const message = await fromBob(bob, 'hello alice, secretly');
    chat.deliver(message);
    await expect.poll(() => chat.history(BOB).length).toBe(1);
    expect(chat.history(BOB)[0]).toMatchObject({
      direction: 'in',
      from: BOB,
      body: 'hello alice, secretly',
      encryption: { protocol: 'omemo', device: { id: bob.deviceId, trust: 'blind' }, undecryptable: null },
    });
    expect(chat.history(BOB)[0].encryption?.device?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(chat.sent.find((s) => s.getChild('received', 'urn:xmpp:receipts'))?.attrs.to).toBe(`${BOB}/phone`);
    // Bob's message started his session with us: a key transport (keys, no text) answers it.
    await expect.poll(() => chat.sent.filter((s) => s.getChild('encrypted', NS_OMEMO_03)).length).toBe(1);
    const transport = chat.sent.find((s) => s.getChild('encrypted', NS_OMEMO_03))!;
    expect(transport.attrs.to).toBe(BOB);
    expect(transport.getChild('encrypted', NS_OMEMO_03)!.getChild('payload')).toBeUndefined();
    const arrived = parseStanza(transport.toString().replace('<message ', `<message from='${ALICE}/desk' `));
    expect(await bob.engine.decrypt(arrived, { sender: ALICE, via: 'live' })).toMatchObject({ kind: 'key-transport' });

    // The same message again (a redelivery): found by its origin-id, not read again as a replay.
    chat.deliver(copy(message));
    const next = await fromBob(bob, 'second');
    chat.deliver(next);
    await expect.poll(() => chat.history(BOB).map((m) => m.body)).toEqual(['hello alice, secretly', 'second']);
    expect(chat.chat.stats(ACCOUNT)?.duplicates).toBe(1);
  });

  it('keeps the order of a conversation: a message in the clear waits for the encrypted one before it', async () => {
    const { chat, bob } = await setUp();
    chat.deliver(await fromBob(bob, 'encrypted first'));
    chat.deliver(xml('message', { from: `${BOB}/phone`, type: 'chat', id: 'p1' }, xml('body', {}, 'plain second')));
    await expect.poll(() => chat.history(BOB).length).toBe(2);
    expect(chat.history(BOB).map((m) => [m.body, m.encryption?.protocol ?? 'clear'])).toEqual([
      ['encrypted first', 'omemo'],
      ['plain second', 'clear'],
    ]);
  });

  it('stores what it cannot read with the reason and no text; keys alone store nothing', async () => {
    const { chat, bob, pep } = await setUp();
    // Carol's device never heard of Alice's device: no key for it.
    const carol = await openDevice(pep, 'carol@example.com');
    const notForUs = messageWith(await carol.engine.encrypt(BOB, 'for bob only'), 'carol@example.com/x', ALICE);
    chat.deliver(notForUs);
    // A payload changed on the way: its tag does not verify.
    const tampered = await fromBob(bob, 'original text');
    const payload = tampered.getChild('encrypted', NS_OMEMO_03)!.getChild('payload')!;
    const bytes = Buffer.from(payload.text(), 'base64');
    bytes[0] ^= 1;
    payload.children = [bytes.toString('base64')];
    chat.deliver(tampered);
    // Oversized and malformed payloads: refused before any key is used.
    const huge = await fromBob(bob, 'x');
    huge.getChild('encrypted', NS_OMEMO_03)!.getChild('payload')!.children = ['A'.repeat(400_000)];
    chat.deliver(huge);
    const garbage = await fromBob(bob, 'y');
    garbage.getChild('encrypted', NS_OMEMO_03)!.getChild('header')!.attrs.sid = 'not a number';
    chat.deliver(garbage);
    await expect.poll(() => chat.history('carol@example.com').length + chat.history(BOB).length).toBe(4);
    expect(chat.history('carol@example.com')[0]).toMatchObject({
      body: '',
      encryption: { undecryptable: 'not-for-this-device', device: { id: carol.deviceId } },
    });
    expect(chat.history(BOB).map((m) => m.encryption?.undecryptable)).toEqual(['bad-tag', 'malformed', 'malformed']);
    expect(chat.history(BOB).every((m) => m.body === '')).toBe(true);
    // The session survived: the next genuine message reads.
    chat.deliver(await fromBob(bob, 'still readable'));
    await expect.poll(() => chat.history(BOB).at(-1)?.body).toBe('still readable');

    // Keys without a text, for us or not: nothing to store.
    const keysOnly = xml('message', { from: 'carol@example.com/x', to: ALICE, type: 'chat', id: 'k1' });
    const transport = await carol.engine.keyTransport(BOB);
    keysOnly.append(transport!.element);
    chat.deliver(keysOnly);
    // Carol's next message is read after her keys: once it is in, the keys were handled.
    chat.deliver(messageWith(await carol.engine.encrypt(ALICE, 'after the keys'), 'carol@example.com/x', ALICE));
    await expect.poll(() => chat.history('carol@example.com').at(-1)?.body).toBe('after the keys');
    expect(chat.history('carol@example.com')).toHaveLength(2);
  });

  it('reads carbons from our bare JID only: received ones, and sent ones of our other device', async () => {
    const { chat, bob, laptop } = await setUp();
    chat.deliver(carbon('received', await fromBob(bob, 'carbon copy of bob')));
    const fromLaptop = messageWith(await laptop.engine.encrypt(BOB, 'sent from my laptop'), `${ALICE}/laptop`, BOB);
    chat.deliver(carbon('sent', fromLaptop));
    // Forged: a carbon from Bob (or from another resource of ours) is dropped, nothing is read.
    chat.deliver(carbon('received', await fromBob(bob, 'forged by bob'), `${BOB}/phone`));
    chat.deliver(
      carbon(
        'sent',
        messageWith(await laptop.engine.encrypt(BOB, 'forged too'), `${ALICE}/laptop`, BOB),
        `${ALICE}/evil`,
      ),
    );
    await expect.poll(() => chat.history(BOB).length).toBe(2);
    await chat.idle();
    expect(chat.history(BOB)).toMatchObject([
      { direction: 'in', body: 'carbon copy of bob', encryption: { device: { id: bob.deviceId } } },
      {
        direction: 'out',
        from: ALICE,
        state: 'sent',
        body: 'sent from my laptop',
        encryption: { device: { id: laptop.deviceId } },
      },
    ]);
    expect(chat.chat.stats(ACCOUNT)?.dropped).toBe(2);
  });

  it('decrypts archived messages once, and a live copy of one is not read a second time', async () => {
    const pep = new MemoryPep();
    const bob = await openDevice(pep, BOB);
    let results: Element[] = [];
    let deliver: (stanza: Element) => void = () => undefined;
    alice = await openEncryptedChat({
      pep,
      request: async (iq) => {
        const queryId = iq.getChild('query', 'urn:xmpp:mam:2')?.attrs.queryid ?? '';
        for (const result of results) {
          result.getChild('result', 'urn:xmpp:mam:2')!.attrs.queryid = queryId;
          deliver(result);
        }
        return xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', complete: 'true' }));
      },
    });
    const chat = alice;
    deliver = chat.deliver;
    await expect.poll(() => pep.item(ALICE, NODE_DEVICELIST)?.toString().split('<device').length).toBe(2);
    const live = await fromBob(bob, 'from the archive');
    live.append(xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: ALICE, id: 'arch-1' }));
    const archived = (inner: Element, id: string, from?: string) =>
      xml(
        'message',
        from ? { from, to: `${ALICE}/desk` } : { to: `${ALICE}/desk` },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', id, queryid: '' },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2026-11-01T10:00:00Z' }),
            copy(inner),
          ),
        ),
      );
    results = [archived(live, 'arch-1'), archived(await fromBob(bob, 'stray'), 'arch-2', `${BOB}`)];
    chat.chat.sessionReady(ACCOUNT); // our presence is out: the archive is read
    await expect.poll(() => chat.history(BOB).length).toBe(1);
    expect(chat.history(BOB)[0]).toMatchObject({
      body: 'from the archive',
      encryption: { device: { id: bob.deviceId } },
    });
    // The live copy arrives late: found by its archive id, never read as a replay.
    chat.deliver(live);
    // Bob's next message is read after the late copy: once it is in, the copy was handled.
    chat.deliver(await fromBob(bob, 'after the late copy'));
    await expect.poll(() => chat.history(BOB).at(-1)?.body).toBe('after the late copy');
    expect(chat.history(BOB).map((m) => m.body)).toEqual(['from the archive', 'after the late copy']);
  });

  it('our own messages and corrections coming back from the archive are not stored again', async () => {
    const pep = new MemoryPep();
    await openDevice(pep, BOB);
    let results: Element[] = [];
    let deliver: (stanza: Element) => void = () => undefined;
    alice = await openEncryptedChat({
      pep,
      request: async (iq) => {
        const queryId = iq.getChild('query', 'urn:xmpp:mam:2')?.attrs.queryid ?? '';
        results.forEach((inner, i) =>
          deliver(
            xml(
              'message',
              { to: `${ALICE}/desk` },
              xml(
                'result',
                { xmlns: 'urn:xmpp:mam:2', id: `own-${i}`, queryid: queryId },
                xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, inner),
              ),
            ),
          ),
        );
        return xml('iq', { type: 'result' }, xml('fin', { xmlns: 'urn:xmpp:mam:2', complete: 'true' }));
      },
    });
    const chat = alice;
    deliver = chat.deliver;
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: true,
    });
    const sent = await chat.chat.send({ accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: 'mine' });
    await expect.poll(() => chat.sent.filter((s) => s.attrs.to === BOB).length).toBe(1);
    await chat.chat.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'mine, fixed',
      replaces: sent.ok ? sent.value.id : 0,
    });
    const written = chat.sent.filter((s) => s.attrs.to === BOB);
    expect(written).toHaveLength(2);
    results = written.map((stanza) =>
      parseStanza(stanza.toString().replace('<message ', `<message from='${ALICE}/desk' `)),
    );
    chat.chat.sessionReady(ACCOUNT);
    await expect.poll(() => chat.events.some((e) => e.type === 'archive.sync' && e.state === 'done')).toBe(true);
    await chat.idle();
    expect(chat.history(BOB).map((m) => [m.body, m.encryption?.undecryptable ?? null])).toEqual([
      ['mine, fixed', null],
    ]);
  });

  it('once a contact’s key is verified, a new device of theirs shows up undecided before anything is sent', async () => {
    const { chat, pep } = await setUp();
    await chat.encryption.handlers['encryption.devices']({ accountId: ACCOUNT, jid: BOB });
    await expect.poll(() => chat.encryption.devicesView(ACCOUNT, BOB).devices[0]?.fingerprint).toBeTruthy();
    const [desk] = chat.encryption.devicesView(ACCOUNT, BOB).devices;
    await chat.encryption.handlers['encryption.setTrust']({
      accountId: ACCOUNT,
      jid: BOB,
      fingerprint: desk.fingerprint!,
      trust: 'verified',
    });
    const phone = await openDevice(pep, BOB); // publishes, and the list push reaches Alice
    await expect.poll(() => chat.encryption.conversationView(ACCOUNT, BOB).undecided).toBe(1);
    expect(chat.encryption.devicesView(ACCOUNT, BOB).devices.find((d) => d.deviceId === phone.deviceId)).toMatchObject({
      trust: 'undecided',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await expect
      .poll(() => flushedEvents(chat))
      .toContainEqual(
        expect.objectContaining({
          type: 'encryption.conversation',
          conversation: expect.objectContaining({ undecided: 1 }),
        }),
      );
  });

  it('applies device list pushes only from the owner’s bare JID, and tells the renderer', async () => {
    const { chat, bob } = await setUp();
    const push = (from: string, ids: number[]) =>
      xml(
        'message',
        { from, to: ALICE, type: 'headline' },
        xml(
          'event',
          { xmlns: 'http://jabber.org/protocol/pubsub#event' },
          xml(
            'items',
            { node: NODE_DEVICELIST },
            xml('item', { id: 'current' }, deviceListElement(ids.map((deviceId) => ({ deviceId, label: null })))),
          ),
        ),
      );
    chat.deliver(push(`${BOB}/phone`, [666]));
    chat.deliver(push('example.com', [667]));
    chat.deliver(push(BOB, [bob.deviceId, 4242]));
    await expect
      .poll(() =>
        chat.encryption
          .devicesView(ACCOUNT, BOB)
          .devices.map((d) => d.deviceId)
          .sort(),
      )
      .toEqual([4242, bob.deviceId].sort());
    expect(chat.encryption.devicesView(ACCOUNT, 'example.com').devices).toEqual([]);
    await expect
      .poll(() => flushedEvents(chat))
      .toContainEqual(
        expect.objectContaining({
          type: 'encryption.conversation',
          conversation: expect.objectContaining({ conversation: BOB, available: true, encrypted: true }),
        }),
      );
    // A plain correction never replaces an encrypted message; an encrypted one does.
    const original = await fromBob(bob, 'encrypted words');
    chat.deliver(original);
    await expect.poll(() => chat.history(BOB).length).toBe(1);
    const replace = (id: string) => xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id });
    chat.deliver(
      xml(
        'message',
        { from: `${BOB}/phone`, type: 'chat', id: 'c1' },
        xml('body', {}, 'injected'),
        replace(original.attrs.id),
      ),
    );
    chat.deliver(await fromBob(bob, 'encrypted, corrected', [replace(original.attrs.id)]));
    await expect
      .poll(() => chat.history(BOB).map((m) => [m.body, m.corrected]))
      .toEqual([
        ['encrypted, corrected', true],
        ['injected', false],
      ]);
  });
});
