/**
 * Roles and affiliations through MucService: a role changes by nick, an affiliation by the real JID
 * (looked up from the occupant when a nick is given, refused when the room hides it), the reason goes
 * with the change, and a role or affiliation change of an occupant becomes a room notice.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { NS_MUC_ADMIN, NS_MUC_USER } from '../../../../../../src/main/core/xmpp/ns';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc-1';
const ROOM = 'room@conference.example.org';
type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

let bus: EventBus;
let middleware: Middleware;
let service: MucService;
let sets: { query: Element; to: string }[];

function presence(nick: string, item: Record<string, string>, codes: string[] = []): Element {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}` },
    xml('x', { xmlns: NS_MUC_USER }, xml('item', item), ...codes.map((code) => xml('status', { code }))),
  );
}

const deliver = (stanza: Element) => middleware({ stanza }, () => undefined);

beforeEach(async () => {
  bus = new EventBus(1);
  sets = [];
  service = new MucService({ bus, accounts: { list: () => [] }, log: silentLogger });
  const fake = {
    status: 'online',
    send: async () => undefined,
    iqCaller: {
      set: async (query: Element, to: string) => {
        sets.push({ query, to });
        return xml('query');
      },
    },
    hooks: new StreamHookRegistry(),
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  };
  service.onClient(ACCOUNT, fake as unknown as SessionXmpp);
  service.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: 'me@example.org/jw', resumed: false });
  const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'me' });
  await Promise.resolve();
  deliver(presence('bob', { role: 'participant', affiliation: 'none', jid: 'bob@example.org/phone' }));
  deliver(presence('eve', { role: 'participant', affiliation: 'none' }));
  deliver(presence('me', { role: 'moderator', affiliation: 'owner' }, ['110']));
  await answer;
});

afterEach(() => {
  service.close();
  bus.close();
});

const item = (at: number) => sets[at].query.getChild('item');

describe('moderation', () => {
  it('changes a role by nick, with the reason', async () => {
    const result = await service.setRole({ accountId: ACCOUNT, room: ROOM, nick: 'bob', role: 'none', reason: 'bye' });
    expect(result.ok).toBe(true);
    expect(sets[0].to).toBe(ROOM);
    expect(sets[0].query.attrs.xmlns).toBe(NS_MUC_ADMIN);
    expect(item(0)?.attrs).toEqual({ nick: 'bob', role: 'none' });
    expect(item(0)?.getChildText('reason')).toBe('bye');
  });

  it('changes an affiliation by the real JID, found from the nick when the room shows it', async () => {
    await service.setAffiliation({ accountId: ACCOUNT, room: ROOM, nick: 'bob', affiliation: 'outcast' });
    await service.setAffiliation({ accountId: ACCOUNT, room: ROOM, jid: 'carol@example.org', affiliation: 'member' });
    expect(item(0)?.attrs).toEqual({ jid: 'bob@example.org', affiliation: 'outcast' });
    expect(item(1)?.attrs).toEqual({ jid: 'carol@example.org', affiliation: 'member' });
    const hidden = await service.setAffiliation({ accountId: ACCOUNT, room: ROOM, nick: 'eve', affiliation: 'member' });
    expect(hidden.ok || hidden.error.code).toBe('not_found');
    expect(sets).toHaveLength(2);
  });

  it('is refused in a room we are not in', async () => {
    const result = await service.setRole({
      accountId: ACCOUNT,
      room: 'other@conference.example.org',
      nick: 'x',
      role: 'none',
    });
    expect(result.ok || result.error.code).toBe('not_found');
    expect(sets).toEqual([]);
  });

  it('keeps when occupants joined in this session and their role changes', () => {
    const before = Date.now();
    deliver(presence('carol', { role: 'participant', affiliation: 'none' }));
    deliver(presence('bob', { role: 'visitor', affiliation: 'none' }));
    deliver(presence('bob', { role: 'participant', affiliation: 'none' }));
    deliver(presence('bob', { role: 'participant', affiliation: 'none' })); // no change
    const occupant = (nick: string) => service.occupants().find((o) => o.nick === nick)!;
    // Bob and Eve were there when we joined: when they came is not known. Carol came after; so did we.
    expect(occupant('bob').joinedAt).toBeNull();
    expect(occupant('eve')).toMatchObject({ joinedAt: null, roleChanges: [] });
    expect(occupant('carol').joinedAt).toBeGreaterThanOrEqual(before);
    expect(occupant('me').joinedAt).toBeGreaterThan(0);
    expect(occupant('bob').roleChanges?.map((change) => change.role)).toEqual(['visitor', 'participant']);
    expect(occupant('bob').roleChanges?.[0].at).toBeGreaterThanOrEqual(before);
    for (let i = 0; i < 10; i++)
      deliver(presence('bob', { role: i % 2 ? 'participant' : 'visitor', affiliation: 'none' }));
    expect(occupant('bob').roleChanges).toHaveLength(5);
  });

  it('tells the room when an occupant gains or loses voice, moderator or an affiliation', () => {
    deliver(presence('bob', { role: 'visitor', affiliation: 'none' }));
    deliver(presence('bob', { role: 'moderator', affiliation: 'member' }));
    expect(service.notices()).toMatchObject([
      { code: 'muc.voiceRevoked', nick: 'bob' },
      { code: 'muc.moderatorGranted', nick: 'bob' },
      { code: 'muc.affiliationChanged', nick: 'bob', affiliation: 'member' },
    ]);
  });
});
