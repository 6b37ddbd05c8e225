/**
 * Messages through the whole core against each real server (Prosody, ejabberd): Alice is a Jabberwock core, Bob and
 * Carol plain clients, and "alice/phone" another client of Alice's. Send and receive with the
 * outbox states (queued → sent on the stream management ack → delivered on Bob's receipt), a
 * receipt from the wrong JID ignored, carbons both ways and a forged one dropped, corrections,
 * duplicates stored once, invalid delay stamps, room messages and their reflection, messages typed
 * offline sent in order on reconnect, history pages and full-text search.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageView } from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startPeer, subscribeBothWays, type Peer } from '../support/peer';
import { forEachServer, type TestServer } from '../support/servers';
import { sleep, waitUntil } from '../support/wait';
import {
  NS_CARBONS,
  NS_CHATSTATES,
  NS_CORRECT,
  NS_DELAY,
  NS_FORWARD,
  NS_MUC,
  NS_RECEIPTS,
  NS_SID,
} from '../../src/main/core/xmpp/ns';

const user = (name: string) => ({ user: name, password: `${name}-chat-Pa55` });
const ALICE = user('alice');
const BOB = user('bob');
const CAROL = user('carol');

const dirs: string[] = [];
const log: Logger = createLogger(() => {}, 'debug');

/** Records every message a peer receives. */
function recordMessages(peer: Peer): Element[] {
  const messages: Element[] = [];
  peer.xmpp.middleware.use((ctx, next) => {
    if (ctx.stanza.name === 'message') messages.push(ctx.stanza);
    return next();
  });
  return messages;
}

function history(core: Core, conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 500 });
  if (!page.ok) throw new Error(JSON.stringify(page.error));
  return page.value;
}

forEachServer('messages against %s', { users: [ALICE, BOB, CAROL] }, ({ started }) => {
  let server: TestServer;
  let alice: Core;
  let bob: Peer;
  let carol: Peer;
  let bobInbox: Element[];

  beforeAll(async () => {
    server = await started();
    // Alice and Bob see each other (so receipts may be answered), made with stanzas.
    const aliceSetup = await startPeer(server, ALICE, 'setup', log);
    bob = await startPeer(server, BOB, 'desk', log);
    await subscribeBothWays(aliceSetup, bob);
    await aliceSetup.stop();
    bobInbox = recordMessages(bob);
    carol = await startPeer(server, CAROL, 'laptop', log);
    await carol.send(xml('presence'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-chat-'));
    dirs.push(dir);
    alice = await openTestCore(server, dir, createMemorySecretStore(), log, ALICE);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.stop();
    await carol?.stop();
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends: queued, sent on the ack, delivered on the receipt from Bob only', async () => {
    const sent = (await alice.invoke('message.send', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      kind: 'chat',
      body: 'Hello Bob',
    })) as MessageView;
    expect(sent).toMatchObject({ state: 'queued', direction: 'out', from: 'alice@localhost' });
    await waitUntil('Bob has it', () => bobInbox.some((m) => m.getChildText('body') === 'Hello Bob'));
    const arrived = bobInbox.find((m) => m.getChildText('body') === 'Hello Bob')!;
    expect(arrived.attrs.to).toBe('bob@localhost'); // the bare JID: the server picks Bob's device
    expect(arrived.getChild('origin-id', NS_SID)?.attrs.id).toBe(arrived.attrs.id);
    expect(arrived.getChild('request', NS_RECEIPTS)).toBeDefined();
    await waitUntil('sent (acked)', () => history(alice, 'bob@localhost').at(-1)?.state === 'sent');

    // Carol claims the receipt: ignored. Bob's counts.
    await carol.send(
      xml('message', { to: 'alice@localhost' }, xml('received', { xmlns: NS_RECEIPTS, id: arrived.attrs.id })),
    );
    await sleep(200);
    expect(history(alice, 'bob@localhost').at(-1)?.state).toBe('sent');
    await bob.send(
      xml('message', { to: arrived.attrs.from }, xml('received', { xmlns: NS_RECEIPTS, id: arrived.attrs.id })),
    );
    await waitUntil('delivered', () => history(alice, 'bob@localhost').at(-1)?.state === 'delivered');
  });

  it('receives: stored once, unread counted, a receipt for Bob, delay honoured only when valid', async () => {
    const message = (id: string, body: string, ...extra: Element[]) =>
      xml(
        'message',
        { to: 'alice@localhost', type: 'chat', id },
        xml('body', {}, body),
        xml('origin-id', { xmlns: NS_SID, id }),
        xml('request', { xmlns: NS_RECEIPTS }),
        ...extra,
      );
    await bob.send(message('b1', 'Hi Alice', xml('delay', { xmlns: NS_DELAY, stamp: '2026-01-02T03:04:05Z' })));
    await bob.send(message('b1', 'Hi Alice')); // the same message again
    await bob.send(message('b2', 'Second', xml('delay', { xmlns: NS_DELAY, stamp: 'yesterday' })));
    await waitUntil('both stored', () => history(alice, 'bob@localhost').some((m) => m.body === 'Second'));
    const inbound = history(alice, 'bob@localhost').filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.body)).toEqual(['Hi Alice', 'Second']);
    expect(inbound[0].at).toBe(Date.parse('2026-01-02T03:04:05Z'));
    expect(Math.abs(inbound[1].at - Date.now())).toBeLessThan(10_000);
    expect(alice.messenger.chat.stats(alice.accountId)?.duplicates).toBe(1);
    await waitUntil('receipt for Bob', () =>
      bobInbox.some((m) => m.getChild('received', NS_RECEIPTS)?.attrs.id === 'b1'),
    );
    const conversation = (await alice.snapshot()).conversations.find((c) => c.conversation === 'bob@localhost');
    expect(conversation).toMatchObject({ unread: 2, lastBody: 'Second', kind: 'chat' });
    await alice.invoke('conversation.markRead', { accountId: alice.accountId, conversation: 'bob@localhost' });
    expect((await alice.snapshot()).conversations.find((c) => c.conversation === 'bob@localhost')?.unread).toBe(0);

    // A correction replaces the body of Bob's own message only.
    await bob.send(
      xml(
        'message',
        { to: 'alice@localhost', type: 'chat', id: 'b3' },
        xml('body', {}, 'Hi Alise'),
        xml('replace', { xmlns: NS_CORRECT, id: 'b1' }),
      ),
    );
    await waitUntil('corrected', () =>
      history(alice, 'bob@localhost').some((m) => m.body === 'Hi Alise' && m.corrected),
    );
    await carol.send(
      xml(
        'message',
        { to: 'alice@localhost', type: 'chat' },
        xml('body', {}, 'pwned'),
        xml('replace', { xmlns: NS_CORRECT, id: 'b2' }),
      ),
    );
    await waitUntil('Carol stored as her own', () => history(alice, 'carol@localhost').length === 1);
    expect(history(alice, 'bob@localhost').some((m) => m.body === 'pwned')).toBe(false);
  });

  it('typing both ways (XEP-0085) and correcting our last message (XEP-0308)', async () => {
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('composing', { xmlns: NS_CHATSTATES })));
    await waitUntil('Bob typing', () =>
      alice.events.some(
        (e) => e.type === 'chat.typing' && e.conversation === 'bob@localhost' && e.state === 'composing',
      ),
    );
    const before = bobInbox.length;
    await alice.invoke('chat.setState', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      kind: 'chat',
      state: 'composing',
    });
    await waitUntil('Bob sees Alice typing', () =>
      bobInbox.slice(before).some((m) => m.getChild('composing', NS_CHATSTATES) !== undefined),
    );

    const typo = (await alice.invoke('message.send', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      kind: 'chat',
      body: 'See you at noom',
    })) as MessageView;
    await waitUntil('typo sent', () => history(alice, 'bob@localhost').find((m) => m.id === typo.id)?.state === 'sent');
    const original = bobInbox.find((m) => m.getChildText('body') === 'See you at noom')!;
    const fixed = (await alice.invoke('message.send', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      kind: 'chat',
      body: 'See you at noon',
      replaces: typo.id,
    })) as MessageView;
    expect(fixed).toMatchObject({ id: typo.id, body: 'See you at noon', corrected: true });
    await waitUntil('Bob gets the correction', () =>
      bobInbox.some((m) => m.getChildText('body') === 'See you at noon'),
    );
    const correction = bobInbox.find((m) => m.getChildText('body') === 'See you at noon')!;
    expect(correction.getChild('replace', NS_CORRECT)?.attrs.id).toBe(original.attrs.id);
    // Only our own messages can be corrected.
    const bobs = history(alice, 'bob@localhost').find((m) => m.direction === 'in')!;
    await expect(
      alice.invoke('message.send', {
        accountId: alice.accountId,
        conversation: 'bob@localhost',
        kind: 'chat',
        body: 'rewritten',
        replaces: bobs.id,
      }),
    ).rejects.toThrow(/Only your own messages/);
  });

  it('carbons: both directions from another client of ours; a forged one is dropped', async () => {
    const phone = await startPeer(server, ALICE, 'phone', log);
    try {
      await phone.send(xml('presence'));
      await phone.send(
        xml('message', { to: 'bob@localhost', type: 'chat', id: 'p1' }, xml('body', {}, 'from my phone')),
      );
      await waitUntil('sent carbon stored', () =>
        history(alice, 'bob@localhost').some((m) => m.body === 'from my phone' && m.direction === 'out'),
      );
      await bob.send(
        xml('message', { to: 'alice@localhost/phone', type: 'chat', id: 'b4' }, xml('body', {}, 'to your phone')),
      );
      await waitUntil('received carbon stored', () =>
        history(alice, 'bob@localhost').some((m) => m.body === 'to your phone' && m.direction === 'in'),
      );
      // Bob wraps a "carbon" claiming Carol wrote to Alice.
      await bob.send(
        xml(
          'message',
          { to: 'alice@localhost', type: 'chat' },
          xml(
            'received',
            { xmlns: NS_CARBONS },
            xml(
              'forwarded',
              { xmlns: NS_FORWARD },
              xml(
                'message',
                { from: 'carol@localhost/x', to: 'alice@localhost', type: 'chat' },
                xml('body', {}, 'forged'),
              ),
            ),
          ),
        ),
      );
      await sleep(300);
      expect(history(alice, 'carol@localhost').some((m) => m.body === 'forged')).toBe(false);
      expect(history(alice, 'bob@localhost').some((m) => m.body === 'forged')).toBe(false);
    } finally {
      await phone.stop();
    }
  });

  it('room messages: stored per room with the nick; ours reflected as delivered; not from rooms we left', async () => {
    const ROOM = 'talk@conference.localhost';
    await alice.invoke('muc.join', { accountId: alice.accountId, room: ROOM, nick: 'Alice' });
    await bob.send(xml('presence', { to: `${ROOM}/Bob` }, xml('x', { xmlns: NS_MUC })));
    await waitUntil('Bob in the room', () =>
      alice.messenger.muc.occupants().some((o) => o.room === ROOM && o.nick === 'Bob'),
    );
    await bob.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, 'hello room')));
    await waitUntil('room message', () => history(alice, ROOM).some((m) => m.body === 'hello room'));
    expect(history(alice, ROOM).find((m) => m.body === 'hello room')).toMatchObject({ kind: 'groupchat', from: 'Bob' });
    await alice.invoke('message.send', {
      accountId: alice.accountId,
      conversation: ROOM,
      kind: 'groupchat',
      body: 'hi all',
    });
    await waitUntil('reflected', () => history(alice, ROOM).find((m) => m.body === 'hi all')?.state === 'delivered');
    expect(history(alice, ROOM).filter((m) => m.body === 'hi all')).toHaveLength(1);
    await alice.invoke('muc.leave', { accountId: alice.accountId, room: ROOM });
  });

  it('messages typed offline go out once, in order, keeping their time, when back online', async () => {
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    await waitUntil('offline', () => alice.messenger.accounts.list()[0].connection.status === 'offline');
    const queued: MessageView[] = [];
    for (const body of ['one', 'two', 'three']) {
      const message = { accountId: alice.accountId, conversation: 'bob@localhost', kind: 'chat', body };
      queued.push((await alice.invoke('message.send', message)) as MessageView);
    }
    expect(queued.map((m) => m.state)).toEqual(['queued', 'queued', 'queued']);
    // By id: the new session's archive catch-up may store older messages meanwhile.
    const ids = new Set(queued.map((m) => m.id));
    const ours = () => history(alice, 'bob@localhost').filter((m) => ids.has(m.id));
    const before = bobInbox.length;
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('all sent', () => ours().every((m) => m.state === 'sent'));
    expect(ours().map((m) => m.at)).toEqual(queued.map((m) => m.at));
    await waitUntil('Bob has three', () => bobInbox.slice(before).filter((m) => m.getChildText('body')).length >= 3);
    await sleep(300);
    const bodies = bobInbox
      .slice(before)
      .map((m) => m.getChildText('body'))
      .filter((b) => b !== null);
    expect(bodies).toEqual(['one', 'two', 'three']);
  });

  it('pages history and searches it', async () => {
    for (let i = 0; i < 25; i++) {
      await bob.send(
        xml(
          'message',
          { to: 'alice@localhost', type: 'chat' },
          xml('body', {}, `page ${i} ${i === 7 ? 'pineapple' : ''}`),
        ),
      );
    }
    await waitUntil(
      'all 25',
      () => history(alice, 'bob@localhost').filter((m) => m.body.startsWith('page ')).length === 25,
    );
    const latest = (await alice.invoke('message.history', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      limit: 10,
    })) as MessageView[];
    expect(latest.map((m) => m.body.trim())).toEqual(Array.from({ length: 10 }, (_, i) => `page ${15 + i}`));
    const older = (await alice.invoke('message.history', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      before: latest[0].id,
      limit: 10,
    })) as MessageView[];
    expect(older.map((m) => m.body.trim())).toEqual(
      Array.from({ length: 10 }, (_, i) => `page ${5 + i}`.trim()).map((b, i) => (i === 2 ? `${b} pineapple` : b)),
    );
    const found = (await alice.invoke('message.search', { query: 'PINEAPPLE' })) as MessageView[];
    expect(found.map((m) => m.body.trim())).toEqual(['page 7 pineapple']);
    // Search syntax in the query is taken literally.
    expect(await alice.invoke('message.search', { query: 'NEAR( "x' })).toEqual([]);
  });

  it('catches up from the archive after being offline: the gap filled exactly once; forged results dropped', async () => {
    const archiveDone = () => alice.events.filter((e) => e.type === 'archive.sync' && e.state === 'done').length;
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    await waitUntil('offline', () => alice.messenger.accounts.list()[0].connection.status === 'offline');
    for (let i = 1; i <= 3; i++) {
      await bob.send(
        xml('message', { to: 'alice@localhost', type: 'chat', id: `gap${i}` }, xml('body', {}, `gap ${i}`)),
      );
    }
    await sleep(200);
    const doneBefore = archiveDone();
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('caught up', () => archiveDone() > doneBefore);
    const gap = () => history(alice, 'bob@localhost').filter((m) => m.body.startsWith('gap '));
    expect(gap().map((m) => m.body)).toEqual(['gap 1', 'gap 2', 'gap 3']);

    // Another new session: nothing new, nothing twice.
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    await waitUntil('offline again', () => alice.messenger.accounts.list()[0].connection.status === 'offline');
    const doneAgain = archiveDone();
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('caught up again', () => archiveDone() > doneAgain);
    expect(gap()).toHaveLength(3);

    // Bob forges an archive result: no query of ours, not from our archive.
    await bob.send(
      xml(
        'message',
        { to: 'alice@localhost' },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', queryid: 'guess', id: 'forged-1' },
          xml(
            'forwarded',
            { xmlns: NS_FORWARD },
            xml(
              'message',
              { from: 'carol@localhost/x', to: 'alice@localhost', type: 'chat' },
              xml('body', {}, 'forged archive'),
            ),
          ),
        ),
      ),
    );
    await sleep(300);
    expect(history(alice, 'carol@localhost').some((m) => m.body === 'forged archive')).toBe(false);
  });

  it('catches up a room from its archive after a new session: each message once', async () => {
    const ROOM = 'archive@conference.localhost';
    await alice.invoke('muc.join', { accountId: alice.accountId, room: ROOM, nick: 'Alice' });
    await bob.send(xml('presence', { to: `${ROOM}/Bob` }, xml('x', { xmlns: NS_MUC })));
    await waitUntil('Bob in', () => alice.messenger.muc.occupants().some((o) => o.room === ROOM && o.nick === 'Bob'));
    await bob.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, 'before the gap')));
    await waitUntil('live message', () => history(alice, ROOM).some((m) => m.body === 'before the gap'));

    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    await waitUntil('offline', () => alice.messenger.accounts.list()[0].connection.status === 'offline');
    for (let i = 1; i <= 3; i++) {
      await bob.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, `room gap ${i}`)));
    }
    await sleep(200);
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('room back', () => alice.messenger.muc.room(alice.accountId, ROOM)?.state === 'joined');
    await waitUntil('gap filled', () => history(alice, ROOM).filter((m) => m.body.startsWith('room gap')).length === 3);
    await sleep(500); // the room's own join history arrives too; it must not add copies
    const bodies = history(alice, ROOM).map((m) => m.body);
    expect(bodies.filter((b) => b === 'before the gap')).toHaveLength(1);
    expect(bodies.filter((b) => b.startsWith('room gap'))).toEqual(['room gap 1', 'room gap 2', 'room gap 3']);
    expect(history(alice, ROOM).find((m) => m.body === 'room gap 2')).toMatchObject({ from: 'Bob', kind: 'groupchat' });
    // The room's archive was read (its marker stored), not only the room's join history.
    const marker = alice.messenger.db
      .prepare('SELECT last_id FROM archive_markers WHERE account_id = ? AND archive = ?')
      .get(alice.accountId, ROOM) as { last_id: string } | undefined;
    expect(marker?.last_id).toBeTruthy();
  });
});
