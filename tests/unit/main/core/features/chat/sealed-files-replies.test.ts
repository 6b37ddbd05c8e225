/**
 * What encrypted one-to-one chats add for files and replies, through the real ChatService and
 * EncryptionFeature (OMEMO 0.3 on SQLite in memory, PEP in memory):
 * - an encrypted file's aesgcm: address goes only encrypted, even when the conversation was turned
 *   to the clear meanwhile, and is never sent in the clear on request; received encrypted, it is a
 *   file message;
 * - a reply carries its <reply/> reference in the clear beside the encrypted body and its quote only
 *   inside it; a received one is read back with its quote and original.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_DEVICELIST, NS_OMEMO_03 } from '../../../../../../src/main/core/encryption/omemo/stanzas';
import { MemoryPep } from '../../../../../support/memory-pep';
import { messageWith, openDevice, type TestDevice } from '../../../../../support/omemo';
import { parseStanza } from '../../../../../support/xml';
import { ACCOUNT, ALICE, BOB, openEncryptedChat, type EncryptedChat } from '../../../../../support/encrypted-chat';

const ADDRESS = `aesgcm://up.example/f/a.png#${'11'.repeat(12)}${'22'.repeat(32)}`;

let alice: EncryptedChat | null = null;
afterEach(() => {
  alice?.close();
  alice = null;
});

async function setUp(): Promise<{ chat: EncryptedChat; bob: TestDevice }> {
  const pep = new MemoryPep();
  const bob = await openDevice(pep, BOB);
  alice = await openEncryptedChat({ pep });
  const chat = alice;
  await expect.poll(() => pep.item(ALICE, NODE_DEVICELIST)?.toString().includes('<device')).toBe(true);
  await chat.encryption.handlers['encryption.conversation']({ accountId: ACCOUNT, conversation: BOB });
  await expect.poll(() => chat.encryption.conversationView(ACCOUNT, BOB)).toMatchObject({ available: true });
  return { chat, bob };
}

async function bobReads(bob: TestDevice, stanza: Element) {
  const arrived = parseStanza(stanza.toString().replace('<message ', `<message from='${ALICE}/desk' `));
  return bob.engine.decrypt(arrived, { sender: ALICE, via: 'live' });
}

const toBob = (chat: EncryptedChat) => chat.sent.filter((s) => s.name === 'message' && s.attrs.to === BOB);

describe('encrypted files in the chat', { timeout: 60_000 }, () => {
  it('an aesgcm: address goes only encrypted, even after the conversation was turned to the clear', async () => {
    const { chat, bob } = await setUp();
    await chat.encryption.handlers['encryption.setEncrypted']({
      accountId: ACCOUNT,
      conversation: BOB,
      encrypted: false,
    });
    const sent = await chat.chat.send(
      { accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: ADDRESS },
      { file: true },
    );
    expect(sent.ok && sent.value.encryption).toMatchObject({ protocol: 'omemo' });
    await expect.poll(() => toBob(chat).length).toBe(1);
    const [stanza] = toBob(chat);
    expect(stanza.toString()).not.toContain('22'.repeat(32));
    expect(stanza.getChild('x', 'jabber:x:oob')).toBeUndefined();
    expect(stanza.getChild('encrypted', NS_OMEMO_03)).toBeDefined();
    expect(await bobReads(bob, stanza)).toMatchObject({ kind: 'decrypted', body: ADDRESS });
  });

  it('an encrypted file message that could not be encrypted is never sent in the clear', async () => {
    alice = await openEncryptedChat();
    const chat = alice;
    const sent = await chat.chat.send(
      { accountId: ACCOUNT, conversation: BOB, kind: 'chat', body: ADDRESS },
      { file: true },
    );
    if (!sent.ok) throw new Error('not stored');
    await expect.poll(() => chat.history(BOB)[0]?.state).toBe('failed');
    const clear = await chat.chat.retry({ accountId: ACCOUNT, id: sent.value.id, withoutEncryption: true });
    expect(clear).toMatchObject({ ok: false, error: { reason: 'encryption.fileKeyInClear' } });
    expect(chat.sent.some((s) => s.toString().includes(ADDRESS))).toBe(false);
  });

  it('a received encrypted message whose text is an aesgcm: address is a file message', async () => {
    const { chat, bob } = await setUp();
    const message = messageWith(await bob.engine.encrypt(ALICE, ADDRESS), `${BOB}/phone`, ALICE);
    chat.deliver(message);
    await expect.poll(() => chat.history(BOB).at(-1)?.body).toBe(ADDRESS);
    expect(chat.history(BOB).at(-1)).toMatchObject({ file: true, encryption: { protocol: 'omemo' } });
    const text = messageWith(await bob.engine.encrypt(ALICE, `see ${ADDRESS}`), `${BOB}/phone`, ALICE);
    chat.deliver(text);
    await expect.poll(() => chat.history(BOB).length).toBe(2);
    expect(chat.history(BOB).at(-1)?.file).toBeUndefined();
  });
});

describe('replies in encrypted chats', { timeout: 60_000 }, () => {
  it('the reference goes in the clear beside the encrypted body, the quote only inside', async () => {
    const { chat, bob } = await setUp();
    const original = await chat.chat.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'lunch at noon?',
    });
    if (!original.ok) throw new Error('not stored');
    await expect.poll(() => toBob(chat).length).toBe(1);
    const reply = await chat.chat.send({
      accountId: ACCOUNT,
      conversation: BOB,
      kind: 'chat',
      body: 'or one?',
      replyTo: original.value.id,
    });
    expect(reply.ok).toBe(true);
    await expect.poll(() => toBob(chat).length).toBe(2);
    const stanza = toBob(chat)[1];
    const reference = stanza.getChild('reply', 'urn:xmpp:reply:0');
    expect(reference?.attrs).toMatchObject({ to: ALICE, id: toBob(chat)[0].attrs.id });
    expect(stanza.getChild('fallback', 'urn:xmpp:fallback:0')).toBeUndefined();
    expect(stanza.toString()).not.toContain('lunch at noon');
    expect(await bobReads(bob, stanza)).toMatchObject({ kind: 'decrypted', body: '> lunch at noon?\nor one?' });
  });

  it('a received encrypted reply is read with its quote and its original', async () => {
    const { chat, bob } = await setUp();
    const first = messageWith(await bob.engine.encrypt(ALICE, 'shall we meet?'), `${BOB}/phone`, ALICE);
    first.append(xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'orig-1' }));
    chat.deliver(first);
    await expect.poll(() => chat.history(BOB).length).toBe(1);
    const answer = messageWith(await bob.engine.encrypt(ALICE, '> shall we meet?\nyes, at six'), `${BOB}/phone`, ALICE);
    answer.append(xml('reply', { xmlns: 'urn:xmpp:reply:0', to: `${BOB}/phone`, id: 'orig-1' }));
    chat.deliver(answer);
    await expect.poll(() => chat.history(BOB).length).toBe(2);
    const stored = chat.history(BOB)[1];
    expect(stored.body).toBe('yes, at six');
    expect(stored.reply).toEqual({ to: BOB, quote: 'shall we meet?', target: chat.history(BOB)[0].id });
  });
});
