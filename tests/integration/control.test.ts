/**
 * Control and discovery against a real Prosody: the block list (XEP-0191) with pushes from another
 * of our clients applied live; service discovery with node navigation; ad-hoc commands (XEP-0050)
 * of mod_admin_adhoc and mod_announce run through their forms; software version, last activity and
 * local time of a server, an account and a client; the XML console recording a real sign-in with the
 * SASL exchange redacted, and sending a typed stanza.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AdhocCommandView,
  AdhocStepView,
  DiscoInfoView,
  DiscoItemsView,
  EntityTimeView,
  LastActivityView,
  SoftwareVersionView,
} from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { NS_BLOCKING } from '../../src/main/core/xmpp/ns';
import { openTestCore, type Core } from '../support/core';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const user = (name: string) => ({ user: name, password: `${name}-ctl-Pa55` });
const ADMIN = user('admin');
const BOB = user('bob');
const CAROL = user('carol');
const log = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let core: Core;
let dir: string;
const peers: Peer[] = [];

beforeAll(async () => {
  server = await startProsody({
    users: [ADMIN, BOB, CAROL],
    modules: ['lastactivity', 'adhoc', 'admin_adhoc', 'announce'],
    admins: ['admin@localhost'],
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-control-'));
  core = await openTestCore(server, dir, createMemorySecretStore(), log, ADMIN);
});

afterAll(async () => {
  await core?.close();
  for (const peer of peers) await peer.stop();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const blocked = () => core.messenger.blocking.views().find((v) => v.accountId === core.accountId)?.blocked;

describe('block list', () => {
  it('blocks and unblocks, and applies what another of our clients changes', async () => {
    await waitUntil('block list fetched', () => blocked() !== undefined);
    expect(blocked()).toEqual([]);
    await core.invoke('blocklist.block', {
      accountId: core.accountId,
      jids: ['spam@evil.example', 'Bulk@Evil.Example/Bot', 'evil.example'],
    });
    const listed = (await core.invoke('blocklist.list', { accountId: core.accountId })) as string[];
    expect(listed.sort()).toEqual(['bulk@evil.example/Bot', 'evil.example', 'spam@evil.example']);

    // Another client of the same account blocks and unblocks: the server pushes both here.
    const other = await startPeer(server, ADMIN, 'phone', log);
    peers.push(other);
    await other.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
    await other.xmpp.iqCaller.set(xml('block', { xmlns: NS_BLOCKING }, xml('item', { jid: 'troll@evil.example' })));
    await waitUntil('push applied', () => blocked()?.includes('troll@evil.example') === true);
    await other.xmpp.iqCaller.set(xml('unblock', { xmlns: NS_BLOCKING }, xml('item', { jid: 'evil.example' })));
    await waitUntil('unblock applied', () => blocked()?.includes('evil.example') === false);
    expect(core.events.filter((e) => e.type === 'blocklist.changed').length).toBeGreaterThanOrEqual(3);

    await core.invoke('blocklist.unblock', { accountId: core.accountId, jids: ['spam@evil.example'] });
    expect(blocked()?.sort()).toEqual(['bulk@evil.example/Bot', 'troll@evil.example']);
    await core.invoke('blocklist.unblock', { accountId: core.accountId, all: true });
    expect(blocked()).toEqual([]);
    const list = await other.xmpp.iqCaller.get(xml('blocklist', { xmlns: NS_BLOCKING }));
    expect(list.getChildren('item')).toHaveLength(0);
    expect((await core.snapshot()).blocklists).toEqual([{ accountId: core.accountId, blocked: [] }]);
  });
});

describe('service discovery', () => {
  it("reads the server's identity, features and items, and follows a node", async () => {
    const info = (await core.invoke('disco.info', { accountId: core.accountId, jid: 'localhost' })) as DiscoInfoView;
    expect(info.identities).toContainEqual(expect.objectContaining({ category: 'server', type: 'im' }));
    expect(info.features).toEqual(expect.arrayContaining([NS_BLOCKING, 'http://jabber.org/protocol/commands']));
    const items = (await core.invoke('disco.items', { accountId: core.accountId, jid: 'localhost' })) as DiscoItemsView;
    expect(items.items.map((i) => i.jid)).toContain('conference.localhost');
    const node = 'http://jabber.org/protocol/commands';
    const commands = (await core.invoke('disco.items', {
      accountId: core.accountId,
      jid: 'localhost',
      node,
    })) as DiscoItemsView;
    expect(commands.node).toBe(node);
    expect(commands.items.length).toBeGreaterThan(0);
    const muc = (await core.invoke('disco.info', {
      accountId: core.accountId,
      jid: 'conference.localhost',
    })) as DiscoInfoView;
    expect(muc.features).toContain('http://jabber.org/protocol/muc');
  });

  it('says what the server refuses, with the condition', async () => {
    const result = await core.messenger.invoke('disco.info', {
      accountId: core.accountId,
      jid: 'localhost',
      node: 'no-such-node',
    });
    expect(result).toMatchObject({ ok: false, error: { reason: 'request.refused', params: { action: 'disco.info' } } });
  });
});

describe('ad-hoc commands', () => {
  const ADD_USER = 'http://jabber.org/protocol/admin#add-user';
  const ANNOUNCE = 'http://jabber.org/protocol/admin#announce';

  it('lists the commands the server offers an admin', async () => {
    const commands = (await core.invoke('adhoc.list', {
      accountId: core.accountId,
      jid: 'localhost',
    })) as AdhocCommandView[];
    expect(commands.map((c) => c.node)).toEqual(expect.arrayContaining([ADD_USER, ANNOUNCE]));
  });

  it('adds a user through the form, refusing a form that breaks its rules first', async () => {
    const first = (await core.invoke('adhoc.execute', {
      accountId: core.accountId,
      jid: 'localhost',
      node: ADD_USER,
    })) as AdhocStepView;
    expect(first.status).toBe('executing');
    expect(first.form?.fields.map((f) => f.var)).toEqual(expect.arrayContaining(['accountjid', 'password']));
    expect(first.form?.fields.find((f) => f.var === 'password')?.type).toBe('text-private');
    const bad = await core.messenger.invoke('adhoc.continue', {
      accountId: core.accountId,
      sessionId: first.sessionId,
      action: 'execute',
      values: { accountjid: ['not a jid@@'] },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        reason: 'form.invalid',
        params: { issues: [expect.objectContaining({ var: 'accountjid', code: 'form.field.jid' })] },
      },
    });
    const done = (await core.invoke('adhoc.continue', {
      accountId: core.accountId,
      sessionId: first.sessionId,
      action: 'execute',
      values: { accountjid: ['dora@localhost'], password: ['dora-Pa55'], 'password-verify': ['dora-Pa55'] },
    })) as AdhocStepView;
    expect(done.status).toBe('completed');
    expect(done.notes.map((n) => n.type)).not.toContain('error');
    const dora = await startPeer(server, { user: 'dora', password: 'dora-Pa55' }, 'desk', log);
    peers.push(dora);
    expect(dora.xmpp.jid?.bare().toString()).toBe('dora@localhost');
  });

  it('sends an announcement to online users, and cancels a run', async () => {
    const carol = await startPeer(server, CAROL, 'desk', log);
    peers.push(carol);
    const messages: Element[] = [];
    carol.xmpp.on('stanza', (stanza: Element) => {
      if (stanza.name === 'message') messages.push(stanza);
    });
    await carol.send(xml('presence'));
    const first = (await core.invoke('adhoc.execute', {
      accountId: core.accountId,
      jid: 'localhost',
      node: ANNOUNCE,
    })) as AdhocStepView;
    await core.invoke('adhoc.continue', {
      accountId: core.accountId,
      sessionId: first.sessionId,
      action: 'execute',
      values: { subject: ['Maintenance'], announcement: ['Back in five minutes.'] },
    });
    await waitUntil('announcement delivered', () =>
      messages.some((m) => m.getChildText('body') === 'Back in five minutes.'),
    );

    const again = (await core.invoke('adhoc.execute', {
      accountId: core.accountId,
      jid: 'localhost',
      node: ANNOUNCE,
    })) as AdhocStepView;
    expect(await core.invoke('adhoc.cancel', { accountId: core.accountId, sessionId: again.sessionId })).toBeNull();
    const gone = await core.messenger.invoke('adhoc.continue', {
      accountId: core.accountId,
      sessionId: again.sessionId,
      action: 'execute',
      values: {},
    });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found', reason: 'adhoc.gone' } });
  });
});

describe('what an entity says about itself', () => {
  it('asks the server its software, uptime and time', async () => {
    const version = (await core.invoke('entity.version', {
      accountId: core.accountId,
      jid: 'localhost',
    })) as SoftwareVersionView;
    expect(version.name).toBe('Prosody');
    const uptime = (await core.invoke('entity.lastActivity', {
      accountId: core.accountId,
      jid: 'localhost',
    })) as LastActivityView;
    expect(uptime.seconds).toBeGreaterThanOrEqual(0);
    const time = (await core.invoke('entity.time', { accountId: core.accountId, jid: 'localhost' })) as EntityTimeView;
    expect(Math.abs(time.skewSeconds)).toBeLessThan(120);
  });

  it("asks a contact's client its version, and an offline account when it was last seen", async () => {
    const bob = await startPeer(server, BOB, 'laptop', log, (xmpp) => {
      xmpp.iqCallee.get('jabber:iq:version', 'query', () =>
        xml('query', { xmlns: 'jabber:iq:version' }, xml('name', {}, 'Peer client'), xml('version', {}, '1.2')),
      );
    });
    peers.push(bob);
    // Available and interested (its roster asked for): a subscription request reaches it at once.
    await bob.rosterItem('admin@localhost');
    await bob.send(xml('presence'));
    const version = (await core.invoke('entity.version', {
      accountId: core.accountId,
      jid: 'bob@localhost/laptop',
    })) as SoftwareVersionView;
    expect(version).toEqual({ name: 'Peer client', version: '1.2', os: null });
    // mod_lastactivity answers only those who see the account's presence.
    const stranger = await core.messenger.invoke('entity.lastActivity', {
      accountId: core.accountId,
      jid: 'bob@localhost',
    });
    expect(stranger).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        reason: 'request.refused',
        params: { action: 'entity.lastActivity', condition: 'forbidden' },
      },
    });
    await core.invoke('subscription.add', { accountId: core.accountId, jid: 'bob@localhost' });
    await waitUntil('asked', () => bob.presences.some((p) => p.attrs.type === 'subscribe'));
    await bob.send(xml('presence', { to: 'admin@localhost', type: 'subscribed' }));
    await waitUntil(
      'subscribed',
      () => core.messenger.roster.item(core.accountId, 'bob@localhost')?.subscription === 'to',
    );
    // Unavailable with a status (still connected: stopping would send a plain unavailable after it).
    await bob.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Gone fishing')));
    await bob.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');
    const last = (await core.invoke('entity.lastActivity', {
      accountId: core.accountId,
      jid: 'bob@localhost',
    })) as LastActivityView;
    expect(last.status).toBe('Gone fishing');
    expect(last.seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('XML console', () => {
  it('records a real sign-in with the SASL exchange redacted, and sends a typed stanza', async () => {
    const id = core.accountId;
    await core.invoke('console.setCapture', { accountId: id, capture: true });
    // Signing in again (a new session) shows SASL on the wire.
    await core.invoke('account.update', { id, password: ADMIN.password });
    await waitUntil('online again', () => core.messenger.accounts.list()[0]?.connection.status === 'online');
    await core.invoke('console.send', {
      accountId: id,
      xml: `<iq type='get' to='localhost' id='console-ping'><ping xmlns='urn:xmpp:ping'/></iq>`,
    });
    await waitUntil('ping answered', () =>
      core.messenger.control.console.entries(id).some((e) => e.direction === 'in' && e.text.includes('console-ping')),
    );
    const entries = core.messenger.control.console.entries(id);
    const auth = entries.find((e) => e.direction === 'out' && e.text.startsWith('<auth'));
    expect(auth?.text).toContain('[redacted]');
    expect(entries.some((e) => e.direction === 'in' && /^<(challenge|success)/.test(e.text))).toBe(true);
    const all = JSON.stringify(entries) + JSON.stringify(core.events.filter((e) => e.type === 'console.entries'));
    expect(all).not.toContain(ADMIN.password);
    expect(all).not.toContain(Buffer.from(`\u0000admin\u0000${ADMIN.password}`).toString('base64'));
    expect(entries.some((e) => e.direction === 'out' && e.text.includes('id="console-ping"'))).toBe(true);
    await core.invoke('console.setCapture', { accountId: id, capture: false });
  });
});
