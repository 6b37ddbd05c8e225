/**
 * A room's owner parts against a hostile server (the scripted one): a configuration form or room
 * info answered first from an occupant's full JID (the room's JID with a nick) with the request's id
 * is not believed, the room's own answer is; an oversized configuration form is refused with its
 * reason; an owner query that never answers ends as a timeout with the dialog's words, and leaves
 * nothing behind to submit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomConfigurationView, RoomInfoView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { answerBasics, iqsIn, scriptedServerForFile, type ScriptedCore } from '../support/scripted-core';
import type { ScriptedConnection } from '../support/scripted-server';

const ROOM = 'den@conference.localhost';
const OCCUPANT = `${ROOM}/mallory`;
const NS_OWNER = 'http://jabber.org/protocol/muc#owner';
const NS_INFO = 'http://jabber.org/protocol/disco#info';

const log = createLogger(() => {}, 'debug');

type Iq = ReturnType<typeof iqsIn>[number];
let onRequest: (conn: ScriptedConnection, iq: Iq) => boolean = () => false;

afterEach(() => {
  onRequest = () => false;
});

const scripted = scriptedServerForFile(
  'jw-muc-owner-hostile-',
  (conn, chunk) => void answerBasics(conn, chunk, '', (iq) => onRequest(conn, iq)),
);

async function open(): Promise<ScriptedCore> {
  return (await scripted.open(log)).core;
}

const form = (name: string, fields = '') =>
  `<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
   <field var='muc#roomconfig_roomname' type='text-single'><value>${name}</value></field>${fields}</x>`;

describe('room configuration from a hostile server', () => {
  it("believes only the room: a form from an occupant's full JID with the same id is dropped", async () => {
    onRequest = (conn, iq) => {
      if (iq.to !== ROOM || !iq.body.includes(NS_OWNER)) return false;
      conn.send(
        `<iq type='result' id='${iq.id}' from='${OCCUPANT}'><query xmlns='${NS_OWNER}'>${form('Forged')}</query></iq>`,
      );
      conn.send(
        `<iq type='result' id='${iq.id}' from='${ROOM}'><query xmlns='${NS_OWNER}'>${form('Real')}</query></iq>`,
      );
      return true;
    };
    const c = await open();
    const read = await c.messenger.invoke('muc.configuration', { accountId: c.accountId, room: ROOM });
    expect(read.ok).toBe(true);
    const { form: shown } = (read as { value: RoomConfigurationView }).value;
    expect(shown.fields.find((f) => f.var === 'muc#roomconfig_roomname')?.values).toEqual(['Real']);
  });

  it('refuses an oversized form with its reason, and has nothing to submit after it', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `<field var='f${i}'/>`).join('');
    onRequest = (conn, iq) => {
      if (iq.to !== ROOM || !iq.body.includes(NS_OWNER)) return false;
      conn.send(
        `<iq type='result' id='${iq.id}' from='${ROOM}'><query xmlns='${NS_OWNER}'>${form('Big', many)}</query></iq>`,
      );
      return true;
    };
    const c = await open();
    expect(await c.messenger.invoke('muc.configuration', { accountId: c.accountId, room: ROOM })).toMatchObject({
      ok: false,
      error: { reason: 'form.unusable', params: { problem: { code: 'form.tooManyFields' } } },
    });
    expect(
      await c.messenger.invoke('muc.configure', { accountId: c.accountId, room: ROOM, values: { f1: ['x'] } }),
    ).toMatchObject({ ok: false, error: { reason: 'muc.configurationGone' } });
  });

  it('an owner query that never answers ends as a timeout, with nothing left to submit', async () => {
    onRequest = (_conn, iq) => iq.to === ROOM && iq.body.includes(NS_OWNER); // swallowed
    const c = await open();
    expect(await c.messenger.invoke('muc.configuration', { accountId: c.accountId, room: ROOM })).toMatchObject({
      ok: false,
      error: { code: 'timeout', reason: 'request.timeout', params: { action: 'room.configuration' } },
    });
    expect(await c.messenger.invoke('muc.configure', { accountId: c.accountId, room: ROOM, values: {} })).toMatchObject(
      { ok: false, error: { reason: 'muc.configurationGone' } },
    );
  }, 40_000);
});

describe('room info from a hostile server', () => {
  it("believes only the room: info from an occupant's full JID is dropped; features become flags", async () => {
    onRequest = (conn, iq) => {
      if (iq.to !== ROOM || !iq.body.includes(NS_INFO)) return false;
      conn.send(`<iq type='result' id='${iq.id}' from='${OCCUPANT}'><query xmlns='${NS_INFO}'>
        <identity category='conference' type='text' name='Free prizes'/><feature var='muc_unsecured'/></query></iq>`);
      conn.send(`<iq type='result' id='${iq.id}' from='${ROOM}'><query xmlns='${NS_INFO}'>
        <identity category='conference' type='text' name='Den'/><feature var='http://jabber.org/protocol/muc'/>
        <feature var='muc_passwordprotected'/><feature var='muc_membersonly'/><feature var='muc_semianonymous'/>
        <x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
        <field var='muc#roominfo_occupants'><value>7</value></field><field var='muc#roominfo_logs'><value>javascript:alert(1)</value></field>
        <field var='muc#roominfo_description'><value>A quiet place</value></field></x></query></iq>`);
      return true;
    };
    const c = await open();
    const info = (await c.messenger.invoke('muc.roomInfo', { accountId: c.accountId, room: ROOM })) as {
      value: RoomInfoView;
    };
    expect(info.value).toMatchObject({
      exists: true,
      name: 'Den',
      description: 'A quiet place',
      occupants: 7,
      passwordProtected: true,
      membersOnly: true,
      nonAnonymous: false,
      moderated: null,
      logs: null,
    });
  });
});
