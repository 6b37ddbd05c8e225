/**
 * The presence feature fed with stanzas through a client stand-in that runs its middleware and
 * records what it sends (no network: the Prosody round trips come with the integration suite).
 */
import type { Handler } from '@xmpp/middleware';
import type { Element } from '@xmpp/xml';
import { describe, expect, it, vi } from 'vitest';
import type { Subscription } from '../../../../../../src/shared/contract';
import { createLogger, silentLogger } from '../../../../../../src/main/core/log';
import { PresenceService, type PresenceClient } from '../../../../../../src/main/core/features/presence/service';
import { CapsCache, type ClientInfo } from '../../../../../../src/main/core/features/caps/cache';
import { discoInfoElement, ownCapsElement, type DiscoInfo } from '../../../../../../src/main/core/features/caps/hash';
import { STATUS_MAX } from '../../../../../../src/main/core/features/presence/stanza';
import { NOT_IDLE } from '../../../../../../src/main/core/features/presence/idle-since';
import { readRawPresence } from '../../../../../../src/main/core/accounts/stream/presence-stream-parser';
import { RawPresence } from '../../../../../../src/main/core/accounts/stream/raw-presence';
import { parseStanza } from '../../../../../support/xml';

function fakeClient() {
  const handlers: Handler[] = [];
  const sent: string[] = [];
  const client: PresenceClient = {
    middleware: { use: (fn: Handler) => (handlers.push(fn), fn), filter: (fn: Handler) => fn },
    send: async (element: Element) => void sent.push(element.toString()),
  };
  /** Runs the stanza through the handlers; true when none passed it on. */
  const receive = async (text: string) => {
    const stanza = parseStanza(text);
    let passed = false;
    for (const handler of handlers) {
      passed = false;
      await handler({ stanza } as never, async () => (passed = true));
      if (!passed) return true;
    }
    return !passed;
  };
  return { client, sent, receive };
}

/** Delay stamps before 1990 are not believed: the clock is a real date. */
const NOW = Date.parse('2026-11-21T12:00:00Z');

function setup(subscriptions: Record<string, Subscription> = {}) {
  const changed: string[] = [];
  const lastSeen: string[] = [];
  const service = new PresenceService({
    log: silentLogger,
    subscriptionOf: (_account, bare) => subscriptions[bare] ?? null,
    onContactChanged: (_account, bare) => changed.push(bare),
    onLastSeen: (_account, bare, seen) => lastSeen.push(`${bare}/${seen.resource}@${seen.at}`),
    now: () => NOW,
  });
  const { client, sent, receive } = fakeClient();
  service.attach('acc', 'me@x', client);
  return { service, changed, lastSeen, sent, receive };
}

describe('PresenceService', () => {
  it('announces our presence on a new session and tracks contacts per resource', async () => {
    const { service, changed, sent, receive } = setup();
    await service.sessionStarted('acc');
    expect(sent).toEqual(['<presence/>']);
    await receive(`<presence from='bob@x/desk'><show>away</show><priority>10</priority></presence>`);
    await receive(`<presence from='bob@x/phone'><show>chat</show><priority>9</priority></presence>`);
    expect(service.tracker('acc')?.aggregate('bob@x')?.resource).toBe('phone');
    expect(changed).toEqual(['bob@x', 'bob@x']);
  });

  it('records last seen when a known resource leaves, and nothing for unknown ones', async () => {
    const { service, lastSeen, receive } = setup();
    await service.sessionStarted('acc');
    await receive(`<presence from='bob@x/desk'/>`);
    await receive(`<presence from='bob@x/ghost' type='unavailable'/>`);
    await receive(
      `<presence from='bob@x/desk' type='unavailable'><delay xmlns='urn:xmpp:delay' stamp='2026-11-21T11:59:59.500Z'/></presence>`,
    );
    expect(lastSeen).toEqual([`bob@x/desk@${NOW - 500}`]);
  });

  it('changing only the status keeps the show, and re-sends to directed recipients', async () => {
    const { service, sent } = setup();
    await service.sessionStarted('acc');
    await service.setOwn('acc', { show: 'dnd', priority: 5 });
    await service.sendDirected('acc', 'carol@y/laptop');
    sent.length = 0;
    await service.setOwn('acc', { status: 'in a meeting' });
    expect(service.own('acc')).toEqual({ show: 'dnd', status: 'in a meeting', priority: 5 });
    expect(sent).toEqual([
      '<presence><show>dnd</show><status>in a meeting</status><priority>5</priority></presence>',
      '<presence to="carol@y/laptop"><show>dnd</show><status>in a meeting</status><priority>5</priority></presence>',
    ]);
  });

  it('going offline ends directed presences before the broadcast unavailable', async () => {
    const { service, sent } = setup();
    await service.sessionStarted('acc');
    await service.sendDirected('acc', 'carol@y');
    sent.length = 0;
    await service.setOwn('acc', { show: 'offline' });
    expect(sent).toEqual(['<presence to="carol@y" type="unavailable"/>', '<presence type="unavailable"/>']);
    expect(service.directedTo('acc')).toEqual([]);
  });

  it('answers a probe only from someone allowed to see us', async () => {
    const { service, sent, receive } = setup({ 'friend@x': 'from', 'stranger@x': 'to' });
    await service.sessionStarted('acc');
    sent.length = 0;
    await receive(`<presence from='stranger@x/r' type='probe'/>`);
    await receive(`<presence from='nobody@x/r' type='probe'/>`);
    expect(sent).toEqual([]);
    await receive(`<presence from='friend@x/r' type='probe'/>`);
    expect(sent).toEqual(['<presence to="friend@x/r"/>']);
  });

  it('passes subscription and MUC presence on, swallows invalid ones, and a new session forgets contacts', async () => {
    const { service, changed, receive } = setup();
    await service.sessionStarted('acc');
    expect(await receive(`<presence from='bob@x' type='subscribe'/>`)).toBe(false);
    expect(await receive(`<presence from='r@conf/n'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`)).toBe(
      false,
    );
    expect(await receive(`<presence from='bob@x/r'><priority>300</priority></presence>`)).toBe(true);
    expect(service.tracker('acc')?.availableCount).toBe(0);
    await receive(`<presence from='bob@x/r'/>`);
    changed.length = 0;
    await service.sessionStarted('acc');
    expect(changed).toEqual(['bob@x']);
    expect(service.tracker('acc')?.availableCount).toBe(0);
  });

  it('asks the caps cache once while a resource keeps announcing the same caps, again when they change', async () => {
    const client: ClientInfo = {
      hashAlgo: 'sha-1',
      ver: 'QgayPKawpkPSDYmwT/WM94uAlu0=',
      identities: [],
      features: [],
      clientName: 'Client',
      device: 'pc',
      verified: true,
    };
    const asked: string[] = [];
    const caps = {
      resolve: (_account: string, full: string, ref: { ver: string }) => {
        asked.push(`${full} ${ref.ver}`);
        return ref.ver === client.ver ? client : null;
      },
      onResolved: () => () => {},
      forgetAccount: () => {},
    } as unknown as CapsCache;
    const service = new PresenceService({
      log: silentLogger,
      subscriptionOf: () => 'both',
      onContactChanged: () => {},
      caps,
      now: () => 1_000,
    });
    const { client: stub, receive } = fakeClient();
    service.attach('acc', 'me@x', Object.assign(stub, { discoInfo: {} as never }));
    await service.sessionStarted('acc');
    const c = (ver: string) =>
      `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://c.example' ver='${ver}'/>`;
    await receive(`<presence from='bob@x/desk'>${c(client.ver)}</presence>`);
    await receive(`<presence from='bob@x/desk'><show>away</show>${c(client.ver)}</presence>`);
    await receive(`<presence from='bob@x/desk'><show>dnd</show>${c(client.ver)}</presence>`);
    expect(service.tracker('acc')?.resources('bob@x')?.get('desk')?.client).toBe(client);
    await receive(`<presence from='bob@x/desk'>${c('zzzzzzzzzzzzzzzzzzzzzzzzzzz=')}</presence>`);
    expect(service.tracker('acc')?.resources('bob@x')?.get('desk')?.client).toBeNull();
    expect(asked).toEqual([`bob@x/desk ${client.ver}`, 'bob@x/desk zzzzzzzzzzzzzzzzzzzzzzzzzzz=']);
  });
});

describe('PresenceService with a bare sender (a room, a service) that announces caps', () => {
  const ROOM_INFO: DiscoInfo = {
    identities: [{ category: 'conference', type: 'text', lang: null, name: 'Lounge' }],
    features: ['http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/muc'],
    forms: [],
  };
  const GATEWAY_INFO: DiscoInfo = {
    identities: [{ category: 'client', type: 'bot', lang: null, name: 'Gateway' }],
    features: ['http://jabber.org/protocol/disco#info'],
    forms: [],
  };

  function withCaps(rooms: string[]) {
    const asked: string[] = [];
    const answers = new Map([
      ['room@conf', ROOM_INFO],
      ['gateway.example', GATEWAY_INFO],
    ]);
    const caps = new CapsCache({ repo: null, log: silentLogger });
    const changed: string[] = [];
    const service = new PresenceService({
      log: silentLogger,
      subscriptionOf: () => null,
      isRoom: (_account, bare) => rooms.includes(bare),
      onContactChanged: (_account, bare) => changed.push(bare),
      caps,
      now: () => 1_000,
    });
    const { client, receive } = fakeClient();
    client.discoInfo = async (to, node) => {
      asked.push(to);
      const info = answers.get(to);
      if (!info) throw new Error(`no entity at ${to}`);
      return discoInfoElement(info, node);
    };
    service.attach('acc', 'me@x', client);
    return { service, caps, asked, changed, receive };
  }

  const presenceWithCaps = (from: string, info: DiscoInfo) =>
    `<presence from='${from}'>${ownCapsElement(info, 'https://example.org').toString()}</presence>`;

  it('asks the bare room JID (no trailing "/") and leaves the room presence to the MUC feature', async () => {
    const { service, caps, asked, changed, receive } = withCaps(['room@conf']);
    await service.sessionStarted('acc');
    expect(await receive(presenceWithCaps('room@conf', ROOM_INFO))).toBe(false);
    await vi.waitFor(() => expect(caps.peek('sha-1', ownCapsElement(ROOM_INFO, 'n').attrs.ver)).not.toBeNull());
    expect(asked).toEqual(['room@conf']);
    expect(caps.peek('sha-1', ownCapsElement(ROOM_INFO, 'n').attrs.ver)?.identities[0].category).toBe('conference');
    expect(service.tracker('acc')?.resources('room@conf')).toBeUndefined();
    expect(await receive(`<presence from='room@conf' type='unavailable'/>`)).toBe(false);
    expect(changed).toEqual([]);
  });

  it('a contact presence from a bare JID is asked at that JID and gets its client', async () => {
    const { service, asked, receive } = withCaps([]);
    await service.sessionStarted('acc');
    expect(await receive(presenceWithCaps('gateway.example', GATEWAY_INFO))).toBe(true);
    await vi.waitFor(() => expect(service.tracker('acc')?.resources('gateway.example')?.get('')?.client).toBeTruthy());
    expect(asked).toEqual(['gateway.example']);
    expect(service.tracker('acc')?.resources('gateway.example')?.get('')?.client?.clientName).toBe('Gateway');
  });
});

describe('PresenceService under a flood', () => {
  it('logs presences over the per-contact resource cap once a minute, not once each', async () => {
    const lines: string[] = [];
    let now = 1_000;
    const service = new PresenceService({
      log: createLogger((level, _scope, message) => lines.push(`${level} ${message}`), 'debug'),
      subscriptionOf: () => 'both',
      onContactChanged: () => {},
      now: () => now,
    });
    const { client, receive } = fakeClient();
    service.attach('acc', 'me@x', client);
    for (let i = 0; i < 5000; i++) await receive(`<presence from='bob@x/r${i}'/>`);
    const capped = (service.tracker('acc')?.resources('bob@x')?.size ?? 0) as number;
    expect(capped).toBeLessThan(5000);
    expect(lines).toEqual(['warn too many resources; presence ignored']);
    now += 60_000;
    await receive(`<presence from='bob@x/one-more'/>`);
    expect(lines[1]).toBe(`warn too many resources; presence ignored (${5000 - capped - 1} more like it not logged)`);
  });
});

describe('PresenceService when a resource repeats its state', () => {
  function repeating(isRoom: (bare: string) => boolean = () => false) {
    let now = NOW;
    const changed: string[] = [];
    const photos: string[] = [];
    const service = new PresenceService({
      log: silentLogger,
      subscriptionOf: () => 'both',
      onContactChanged: (_account, bare) => changed.push(bare),
      onPhoto: (_account, bare, photo) => photos.push(`${bare} ${photo}`),
      isRoom: (_account, bare) => isRoom(bare),
      now: () => now,
    });
    const { client, receive } = fakeClient();
    service.attach('acc', 'me@x', client);
    const later = () => (now += 60_000);
    const desk = () => service.tracker('acc')?.resources('bob@x')?.get('desk');
    return { service, changed, photos, receive, later, desk };
  }
  const AWAY = `<show>away</show><status>lunch</status><priority>5</priority>`;

  it('changes nothing: no change signalled, and the state keeps its since', async () => {
    const { changed, receive, later, desk } = repeating();
    await receive(`<presence from='bob@x/desk'>${AWAY}</presence>`);
    later();
    await receive(`<presence from='bob@x/desk'>${AWAY}</presence>`);
    // The bare JID is normalized before the look-up: the same contact, the same resource.
    await receive(`<presence from='Bob@X/desk'>${AWAY}</presence>`);
    expect(changed).toEqual(['bob@x']);
    expect(desk()?.since).toBe(NOW);
  });

  it('changes nothing when read by the lean stream parser either (the flood path)', () => {
    const { service, changed, later, desk } = repeating();
    const raw = new RawPresence();
    const receiveRaw = (xml: string) => {
      raw.reset();
      expect(readRawPresence(xml, 0, raw)).toBe(xml.length);
      return service.receive('acc', raw);
    };
    const text = `<presence from='bob@x/desk' to='me@x/r'>${AWAY}</presence>`;
    expect(receiveRaw(text)).toBe(true);
    later();
    expect(receiveRaw(text)).toBe(true);
    expect(changed).toEqual(['bob@x']);
    expect(desk()?.since).toBe(NOW);
    expect(receiveRaw(text.replace('lunch', 'tea'))).toBe(true);
    expect(changed).toEqual(['bob@x', 'bob@x']);
    expect(desk()?.status).toBe('tea');
  });

  it('any field that differs is a change, and moves since', async () => {
    const { changed, receive, later, desk } = repeating();
    await receive(`<presence from='bob@x/desk'>${AWAY}</presence>`);
    const variants = [
      `<show>dnd</show><status>lunch</status><priority>5</priority>`,
      `<show>dnd</show><status>dinner</status><priority>5</priority>`,
      `<show>dnd</show><priority>5</priority>`,
      `<show>dnd</show><priority>6</priority>`,
      `<show>dnd</show><priority>6</priority><idle xmlns='urn:xmpp:idle:1' since='2026-11-21T11:00:00Z'/>`,
      `<show>dnd</show><priority>6</priority><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/>`,
    ];
    for (const variant of variants) {
      const at = later();
      await receive(`<presence from='bob@x/desk'>${variant}</presence>`);
      expect(desk()?.since).toBe(at);
    }
    expect(changed).toHaveLength(1 + variants.length);
    expect(desk()?.idleSince).toBe(NOT_IDLE);
    expect(desk()?.caps).toEqual({ node: 'n', ver: 'v', hash: 'sha-1' });
  });

  it('still hands the photo hash to the avatars, which judge it themselves', async () => {
    const { changed, photos, receive } = repeating();
    const photo = (hash: string) => `<x xmlns='vcard-temp:x:update'><photo>${hash}</photo></x>`;
    await receive(`<presence from='bob@x/desk'>${AWAY}${photo('a'.repeat(40))}</presence>`);
    await receive(`<presence from='bob@x/desk'>${AWAY}${photo('b'.repeat(40))}</presence>`);
    expect(photos).toEqual([`bob@x ${'a'.repeat(40)}`, `bob@x ${'b'.repeat(40)}`]);
    expect(changed).toEqual(['bob@x']);
  });

  it("hands the avatars the contact's tracker entry to keep their state on, which goes with the contact", async () => {
    const holders: (object | undefined)[] = [];
    const service = new PresenceService({
      log: silentLogger,
      subscriptionOf: () => 'both',
      onContactChanged: () => {},
      onPhoto: (_account, _bare, _photo, contact) => {
        holders.push(contact);
        if (contact) contact.photoState ??= { kept: true };
      },
    });
    const { client, receive } = fakeClient();
    service.attach('acc', 'me@x', client);
    const photo = `<x xmlns='vcard-temp:x:update'><photo>${'a'.repeat(40)}</photo></x>`;
    // The first presence: no entry yet (it is made after the photo is handed on).
    await receive(`<presence from='bob@x/desk'>${photo}</presence>`);
    await receive(`<presence from='bob@x/desk'><show>away</show>${photo}</presence>`);
    await receive(`<presence from='bob@x/phone'>${photo}</presence>`);
    const entry = service.tracker('acc')?.resources('bob@x');
    expect(holders).toEqual([undefined, entry, entry]);
    expect(entry?.photoState).toEqual({ kept: true });
    // Every resource gone: the contact's entry and what the avatars kept on it go too.
    await receive(`<presence from='bob@x/desk' type='unavailable'/>`);
    await receive(`<presence from='bob@x/phone' type='unavailable'/>`);
    await receive(`<presence from='bob@x/desk'>${photo}</presence>`);
    await receive(`<presence from='bob@x/desk'><show>dnd</show>${photo}</presence>`);
    const next = service.tracker('acc')?.resources('bob@x');
    expect(next).not.toBe(entry);
    expect(holders.slice(3)).toEqual([undefined, next]);
  });

  it('compares an oversized status as it is kept: cut to STATUS_MAX', async () => {
    const { changed, receive, desk } = repeating();
    const long = 'x'.repeat(STATUS_MAX);
    await receive(`<presence from='bob@x/desk'><status>${long}tail one</status></presence>`);
    await receive(`<presence from='bob@x/desk'><status>${long}tail two</status></presence>`);
    expect(changed).toEqual(['bob@x']);
    await receive(`<presence from='bob@x/desk'><status>y${long}</status></presence>`);
    expect(changed).toEqual(['bob@x', 'bob@x']);
    expect(desk()?.status).toBe(`y${long}`.slice(0, STATUS_MAX));
  });

  it('hostile: a resource differing only in case or Unicode normalization is another resource', async () => {
    const { service, changed, receive } = repeating();
    await receive(`<presence from='bob@x/café'>${AWAY}</presence>`);
    await receive(`<presence from='bob@x/Café'>${AWAY}</presence>`);
    await receive(`<presence from='bob@x/cafe\u0301'>${AWAY}</presence>`);
    expect(changed).toEqual(['bob@x', 'bob@x', 'bob@x']);
    expect([...(service.tracker('acc')?.resources('bob@x')?.keys() ?? [])]).toEqual(['café', 'Café', 'cafe\u0301']);
  });

  it('hostile: a sender that is not a valid JID, or a room, never reaches a tracked state', async () => {
    const { changed, receive, desk } = repeating((bare) => bare === 'room@conf');
    await receive(`<presence from='bob@x/desk'>${AWAY}</presence>`);
    expect(await receive(`<presence from='bob@@x/desk'><show>dnd</show></presence>`)).toBe(true);
    expect(await receive(`<presence from='room@conf/desk'>${AWAY}</presence>`)).toBe(false);
    expect(await receive(`<presence from='room@conf'>${AWAY}</presence>`)).toBe(false);
    expect(changed).toEqual(['bob@x']);
    expect(desk()?.show).toBe('away');
  });

  it('hostile: a stranger (a JID we never heard of) repeating a state is a new contact, then nothing', async () => {
    const { service, changed, receive } = repeating();
    await receive(`<presence from='stranger@evil.example/x'>${AWAY}</presence>`);
    await receive(`<presence from='stranger@evil.example/x'>${AWAY}</presence>`);
    expect(changed).toEqual(['stranger@evil.example']);
    expect(service.tracker('acc')?.resources('bob@x')).toBeUndefined();
  });
});
