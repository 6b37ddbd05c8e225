/**
 * Read state through the whole core against Prosody, with slixmpp (an independent client) on the
 * other side: Alice is the core; Bob a contact who sees her presence; Carol a stranger; "alice/phone"
 * another client of Alice's account. Chat markers (XEP-0333) both ways, only to a contact who may see
 * our presence, and only from the conversation's contact for our own message; the read position in
 * Alice's PEP (XEP-0490) published when she reads and applied when her phone reads, never from
 * someone else's JID.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView, MessageView } from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startPeer, subscribeBothWays } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { slixmppAvailable } from '../support/presence-peer';
import { startReadingPeer, type ReadingPeer } from '../support/reading-peer';
import { eventually, waitUntil } from '../support/wait';

const user = (name: string) => ({ user: name, password: `${name}-reading-Pa55` });
const ALICE = user('alice');
const BOB = user('bob');
const CAROL = user('carol');
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';
const CAROL_JID = 'carol@localhost';

const log: Logger = createLogger(() => {}, 'debug');
const haveSlixmpp = await slixmppAvailable();

describe.runIf(haveSlixmpp)('read state against Prosody with slixmpp', () => {
  let server: ProsodyServer;
  let dir: string;
  let alice: Core;
  let bob: ReadingPeer;
  let carol: ReadingPeer;
  let phone: ReadingPeer;
  const secrets = createMemorySecretStore();

  const conversation = (jid: string): ConversationView | undefined =>
    alice.messenger.chat.conversations().find((c) => c.conversation === jid);
  const history = (jid: string): MessageView[] => {
    const page = alice.messenger.chat.history({ accountId: alice.accountId, conversation: jid, limit: 500 });
    if (!page.ok) throw new Error(JSON.stringify(page.error));
    return page.value;
  };
  const received = async (jid: string, body: string): Promise<MessageView> => {
    await waitUntil(`${body} stored`, () => history(jid).some((m) => m.body === body));
    return history(jid).find((m) => m.body === body)!;
  };
  const sendFromAlice = async (to: string, body: string): Promise<MessageView> =>
    (await alice.invoke('message.send', {
      accountId: alice.accountId,
      conversation: to,
      kind: 'chat',
      body,
    })) as MessageView;
  const markRead = (jid: string) =>
    alice.invoke('conversation.markRead', { accountId: alice.accountId, conversation: jid });

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE, BOB, CAROL] });
    // Alice and Bob see each other's presence, made with stanzas before the core starts.
    const aliceSetup = await startPeer(server, ALICE, 'setup', log);
    const bobSetup = await startPeer(server, BOB, 'setup', log);
    await subscribeBothWays(aliceSetup, bobSetup);
    await aliceSetup.stop();
    await bobSetup.stop();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-reading-'));
    alice = await openTestCore(server, dir, secrets, log, ALICE);
    bob = await startReadingPeer(server, BOB, 'desk');
    await bob.presence();
    carol = await startReadingPeer(server, CAROL, 'laptop');
    await carol.presence();
    phone = await startReadingPeer(server, ALICE, 'phone');
    await phone.presence();
  }, 90_000);

  afterAll(async () => {
    await alice?.close();
    for (const peer of [bob, carol, phone]) await peer?.stop();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for markers and shows our message read once Bob displayed it', async () => {
    const sent = await sendFromAlice(BOB_JID, 'did you read this?');
    await waitUntil('Bob got it', () => bob.messages.some((m) => m.body === 'did you read this?'));
    const got = bob.messages.find((m) => m.body === 'did you read this?')!;
    expect(got.markable).toBe(true);
    await bob.displayed(ALICE_JID, got.id!);
    await eventually(() => expect(conversation(BOB_JID)?.peerDisplayed).toBe(sent.id));
  });

  it('ignores a stranger marking our message to Bob, and a marker for an unknown id', async () => {
    const first = await sendFromAlice(BOB_JID, 'first of two');
    const second = await sendFromAlice(BOB_JID, 'second of two');
    await waitUntil('Bob got both', () => bob.messages.some((m) => m.body === 'second of two'));
    const secondId = bob.messages.find((m) => m.body === 'second of two')!.id!;
    // Carol forges Bob's marker for the newer message, then says something (her stanzas stay in order).
    await carol.displayed(ALICE_JID, secondId);
    await carol.send(ALICE_JID, 'after my forged marker', 'c-after');
    await received(CAROL_JID, 'after my forged marker');
    await bob.displayed(ALICE_JID, 'no-such-message');
    await bob.displayed(ALICE_JID, bob.messages.find((m) => m.body === 'first of two')!.id!);
    await eventually(() => expect(conversation(BOB_JID)?.peerDisplayed).toBe(first.id));
    expect(conversation(BOB_JID)?.peerDisplayed).not.toBe(second.id);
    expect(conversation(CAROL_JID)?.peerDisplayed).toBeUndefined();
  });

  it('sends a displayed marker to Bob when Alice reads, never to the stranger', async () => {
    await carol.send(ALICE_JID, 'read me, stranger', 'c-1');
    await received(CAROL_JID, 'read me, stranger');
    await markRead(CAROL_JID);
    await bob.send(ALICE_JID, 'read me, friend', 'b-1');
    await received(BOB_JID, 'read me, friend');
    expect(conversation(BOB_JID)?.unread).toBeGreaterThan(0);
    await markRead(BOB_JID);
    await waitUntil('Bob got the marker', () => bob.messages.some((m) => m.displayed === 'b-1'));
    expect(conversation(BOB_JID)?.unread).toBe(0);
    expect(carol.messages.filter((m) => m.displayed !== null)).toEqual([]);
  });

  it("publishes Alice's read position where her phone reads it", async () => {
    await bob.send(ALICE_JID, 'position please', 'b-2');
    await received(BOB_JID, 'position please');
    await waitUntil('the phone got it too', () => phone.messages.some((m) => m.body === 'position please'));
    const stanzaId = phone.messages.find((m) => m.body === 'position please')!.stanza_id;
    expect(stanzaId).not.toBeNull();
    await markRead(BOB_JID);
    await eventually(async () =>
      expect(await phone.items()).toContainEqual({ id: BOB_JID, stanza_id: stanzaId, by: ALICE_JID }),
    );
  });

  it('applies a read position her phone publishes, and none from anyone else', async () => {
    await bob.send(ALICE_JID, 'read on the phone', 'b-3');
    await received(BOB_JID, 'read on the phone');
    await waitUntil('the phone got it', () => phone.messages.some((m) => m.body === 'read on the phone'));
    const stanzaId = phone.messages.find((m) => m.body === 'read on the phone')!.stanza_id!;
    expect(conversation(BOB_JID)?.unread).toBe(1);

    // Carol forges a PEP event of Alice's node, then says something (her stanzas stay in order).
    await carolForgesPosition(carol, stanzaId);
    await received(CAROL_JID, 'after my forged position');
    expect(conversation(BOB_JID)?.unread).toBe(1);

    await phone.publish(BOB_JID, stanzaId, ALICE_JID);
    await eventually(() => expect(conversation(BOB_JID)?.unread).toBe(0));
  });

  it('reads the positions published while it was away when it comes back', async () => {
    await alice.close();
    await bob.send(ALICE_JID, 'while you were away', 'b-4');
    await waitUntil('the phone got it', () => phone.messages.some((m) => m.body === 'while you were away'));
    const stanzaId = phone.messages.find((m) => m.body === 'while you were away')!.stanza_id!;
    await phone.publish(BOB_JID, stanzaId, ALICE_JID);
    alice = await openTestCore(server, dir, secrets, log);
    // The archive's catch-up stores the message; the position read after it marks it read.
    await received(BOB_JID, 'while you were away');
    await eventually(() => expect(conversation(BOB_JID)?.unread).toBe(0));
  });
});

/** A message from Carol that looks like Alice's own PEP event naming Bob's conversation as read. */
async function carolForgesPosition(carol: ReadingPeer, stanzaId: string): Promise<void> {
  await carol.forge(
    `<message to='${ALICE_JID}' type='headline'><event xmlns='http://jabber.org/protocol/pubsub#event'>` +
      `<items node='urn:xmpp:mds:displayed:0'><item id='${BOB_JID}'><displayed xmlns='urn:xmpp:mds:displayed:0'>` +
      `<stanza-id xmlns='urn:xmpp:sid:0' id='${stanzaId}' by='${ALICE_JID}'/></displayed></item></items></event></message>`,
  );
  await carol.send(ALICE_JID, 'after my forged position', 'c-after-2');
}
