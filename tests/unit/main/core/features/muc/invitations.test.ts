/**
 * Room invitations with forged senders, fed to MucService through its
 * middleware: a mediated invitation counts only from a room on a MUC service we know (or a room we
 * are in or joining), a direct one from a stranger is marked as such, one prompt per sender per
 * hour, and the prompt names who sent it; the inviter a room names is only a claim.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { createLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { NS_CONFERENCE, NS_MUC_USER } from '../../../../../../src/main/core/xmpp/ns';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc-1';
type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

let bus: EventBus;
let sent: Element[];
let middleware: Middleware;
let service: MucService;
let now: number;
let logLines: string[];

beforeEach(() => {
  bus = new EventBus(1);
  sent = [];
  now = 1_000_000;
  logLines = [];
  service = new MucService({
    bus,
    accounts: { list: () => [] },
    log: createLogger((level, _scope, message) => logLines.push(`${level} ${message}`), 'debug'),
    now: () => now,
    bookmarkedRooms: () => ['book@muc.bookmarked.example'],
    inRoster: (_account, bare) => bare === 'alice@example.com',
  });
  const fake = {
    status: 'online',
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: { get: async () => xml('query', {}, xml('item', { jid: 'lobby@muc.browsed.example' })) },
    hooks: new StreamHookRegistry(),
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  };
  service.onClient(ACCOUNT, fake as unknown as SessionXmpp);
  service.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: 'me@example.com/desk', resumed: false });
});

afterEach(() => {
  service.close();
  bus.close();
});

/** Delivers a stanza; returns true when MUC consumed it. */
function deliver(stanza: Element): boolean {
  let passed = false;
  middleware({ stanza }, () => (passed = true));
  return !passed;
}

const mediated = (from: string, inviter = 'mallory@evil.example', reason?: string) =>
  xml(
    'message',
    { from },
    xml('x', { xmlns: NS_MUC_USER }, xml('invite', { from: inviter }, reason ? xml('reason', {}, reason) : null)),
  );
const direct = (from: string, room: string) => xml('message', { from }, xml('x', { xmlns: NS_CONFERENCE, jid: room }));
const invites = () =>
  service
    .invites()
    .map(({ room, from, claimedInviter, stranger, kind }) => ({ room, from, claimedInviter, stranger, kind }));

describe('mediated invitations', () => {
  it('are ignored unless a room on a MUC service we know sent them', () => {
    // Forged: a "room" on a service we never used, an occupant, a user, a server.
    for (const from of [
      'spam@muc.evil.example',
      'book@muc.bookmarked.example/mallory',
      'mallory@evil.example',
      'evil.example',
    ]) {
      expect(deliver(mediated(from))).toBe(true); // consumed, never shown as a chat message
    }
    expect(invites()).toEqual([]);
    // One line per kind of refusal (not a bare room JID; a service we do not know), not one per stanza.
    expect(logLines.filter((line) => line.includes('ignored'))).toHaveLength(2);
  });

  it('count from a bookmarked or browsed service, naming the room as the sender and the inviter as its claim', async () => {
    deliver(mediated('other@muc.bookmarked.example', 'alice@example.com', 'join us'));
    await service.browse({ accountId: ACCOUNT, service: 'muc.browsed.example' });
    deliver(mediated('Lobby@MUC.browsed.example', 'spoofed@example.com/x'));
    expect(invites()).toEqual([
      {
        room: 'other@muc.bookmarked.example',
        from: 'other@muc.bookmarked.example',
        claimedInviter: 'alice@example.com',
        stranger: false,
        kind: 'mediated',
      },
      {
        room: 'lobby@muc.browsed.example',
        from: 'lobby@muc.browsed.example',
        claimedInviter: 'spoofed@example.com/x',
        stranger: false,
        kind: 'mediated',
      },
    ]);
  });

  it('a decline goes to the claimed inviter through the room', async () => {
    deliver(mediated('other@muc.bookmarked.example', 'alice@example.com'));
    const [invite] = service.invites();
    await service.answerInvite({ accountId: ACCOUNT, id: invite.id, accept: false });
    const decline = sent.at(-1);
    expect(decline?.attrs.to).toBe('other@muc.bookmarked.example');
    expect(decline?.getChild('x', NS_MUC_USER)?.getChild('decline')?.attrs.to).toBe('alice@example.com');
  });
});

describe('direct invitations', () => {
  it('from someone not in the roster are marked as from a stranger; from a contact not', () => {
    deliver(direct('mallory@evil.example/x', 'spam@muc.evil.example'));
    deliver(direct('alice@example.com/phone', 'tea@muc.example.com'));
    expect(invites()).toEqual([
      {
        room: 'spam@muc.evil.example',
        from: 'mallory@evil.example',
        claimedInviter: null,
        stranger: true,
        kind: 'direct',
      },
      { room: 'tea@muc.example.com', from: 'alice@example.com', claimedInviter: null, stranger: false, kind: 'direct' },
    ]);
  });

  it('prompt at most once per sender per hour, whatever room they name', () => {
    for (let i = 0; i < 50; i++) deliver(direct(`mallory@evil.example/r${i}`, `spam${i}@muc.evil.example`));
    expect(invites().map((i) => i.room)).toEqual(['spam0@muc.evil.example']);
    expect(logLines.filter((line) => line.includes('within an hour'))).toHaveLength(1);
    now += 59 * 60_000;
    deliver(direct('mallory@evil.example/x', 'again@muc.evil.example'));
    expect(invites()).toHaveLength(1);
    now += 60_000;
    deliver(direct('mallory@evil.example/x', 'again@muc.evil.example'));
    expect(invites().map((i) => i.room)).toEqual(['spam0@muc.evil.example', 'again@muc.evil.example']);
  });

  it('the same rate holds for a room that invites again and again', () => {
    deliver(mediated('a@muc.bookmarked.example'));
    const [first] = service.invites();
    void service.answerInvite({ accountId: ACCOUNT, id: first.id, accept: false });
    deliver(mediated('a@muc.bookmarked.example'));
    expect(service.invites()).toEqual([]);
  });
});

describe('sending an invitation', () => {
  const OPEN = 'open@muc.example.com';
  const CLUB = 'club@muc.example.com';
  let sender: MucService;
  let out: Element[];
  let senderMiddleware: Middleware;

  beforeEach(() => {
    out = [];
    sender = new MucService({
      bus,
      accounts: { list: () => [] },
      log: createLogger(() => {}, 'debug'),
      // Only this contact's client announced jabber:x:conference in its caps.
      readsDirectInvitations: (_account, bare) => bare === 'reader@example.com',
    });
    const fake = {
      status: 'online',
      send: async (stanza: Element) => void out.push(stanza),
      iqCaller: {
        // The rooms' disco#info: the club is members-only.
        get: async (_query: Element, to: string) =>
          xml(
            'query',
            { xmlns: 'http://jabber.org/protocol/disco#info' },
            xml('identity', { category: 'conference', type: 'text' }),
            xml('feature', { var: 'http://jabber.org/protocol/muc' }),
            xml('feature', { var: to === CLUB ? 'muc_membersonly' : 'muc_open' }),
          ),
      },
      hooks: new StreamHookRegistry(),
      middleware: { use: (fn: Middleware) => (senderMiddleware = fn) },
    };
    sender.onClient(ACCOUNT, fake as unknown as SessionXmpp);
    sender.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: 'me@example.com/desk', resumed: false });
  });

  afterEach(() => sender.close());

  async function join(room: string, password?: string): Promise<void> {
    const answer = sender.join({ accountId: ACCOUNT, room, nick: 'me', password });
    await Promise.resolve();
    senderMiddleware(
      {
        stanza: xml(
          'presence',
          { from: `${room}/me` },
          xml(
            'x',
            { xmlns: NS_MUC_USER },
            xml('item', { role: 'moderator', affiliation: 'owner' }),
            xml('status', { code: '110' }),
          ),
        ),
      },
      () => undefined,
    );
    await answer;
    out.length = 0;
  }

  /** How the last invitation went: [to, 'direct' | 'mediated', password?]. */
  const lastWay = () => {
    const message = out.at(-1)!;
    const direct = message.getChild('x', NS_CONFERENCE);
    if (direct) return [message.attrs.to, 'direct', direct.attrs.password];
    return [message.getChild('x', NS_MUC_USER)?.getChild('invite')?.attrs.to, 'mediated'];
  };

  it('goes directly to a client that announces it, with the room’s password; through the room to anyone else', async () => {
    await join(OPEN, 'pw');
    await sender.invite({ accountId: ACCOUNT, room: OPEN, jid: 'reader@example.com', reason: 'tea' });
    expect(out).toHaveLength(1);
    expect(lastWay()).toEqual(['reader@example.com', 'direct', 'pw']);
    expect(out[0].getChild('x', NS_CONFERENCE)?.attrs).toMatchObject({ jid: OPEN, reason: 'tea' });
    await sender.invite({ accountId: ACCOUNT, room: OPEN, jid: 'plain@example.com' });
    expect(out).toHaveLength(2);
    expect(out[1].attrs.to).toBe(OPEN);
    expect(lastWay()).toEqual(['plain@example.com', 'mediated']);
  });

  it('goes through a members-only room whatever the caps say (only that makes them a member); the command may choose', async () => {
    await join(CLUB);
    await sender.invite({ accountId: ACCOUNT, room: CLUB, jid: 'reader@example.com' });
    expect(lastWay()).toEqual(['reader@example.com', 'mediated']);
    await sender.invite({ accountId: ACCOUNT, room: CLUB, jid: 'plain@example.com', direct: true });
    expect(lastWay()).toEqual(['plain@example.com', 'direct', undefined]);
    await join(OPEN);
    await sender.invite({ accountId: ACCOUNT, room: OPEN, jid: 'reader@example.com', direct: false });
    expect(lastWay()).toEqual(['reader@example.com', 'mediated']);
    expect(out).toHaveLength(1);
  });
});
