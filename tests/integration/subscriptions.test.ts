/**
 * Subscriptions through the whole core against each real server (Prosody, ejabberd), with real second clients: one test
 * per path a subscription can take — each incoming policy, accept and add, deny (one and several), the request
 * surviving our restart without coming back as new, unsubscribe and unsubscribed, two Jabberwock
 * accounts that both subscribe back converging, and blocking (XEP-0191).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SubscriptionRequestView } from '../../src/shared/contract';
import { createMemorySecretStore, type SecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startPeer, type Peer } from '../support/peer';
import { forEachServer, type TestServer } from '../support/servers';
import { sleep, waitUntil } from '../support/wait';
import { NS_BLOCKING, NS_NICK } from '../../src/main/core/xmpp/ns';

const user = (name: string) => ({ user: name, password: `${name}-subs-Pa55` });
const ALICE = user('alice');
const PEERS = ['bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'judy'].map(user);
const KATE = user('kate');
const LIAM = user('liam');

const dirs: string[] = [];
const log: Logger = createLogger(() => {}, 'debug');
const openCore = (server: TestServer, dir: string, secrets: SecretStore, account?: typeof ALICE) =>
  openTestCore(server, dir, secrets, log, account);

function request(core: Core, jid: string): SubscriptionRequestView | undefined {
  return core.messenger.subscriptions.requests().find((r) => r.accountId === core.accountId && r.jid === jid);
}

function subscriptionOf(core: Core, jid: string): string | undefined {
  return core.messenger.roster.item(core.accountId, jid)?.subscription;
}

/** Presences of `type` the peer received from alice. */
function fromAlice(peer: Peer, type: string): Element[] {
  return peer.presences.filter((p) => p.attrs.from?.startsWith('alice@localhost') && p.attrs.type === type);
}

forEachServer('subscriptions against %s', { users: [ALICE, ...PEERS, KATE, LIAM] }, ({ started }) => {
  let server: TestServer;
  let core: Core;
  let dir: string;
  const secrets = createMemorySecretStore();
  const peers = new Map<string, Peer>();
  const peer = (name: string) => peers.get(name)!;

  beforeAll(async () => {
    server = await started();
    for (const p of PEERS) {
      const started = await startPeer(server, p, 'desk', log);
      // Available and "interested" (it asked for its roster): the server delivers subscription
      // requests to available resources and answers only to interested ones (RFC 6121 §3).
      await started.rosterItem('alice@localhost');
      await started.send(xml('presence'));
      peers.set(p.user, started);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-subs-'));
    dirs.push(dir);
    core = await openCore(server, dir, secrets, ALICE);
  });

  afterAll(async () => {
    await core?.close();
    for (const p of peers.values()) await p.stop();
    await server?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('policy ask: the request waits in the inbox with nick and message, across a restart, then accept and add → both', async () => {
    const bob = peer('bob');
    await bob.send(
      xml(
        'presence',
        { to: 'alice@localhost', type: 'subscribe' },
        xml('nick', { xmlns: NS_NICK }, 'Bobby'),
        xml('status', {}, 'Hi Alice, it is Bob'),
      ),
    );
    await waitUntil('request stored', () => request(core, 'bob@localhost') !== undefined);
    const first = request(core, 'bob@localhost')!;
    expect(first).toMatchObject({ nick: 'Bobby', message: 'Hi Alice, it is Bob', lookalikeOf: null });
    expect(fromAlice(bob, 'subscribed')).toHaveLength(0);
    expect((await core.snapshot()).subscriptionRequests.map((r) => r.jid)).toContain('bob@localhost');

    // Restart: the request is still there from SQLite before any connection, and the server's
    // redelivery at login does not make it new (no second event, same time).
    await core.close();
    core = await openCore(server, dir, secrets);
    expect(request(core, 'bob@localhost')?.receivedAt).toBe(first.receivedAt);
    // The server redelivers the pending request after our initial presence.
    await waitUntil('redelivered', () => core.messenger.subscriptions.stats(core.accountId)!.received >= 1);
    await sleep(50);
    expect(core.events.filter((e) => e.type === 'subscription.request')).toHaveLength(0);
    expect(request(core, 'bob@localhost')?.receivedAt).toBe(first.receivedAt);

    const answer = (await core.invoke('subscription.respond', {
      accountId: core.accountId,
      jids: ['bob@localhost'],
      action: 'accept-add',
      name: 'Bob',
      groups: ['Friends'],
    })) as { done: string[] };
    expect(answer.done).toEqual(['bob@localhost']);
    await waitUntil('Bob asked back', () => fromAlice(bob, 'subscribe').length === 1);
    expect(fromAlice(bob, 'subscribed')).toHaveLength(1);
    expect(request(core, 'bob@localhost')).toBeUndefined();
    await bob.send(xml('presence', { to: 'alice@localhost', type: 'subscribed' }));
    await waitUntil('both on our side', () => subscriptionOf(core, 'bob@localhost') === 'both');
    expect(core.messenger.roster.item(core.accountId, 'bob@localhost')).toMatchObject({
      name: 'Bob',
      groups: ['Friends'],
    });
    expect((await bob.rosterItem('alice@localhost'))?.subscription).toBe('both');
  });

  it('deny, one and several at once: each requester sees unsubscribed and nothing stays pending', async () => {
    for (const name of ['carol', 'ivan', 'judy']) {
      await peer(name).send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    }
    await waitUntil('three requests', () => ['carol', 'ivan', 'judy'].every((n) => request(core, `${n}@localhost`)));
    await core.invoke('subscription.respond', { accountId: core.accountId, jids: ['carol@localhost'], action: 'deny' });
    const bulk = (await core.invoke('subscription.respond', {
      accountId: core.accountId,
      jids: ['ivan@localhost', 'judy@localhost', 'nobody@localhost'],
      action: 'deny',
    })) as { done: string[]; failed: { jid: string }[] };
    expect(bulk.done.sort()).toEqual(['ivan@localhost', 'judy@localhost']);
    expect(bulk.failed.map((f) => f.jid)).toEqual(['nobody@localhost']);
    for (const name of ['carol', 'ivan', 'judy']) {
      await waitUntil(`${name} refused`, () => fromAlice(peer(name), 'unsubscribed').length === 1);
      expect(request(core, `${name}@localhost`)).toBeUndefined();
      expect((await peer(name).rosterItem('alice@localhost'))?.ask).toBeUndefined();
    }
  });

  it('policy accept: answered subscribed at once, nothing in the inbox', async () => {
    await core.invoke('subscription.setPolicy', { accountId: core.accountId, incoming: 'accept' });
    await peer('dave').send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await waitUntil('Dave accepted', () => fromAlice(peer('dave'), 'subscribed').length === 1);
    await waitUntil('from on our side', () => subscriptionOf(core, 'dave@localhost') === 'from');
    expect(request(core, 'dave@localhost')).toBeUndefined();
    expect(fromAlice(peer('dave'), 'subscribe')).toHaveLength(0);
  });

  it('policy accept and subscribe back: both after the peer answers', async () => {
    await core.invoke('subscription.setPolicy', { accountId: core.accountId, incoming: 'accept-subscribe' });
    const erin = peer('erin');
    await erin.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await waitUntil('Erin asked back', () => fromAlice(erin, 'subscribe').length === 1);
    expect(fromAlice(erin, 'subscribed')).toHaveLength(1);
    await erin.send(xml('presence', { to: 'alice@localhost', type: 'subscribed' }));
    await waitUntil('both with Erin', () => subscriptionOf(core, 'erin@localhost') === 'both');
    expect(request(core, 'erin@localhost')).toBeUndefined();
  });

  it('policy deny: refused at once', async () => {
    await core.invoke('subscription.setPolicy', { accountId: core.accountId, incoming: 'deny' });
    await peer('frank').send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await waitUntil('Frank refused', () => fromAlice(peer('frank'), 'unsubscribed').length === 1);
    expect(request(core, 'frank@localhost')).toBeUndefined();
    expect(subscriptionOf(core, 'frank@localhost') ?? 'none').toBe('none');
  });

  it('adding a contact asks with our nick; a request from someone we asked is accepted even under deny', async () => {
    const gina = peer('gina');
    const added = (await core.invoke('subscription.add', {
      accountId: core.accountId,
      jid: 'Gina@LOCALHOST',
      name: 'Gina',
      groups: ['Work'],
      nick: 'Alice A.',
      message: 'Hello from Alice',
    })) as { existing: boolean };
    expect(added.existing).toBe(false);
    await waitUntil('Gina got the request', () => fromAlice(gina, 'subscribe').length === 1);
    const asked = fromAlice(gina, 'subscribe')[0];
    expect(asked.getChildText('nick', NS_NICK)).toBe('Alice A.');
    expect(asked.getChildText('status')).toBe('Hello from Alice');
    await waitUntil(
      'awaiting approval',
      () => core.messenger.roster.item(core.accountId, 'gina@localhost')?.pendingOut === true,
    );
    const note = core.messenger.subscriptions.notes().find((n) => n.jid === 'gina@localhost');
    expect(note?.askedAt).toBeGreaterThan(0);

    // Adding an existing contact changes nothing and says so.
    const again = (await core.invoke('subscription.add', { accountId: core.accountId, jid: 'gina@localhost' })) as {
      existing: boolean;
    };
    expect(again.existing).toBe(true);

    // Gina accepts and asks back: the policy says deny, but we asked her, so she is accepted.
    await gina.send(xml('presence', { to: 'alice@localhost', type: 'subscribed' }));
    await gina.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await waitUntil('both with Gina', () => subscriptionOf(core, 'gina@localhost') === 'both');
    expect(fromAlice(gina, 'unsubscribed')).toHaveLength(0);
    expect(request(core, 'gina@localhost')).toBeUndefined();
  });

  it('unsubscribe and unsubscribed: our own is not "they stopped"; theirs is, through the roster push', async () => {
    // We stop seeing Bob's status: 'both' → 'from', and the note does not blame Bob.
    await core.invoke('subscription.change', {
      accountId: core.accountId,
      jid: 'bob@localhost',
      action: 'unsubscribe',
    });
    await waitUntil('from with Bob', () => subscriptionOf(core, 'bob@localhost') === 'from');
    expect(core.messenger.subscriptions.notes().find((n) => n.jid === 'bob@localhost')?.ended ?? null).toBeNull();
    // We stop sharing ours: Bob sees unsubscribed and the roster goes to 'none'.
    await core.invoke('subscription.change', { accountId: core.accountId, jid: 'bob@localhost', action: 'revoke' });
    await waitUntil('Bob told', () => fromAlice(peer('bob'), 'unsubscribed').length === 1);
    await waitUntil('none with Bob', () => subscriptionOf(core, 'bob@localhost') === 'none');

    // Erin stops sharing hers: 'both' → 'from', noted as revoked.
    await peer('erin').send(xml('presence', { to: 'alice@localhost', type: 'unsubscribed' }));
    await waitUntil('from with Erin', () => subscriptionOf(core, 'erin@localhost') === 'from');
    await waitUntil('revoked noted', () =>
      core.messenger.subscriptions.notes().some((n) => n.jid === 'erin@localhost' && n.ended === 'revoked'),
    );
  });

  it('block: refuses, blocks on the server (XEP-0191), and clears the request', async () => {
    await core.invoke('subscription.setPolicy', { accountId: core.accountId, incoming: 'ask' });
    expect((await core.snapshot()).blockingAccounts).toContain(core.accountId);
    const hank = peer('hank');
    await hank.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await waitUntil('Hank pending', () => request(core, 'hank@localhost') !== undefined);
    const result = (await core.invoke('subscription.respond', {
      accountId: core.accountId,
      jids: ['hank@localhost'],
      action: 'block',
    })) as { done: string[] };
    expect(result.done).toEqual(['hank@localhost']);
    await waitUntil('Hank refused', () => fromAlice(hank, 'unsubscribed').length === 1);
    expect(request(core, 'hank@localhost')).toBeUndefined();
    const aliceSide = await startPeer(server, ALICE, 'check', log);
    try {
      const list = await aliceSide.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
      expect(list.getChildren('item').map((i) => i.attrs.jid)).toContain('hank@localhost');
    } finally {
      await aliceSide.stop();
    }
    // Blocked: a new request from Hank never reaches us.
    await hank.send(xml('presence', { to: 'alice@localhost', type: 'subscribe' }));
    await sleep(300);
    expect(request(core, 'hank@localhost')).toBeUndefined();
  });

  it('two Jabberwock accounts that both accept and subscribe back end in both, with a bounded stanza count', async () => {
    const kateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-subs-kate-'));
    const liamDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-subs-liam-'));
    dirs.push(kateDir, liamDir);
    const kate = await openCore(server, kateDir, createMemorySecretStore(), KATE);
    const liam = await openCore(server, liamDir, createMemorySecretStore(), LIAM);
    try {
      for (const side of [kate, liam]) {
        // acceptAsked off: the policy itself must not loop.
        await side.invoke('subscription.setPolicy', {
          accountId: side.accountId,
          incoming: 'accept-subscribe',
          acceptAsked: false,
        });
      }
      await kate.invoke('subscription.add', { accountId: kate.accountId, jid: 'liam@localhost' });
      await waitUntil('Kate sees both', () => subscriptionOf(kate, 'liam@localhost') === 'both');
      await waitUntil('Liam sees both', () => subscriptionOf(liam, 'kate@localhost') === 'both');
      await sleep(500); // anything still bouncing would show here
      const sent = kate.messenger.subscriptions.stats(kate.accountId)!.sent;
      const sentBack = liam.messenger.subscriptions.stats(liam.accountId)!.sent;
      expect(sent + sentBack).toBeLessThanOrEqual(4);
      await sleep(500);
      expect(kate.messenger.subscriptions.stats(kate.accountId)!.sent).toBe(sent);
      expect(liam.messenger.subscriptions.stats(liam.accountId)!.sent).toBe(sentBack);
      expect(request(kate, 'liam@localhost')).toBeUndefined();
      expect(request(liam, 'kate@localhost')).toBeUndefined();
    } finally {
      await kate.close();
      await liam.close();
    }
  });
});
