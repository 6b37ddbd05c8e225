/**
 * The block list fed directly: fetched on a new session, block and unblock (one, many, all) applied
 * once the server confirms, pushes from our own account applied live, pushes from anyone else
 * refused, and a push read while the list is being fetched applied after it.
 */
import xml, { type Element } from '@xmpp/xml';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../../../src/shared/contract';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { BLOCK_CHUNK, BlockingService } from '../../../../../../src/main/core/features/blocking/service';
import { NS_BLOCKING } from '../../../../../../src/main/core/xmpp/ns';
import { silentLogger } from '../../../../../../src/main/core/log';
import { parseStanza } from '../../../../../support/xml';

const OWN = 'me@example.org';

type PushHandler = (ctx: { stanza: Element; element: Element }) => Element | true;

function fakeClient(serverList: string[]) {
  const handlers = new Map<string, PushHandler>();
  const requests: Element[] = [];
  /** Answers to blocklist gets, held until the test releases them. */
  let holdGet: ((answer: Element) => void) | null = null;
  let hold = false;
  let refuseSets = false;
  const client = {
    status: 'online',
    jid: { domain: 'example.org', bare: () => ({ toString: () => OWN }) },
    iqCallee: { set: (_ns: string, name: string, handler: PushHandler) => handlers.set(name, handler) },
    iqCaller: {
      get: async (payload: Element, to?: string) => {
        requests.push(payload);
        if (payload.attrs.xmlns === 'http://jabber.org/protocol/disco#info' && to === 'example.org') {
          return xml('query', { xmlns: payload.attrs.xmlns }, xml('feature', { var: NS_BLOCKING }));
        }
        const answer = xml('blocklist', { xmlns: NS_BLOCKING }, ...serverList.map((jid) => xml('item', { jid })));
        if (!hold) return answer;
        return new Promise<Element>((resolve) => (holdGet = () => resolve(answer)));
      },
      set: async (payload: Element) => {
        requests.push(payload);
        if (refuseSets) throw Object.assign(new Error('forbidden'), { name: 'StanzaError', condition: 'not-allowed' });
        return xml('iq', { type: 'result' });
      },
    },
  };
  return {
    xmpp: client as unknown as SessionXmpp,
    requests,
    push: (text: string) => {
      const stanza = parseStanza(text);
      const element = stanza.getChildElements()[0];
      return handlers.get(element.name)!({ stanza, element });
    },
    holdGets: () => (hold = true),
    releaseGet: () => holdGet?.(xml('x')),
    refuseSets: () => (refuseSets = true),
  };
}

let bus: EventBus;
let events: AppEvent[];
let service: BlockingService;

beforeEach(() => {
  bus = new EventBus(1);
  events = [];
  bus.subscribe((batch) => events.push(...batch.events));
  service = new BlockingService({ bus, log: silentLogger });
});

/** Lets what is under way run: the wait before checking that something did not happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function online(list: string[] = ['spam@evil.example']) {
  const fake = fakeClient(list);
  service.onClient('a1', fake.xmpp);
  service.onOnline('a1', { xmpp: fake.xmpp, boundJid: `${OWN}/desk`, resumed: false });
  await expect.poll(() => service.views().some((view) => view.accountId === 'a1')).toBe(true);
  return fake;
}

const lastList = () => {
  bus.flush();
  const changed = events.filter((e) => e.type === 'blocklist.changed');
  const last = changed.at(-1);
  return last?.type === 'blocklist.changed' ? last.blocked : undefined;
};

describe('block list', () => {
  it('learns that the server offers blocking and fetches the list on a new session', async () => {
    await online(['spam@evil.example', 'Bad@Evil.Example/Res', 'not a jid@@']);
    expect(service.supported('a1')).toBe(true);
    expect(service.blockingAccounts()).toEqual(['a1']);
    expect(lastList()).toEqual(['spam@evil.example', 'bad@evil.example/Res']);
    expect(service.views()).toEqual([{ accountId: 'a1', blocked: ['spam@evil.example', 'bad@evil.example/Res'] }]);
    expect(events.find((e) => e.type === 'subscription.blocking')).toEqual({
      type: 'subscription.blocking',
      accountId: 'a1',
      supported: true,
    });
  });

  it('blocks and unblocks one or many, in chunks, applied when the server confirms', async () => {
    const fake = await online([]);
    const many = Array.from({ length: BLOCK_CHUNK + 10 }, (_, i) => `u${i}@example.net`);
    expect(await service.block('a1', many)).toEqual({ ok: true, value: null });
    const sets = fake.requests.filter((r) => r.name === 'block');
    expect(sets.map((s) => s.getChildren('item').length)).toEqual([BLOCK_CHUNK, 10]);
    expect(lastList()).toHaveLength(BLOCK_CHUNK + 10);
    await service.unblock('a1', ['u0@example.net', 'u1@example.net']);
    expect(lastList()).toHaveLength(BLOCK_CHUNK + 8);
    await service.unblock('a1', 'all');
    const unblockAll = fake.requests.filter((r) => r.name === 'unblock').at(-1)!;
    expect(unblockAll.getChildren('item')).toHaveLength(0);
    expect(lastList()).toEqual([]);
  });

  it('changes nothing when the server refuses, and says why', async () => {
    const fake = await online(['a@example.net']);
    fake.refuseSets();
    const result = await service.unblock('a1', ['a@example.net']);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        reason: 'request.refused',
        params: { action: 'blocking.unblock', condition: 'not-allowed' },
      },
    });
    expect(service.views()[0].blocked).toEqual(['a@example.net']);
  });

  it('applies pushes from our own account (another of our clients) live', async () => {
    const fake = await online(['a@example.net']);
    expect(
      fake.push(`<iq type='set' id='p1'><block xmlns='${NS_BLOCKING}'><item jid='b@example.net'/></block></iq>`),
    ).toBe(true);
    expect(lastList()).toEqual(['a@example.net', 'b@example.net']);
    fake.push(
      `<iq type='set' id='p2' from='${OWN}'><unblock xmlns='${NS_BLOCKING}'><item jid='a@example.net'/></unblock></iq>`,
    );
    expect(lastList()).toEqual(['b@example.net']);
    fake.push(`<iq type='set' id='p3' from='me@example.org'><unblock xmlns='${NS_BLOCKING}'/></iq>`);
    expect(lastList()).toEqual([]);
  });

  it('refuses pushes from anyone else, our own full JID and our server included', async () => {
    const fake = await online(['a@example.net']);
    for (const from of ['mallory@evil.example', 'example.org', `${OWN}/other`]) {
      const reply = fake.push(`<iq type='set' id='f' from='${from}'><unblock xmlns='${NS_BLOCKING}'/></iq>`);
      expect(reply).not.toBe(true);
      expect((reply as Element).getChild('service-unavailable')).toBeDefined();
    }
    expect(service.views()[0].blocked).toEqual(['a@example.net']);
  });

  it('applies a push read while the list is being fetched after the fetched list', async () => {
    const fake = fakeClient(['a@example.net']);
    fake.holdGets();
    service.onClient('a1', fake.xmpp);
    service.onOnline('a1', { xmpp: fake.xmpp, boundJid: `${OWN}/desk`, resumed: false });
    await expect.poll(() => fake.requests.some((r) => r.name === 'blocklist')).toBe(true);
    fake.push(`<iq type='set' id='p1'><unblock xmlns='${NS_BLOCKING}'><item jid='a@example.net'/></unblock></iq>`);
    fake.push(`<iq type='set' id='p2'><block xmlns='${NS_BLOCKING}'><item jid='c@example.net'/></block></iq>`);
    fake.releaseGet();
    await expect.poll(() => service.views()[0]?.blocked).toEqual(['c@example.net']);
  });

  it('answers not connected and unsupported with their reasons', async () => {
    expect(await service.block('a1', ['x@example.net'])).toMatchObject({
      ok: false,
      error: { code: 'not_connected', reason: 'blocking.notConnected' },
    });
    const fake = fakeClient([]);
    let discoAnswered = false;
    (fake.xmpp.iqCaller as unknown as { get: unknown }).get = async () => {
      discoAnswered = true;
      return xml('query');
    };
    service.onClient('a1', fake.xmpp);
    service.onOnline('a1', { xmpp: fake.xmpp, boundJid: `${OWN}/desk`, resumed: false });
    await expect.poll(() => discoAnswered).toBe(true);
    await settle(); // for the answer (no blocking feature) to be read
    expect(await service.list('a1')).toMatchObject({ ok: false, error: { reason: 'blocking.unsupported' } });
  });
});
