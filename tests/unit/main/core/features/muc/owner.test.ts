/**
 * A room's owner and moderator parts fed stanzas directly (the real event bus, a fake client):
 * voice requests believed only from the bare JID of a room we moderate and within a small form,
 * answered with the room's own form; a destroyed room's reason and venue; a room created with
 * `configure` left locked until its form (checked against the room's copy) or the default goes out.
 */
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, RoomView } from '../../../../../../src/shared/contract';
import type { Result } from '../../../../../../src/shared/result';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { silentLogger } from '../../../../../../src/main/core/log';
import { MucService } from '../../../../../../src/main/core/features/muc/service';
import { NS_DATA, NS_MUC_OWNER, NS_MUC_REQUEST, NS_MUC_USER } from '../../../../../../src/main/core/xmpp/ns';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc-1';
const ROOM = 'room@conference.example.org';

type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

let bus: EventBus;
let events: AppEvent[];
let sent: Element[];
let iqs: { type: string; payload: Element; to: string }[];
let configForm: Element;
let middleware: Middleware;
let service: MucService;

function deliver(stanza: Element): boolean {
  let passed = false;
  middleware({ stanza }, () => (passed = true));
  return !passed;
}

function occupantPresence(nick: string, item: Record<string, string>, codes: string[] = [], extra?: Element): Element {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}` },
    xml('x', { xmlns: NS_MUC_USER }, xml('item', item), ...codes.map((code) => xml('status', { code })), extra),
  );
}

async function joined(role: string, affiliation: string, codes: string[] = [], configure = false): Promise<RoomView> {
  const answer = service.join({ accountId: ACCOUNT, room: ROOM, nick: 'me', ...(configure ? { configure } : {}) });
  await Promise.resolve();
  deliver(occupantPresence('me', { role, affiliation }, ['110', ...codes]));
  const result: Result<RoomView> = await answer;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

function field(name: string, type: string, ...values: string[]): Element {
  return xml('field', { var: name, type }, ...values.map((value) => xml('value', {}, value)));
}

function voiceRequest(from: string, fields = 0): Element {
  return xml(
    'message',
    { from },
    xml(
      'x',
      { xmlns: NS_DATA, type: 'form' },
      field('FORM_TYPE', 'hidden', NS_MUC_REQUEST),
      field('muc#jid', 'jid-single', 'visitor@example.org/phone'),
      field('muc#roomnick', 'text-single', 'Vic'),
      field('muc#role', 'list-single', 'participant'),
      field('muc#request_allow', 'boolean', 'false'),
      ...Array.from({ length: fields }, (_, i) => field(`extra${i}`, 'text-single', 'x')),
    ),
  );
}

const voiceEvents = () => events.filter((e) => e.type === 'muc.voiceRequest');

beforeEach(() => {
  bus = new EventBus(1);
  events = [];
  bus.subscribe((batch) => events.push(...batch.events));
  sent = [];
  iqs = [];
  configForm = xml(
    'x',
    { xmlns: NS_DATA, type: 'form' },
    field('FORM_TYPE', 'hidden', 'http://jabber.org/protocol/muc#roomconfig'),
    field('muc#roomconfig_roomname', 'text-single', ''),
    field('muc#roomconfig_moderatedroom', 'boolean', '0'),
    field('muc#roomconfig_roomsecret', 'text-private', 'old-secret'),
  );
  service = new MucService({ bus, accounts: { list: () => [] }, log: silentLogger });
  const fake = {
    status: 'online',
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: {
      set: async (payload: Element, to: string) => {
        iqs.push({ type: 'set', payload, to });
        return xml('query', { xmlns: NS_MUC_OWNER });
      },
      get: async (payload: Element, to: string) => {
        iqs.push({ type: 'get', payload, to });
        return xml('query', { xmlns: NS_MUC_OWNER }, configForm);
      },
    },
    hooks: new StreamHookRegistry(),
    middleware: { use: (fn: Middleware) => (middleware = fn) },
  };
  service.onClient(ACCOUNT, fake as unknown as SessionXmpp);
  service.onOnline(ACCOUNT, { xmpp: fake as unknown as SessionXmpp, boundJid: 'me@example.org/jw', resumed: false });
});

afterEach(() => {
  service.close();
  bus.close();
});

describe('voice requests', () => {
  it("prompts a moderator for a request from the room's bare JID, and grants with the room's own form", async () => {
    await joined('moderator', 'owner');
    expect(deliver(voiceRequest(ROOM))).toBe(true);
    bus.flush();
    expect(voiceEvents()).toHaveLength(1);
    const [request] = service.voiceRequests();
    expect(request).toMatchObject({ room: ROOM, nick: 'Vic', jid: 'visitor@example.org/phone' });

    expect(await service.answerVoice({ accountId: ACCOUNT, id: request.id, allow: true })).toEqual({
      ok: true,
      value: null,
    });
    const answer = sent.at(-1)!;
    expect(answer.attrs.to).toBe(ROOM);
    const x = answer.getChild('x', NS_DATA)!;
    expect(x.attrs.type).toBe('submit');
    const value = (name: string) =>
      x
        .getChildren('field')
        .find((f) => f.attrs.var === name)
        ?.getChildText('value');
    expect(value('muc#request_allow')).toBe('1');
    expect(value('muc#jid')).toBe('visitor@example.org/phone');
    expect(value('FORM_TYPE')).toBe(NS_MUC_REQUEST);
    expect(service.voiceRequests()).toEqual([]);
    expect(await service.answerVoice({ accountId: ACCOUNT, id: request.id, allow: true })).toMatchObject({
      ok: false,
      error: { reason: 'muc.voiceRequestGone' },
    });
  });

  it("ignores a request from an occupant's full JID, a stranger, or a room we do not moderate", async () => {
    await joined('moderator', 'owner');
    expect(deliver(voiceRequest(`${ROOM}/Mallory`))).toBe(true);
    expect(deliver(voiceRequest('mallory@evil.example'))).toBe(true);
    expect(deliver(voiceRequest('other@conference.example.org'))).toBe(true);
    bus.flush();
    expect(voiceEvents()).toEqual([]);
    expect(service.voiceRequests()).toEqual([]);
  });

  it('ignores requests when we are not a moderator, and an oversized form', async () => {
    await joined('participant', 'member');
    deliver(voiceRequest(ROOM));
    expect(service.voiceRequests()).toEqual([]);
    deliver(occupantPresence('me', { role: 'moderator', affiliation: 'member' }, ['110']));
    deliver(voiceRequest(ROOM, 40));
    expect(service.voiceRequests()).toEqual([]);
    deliver(voiceRequest(ROOM));
    deliver(voiceRequest(ROOM)); // the same nick again: one prompt
    expect(service.voiceRequests()).toHaveLength(1);
  });

  it('a pending request follows its asker: a new nick is taken over, leaving the room takes it away', async () => {
    await joined('moderator', 'owner');
    deliver(occupantPresence('Vic', { role: 'visitor', affiliation: 'none', jid: 'visitor@example.org/phone' }));
    deliver(occupantPresence('Ann', { role: 'visitor', affiliation: 'none' }));
    deliver(voiceRequest(ROOM));
    const [request] = service.voiceRequests();
    const unavailable = (nick: string, codes: string[], item: Record<string, string> = {}) =>
      xml(
        'presence',
        { from: `${ROOM}/${nick}`, type: 'unavailable' },
        xml(
          'x',
          { xmlns: NS_MUC_USER },
          xml('item', { role: 'visitor', affiliation: 'none', ...item }),
          ...codes.map((code) => xml('status', { code })),
        ),
      );
    deliver(unavailable('Ann', [])); // someone else leaving changes nothing
    expect(service.voiceRequests()).toEqual([request]);

    deliver(unavailable('Vic', ['303'], { nick: 'Victor' }));
    deliver(occupantPresence('Victor', { role: 'visitor', affiliation: 'none' }));
    expect(service.voiceRequests()).toEqual([{ ...request, nick: 'Victor' }]);
    bus.flush();
    expect(voiceEvents().at(-1)).toMatchObject({ request: { id: request.id, nick: 'Victor' } });
    // Answered now, the room's form names the asker as they are called now.
    await service.answerVoice({ accountId: ACCOUNT, id: request.id, allow: false });
    const nickSent = sent
      .at(-1)!
      .getChild('x', NS_DATA)!
      .getChildren('field')
      .find((f) => f.attrs.var === 'muc#roomnick');
    expect(nickSent?.getChildText('value')).toBe('Victor');

    deliver(occupantPresence('Vic', { role: 'visitor', affiliation: 'none' }));
    deliver(voiceRequest(ROOM));
    const [again] = service.voiceRequests();
    deliver(unavailable('Vic', []));
    expect(service.voiceRequests()).toEqual([]);
    bus.flush();
    expect(events).toContainEqual({ type: 'muc.voiceRequestRemoved', accountId: ACCOUNT, id: again.id });
  });

  it('a visitor asks with a muc#request submit to the room', async () => {
    await joined('visitor', 'none');
    expect(await service.requestVoice({ accountId: ACCOUNT, room: ROOM })).toEqual({ ok: true, value: null });
    const asked = sent.at(-1)!;
    expect(asked.attrs.to).toBe(ROOM);
    const x = asked.getChild('x', NS_DATA)!;
    expect(x.attrs.type).toBe('submit');
    expect(x.getChildren('field').map((f) => [f.attrs.var, f.getChildText('value')])).toEqual([
      ['FORM_TYPE', NS_MUC_REQUEST],
      ['muc#role', 'participant'],
    ]);
  });
});

describe('destroyed rooms', () => {
  it('takes the reason and venue from our last self-presence', async () => {
    await joined('participant', 'member');
    const destroy = xml('destroy', { jid: 'New@Conference.Example.org' }, xml('reason', {}, 'moving'));
    deliver(
      xml(
        'presence',
        { from: `${ROOM}/me`, type: 'unavailable' },
        xml('x', { xmlns: NS_MUC_USER }, xml('item', { role: 'none', affiliation: 'none' }), destroy),
      ),
    );
    const room = service.room(ACCOUNT, ROOM)!;
    expect(room.state).toBe('left');
    expect(room.error).toMatchObject({
      reason: 'muc.destroyed',
      params: { reason: 'moving', venue: 'new@conference.example.org' },
    });
    expect(service.notices().at(-1)).toMatchObject({ code: 'muc.destroyed', venue: 'new@conference.example.org' });
  });

  it('drops a venue that is not a room address', async () => {
    await joined('participant', 'member');
    deliver(
      xml(
        'presence',
        { from: `${ROOM}/me`, type: 'unavailable' },
        xml(
          'x',
          { xmlns: NS_MUC_USER },
          xml('item', { role: 'none' }),
          xml('destroy', { jid: 'conference.example.org' }),
        ),
      ),
    );
    expect(service.room(ACCOUNT, ROOM)!.error).toMatchObject({ params: { reason: null, venue: null } });
  });

  it('asks the room to destroy itself with the reason and venue', async () => {
    await joined('moderator', 'owner');
    const venue = 'new@conference.example.org';
    await service.destroy({ accountId: ACCOUNT, room: ROOM, reason: 'bye', venue });
    const destroy = iqs.at(-1)!.payload.getChild('destroy')!;
    expect(iqs.at(-1)!.to).toBe(ROOM);
    expect(destroy.attrs.jid).toBe(venue);
    expect(destroy.getChildText('reason')).toBe('bye');
  });
});

describe('configuration', () => {
  it('leaves a room created with configure locked until the form goes out', async () => {
    const view = await joined('moderator', 'owner', ['201'], true);
    expect(view.awaitingConfiguration).toBe(true);
    expect(iqs.filter((iq) => iq.type === 'set')).toEqual([]);
    expect(await service.configure({ accountId: ACCOUNT, room: ROOM, values: {} })).toMatchObject({
      ok: false,
      error: { reason: 'muc.configurationGone' },
    });

    const read = await service.configurationForm({ accountId: ACCOUNT, room: ROOM });
    if (!read.ok) throw new Error('no form');
    const secret = read.value.form.fields.find((f) => f.var === 'muc#roomconfig_roomsecret')!;
    expect(secret).toMatchObject({ values: [], presetSecret: true }); // the password stays in the core
    expect(
      await service.configure({ accountId: ACCOUNT, room: ROOM, values: { 'muc#roomconfig_forged': ['1'] } }),
    ).toMatchObject({ ok: false, error: { reason: 'form.invalid' } });
    expect(
      await service.configure({
        accountId: ACCOUNT,
        room: ROOM,
        values: { 'muc#roomconfig_moderatedroom': ['maybe'] },
      }),
    ).toMatchObject({ ok: false, error: { reason: 'form.invalid' } });
    expect(iqs.filter((iq) => iq.type === 'set')).toEqual([]);

    const saved = await service.configure({
      accountId: ACCOUNT,
      room: ROOM,
      values: { 'muc#roomconfig_roomname': ['Lounge'], 'muc#roomconfig_moderatedroom': ['true'] },
    });
    expect(saved).toEqual({ ok: true, value: null });
    const x = iqs.at(-1)!.payload.getChild('x', NS_DATA)!;
    const value = (name: string) =>
      x
        .getChildren('field')
        .find((f) => f.attrs.var === name)
        ?.getChildText('value');
    expect(value('muc#roomconfig_roomname')).toBe('Lounge');
    expect(value('muc#roomconfig_moderatedroom')).toBe('1');
    expect(value('muc#roomconfig_roomsecret')).toBe('old-secret');
    expect(service.room(ACCOUNT, ROOM)!.awaitingConfiguration).toBeUndefined();
  });

  it('refuses an oversized configuration form with its reason', async () => {
    await joined('moderator', 'owner');
    configForm = xml(
      'x',
      { xmlns: NS_DATA, type: 'form' },
      ...Array.from({ length: 1001 }, (_, i) => field(`f${i}`, 'text-single')),
    );
    expect(await service.configurationForm({ accountId: ACCOUNT, room: ROOM })).toMatchObject({
      ok: false,
      error: { reason: 'form.unusable', params: { problem: { code: 'form.tooManyFields' } } },
    });
  });

  it('a room created without configure takes the default at once', async () => {
    const view = await joined('moderator', 'owner', ['201']);
    expect(view.awaitingConfiguration).toBeUndefined();
    expect(iqs.filter((iq) => iq.type === 'set')).toHaveLength(1);
  });
});
