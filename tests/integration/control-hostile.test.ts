/**
 * Control and discovery against a hostile server (the scripted one): answers from anyone but the
 * entity asked are not believed (a spoofed disco answer first, the real one after), ad-hoc answers
 * for another session or command end the run, malformed answers are refused with a reason, and a
 * block list push from anyone but our own account changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdhocStepView, DiscoInfoView, DiscoItemsView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { answerBasics, iqsIn, scriptedServerForFile } from '../support/scripted-core';
import type { ScriptedConnection } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const MUC = 'conference.localhost';
const MALLORY = 'mallory@evil.example';
const NS_INFO = 'http://jabber.org/protocol/disco#info';
const NS_ITEMS = 'http://jabber.org/protocol/disco#items';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_BLOCKING = 'urn:xmpp:blocking';

const log = createLogger(() => {}, 'debug');

type Iq = ReturnType<typeof iqsIn>[number];
/** What the test's script does with each request (after the basics); true when it answered it. */
let onRequest: (conn: ScriptedConnection, iq: Iq) => boolean = () => false;

afterEach(() => {
  onRequest = () => false;
});

const scripted = scriptedServerForFile(
  'jw-control-hostile-',
  (conn, chunk) => void answerBasics(conn, chunk, '', (iq) => onRequest(conn, iq)),
);

const open = () => scripted.open(log);

describe('service discovery', () => {
  it('believes only the entity asked: a spoofed answer with the same id is dropped, the real one counts', async () => {
    onRequest = (conn, iq) => {
      if (iq.to !== MUC || !iq.body.includes(NS_INFO)) return false;
      conn.send(
        `<iq type='result' id='${iq.id}' from='${MALLORY}'><query xmlns='${NS_INFO}'><feature var='urn:evil'/></query></iq>`,
      );
      conn.send(`<iq type='result' id='${iq.id}' from='${MUC}'><query xmlns='${NS_INFO}'>
        <identity category='conference' type='text' name='Rooms'/><feature var='http://jabber.org/protocol/muc'/></query></iq>`);
      return true;
    };
    const { core: c } = await open();
    const info = await c.messenger.invoke('disco.info', { accountId: c.accountId, jid: MUC });
    expect(info.ok).toBe(true);
    expect((info as { value: DiscoInfoView }).value.features).toEqual(['http://jabber.org/protocol/muc']);
  });

  it('keeps only items with valid addresses, and refuses an answer of another kind', async () => {
    onRequest = (conn, iq) => {
      if (iq.to !== MUC) return false;
      if (iq.body.includes(NS_ITEMS)) {
        conn.send(`<iq type='result' id='${iq.id}' from='${MUC}'><query xmlns='${NS_ITEMS}'>
          <item jid='room@${MUC}' name='Room'/><item jid='bad@@jid'/><item jid=''/><item name='none'/></query></iq>`);
      } else {
        conn.send(`<iq type='result' id='${iq.id}' from='${MUC}'><time xmlns='urn:xmpp:time'/></iq>`);
      }
      return true;
    };
    const { core: c } = await open();
    const items = (await c.messenger.invoke('disco.items', { accountId: c.accountId, jid: MUC })) as {
      value: DiscoItemsView;
    };
    expect(items.value.items).toEqual([{ jid: `room@${MUC}`, node: null, name: 'Room' }]);
    expect(await c.messenger.invoke('disco.info', { accountId: c.accountId, jid: MUC })).toMatchObject({
      ok: false,
      error: { reason: 'disco.malformed', params: { action: 'disco.info' } },
    });
  });

  it('refuses a malformed time and last activity with their reasons', async () => {
    onRequest = (conn, iq) => {
      if (iq.to !== `${MALLORY}/x`) return false;
      if (iq.body.includes('urn:xmpp:time')) {
        conn.send(
          `<iq type='result' id='${iq.id}' from='${MALLORY}/x'><time xmlns='urn:xmpp:time'><tzo>+99:00</tzo><utc>soon</utc></time></iq>`,
        );
      } else {
        conn.send(
          `<iq type='result' id='${iq.id}' from='${MALLORY}/x'><query xmlns='jabber:iq:last' seconds='-5'/></iq>`,
        );
      }
      return true;
    };
    const { core: c } = await open();
    expect(await c.messenger.invoke('entity.time', { accountId: c.accountId, jid: `${MALLORY}/x` })).toMatchObject({
      ok: false,
      error: { reason: 'disco.malformed', params: { action: 'entity.time' } },
    });
    expect(
      await c.messenger.invoke('entity.lastActivity', { accountId: c.accountId, jid: `${MALLORY}/x` }),
    ).toMatchObject({ ok: false, error: { reason: 'disco.malformed', params: { action: 'entity.lastActivity' } } });
  });
});

describe('ad-hoc commands', () => {
  it('ends a run whose answer names another session', async () => {
    let step = 0;
    onRequest = (conn, iq) => {
      if (iq.to !== 'localhost' || !iq.body.includes(NS_COMMANDS)) return false;
      step += 1;
      const session = step === 1 ? 's-1' : 's-other';
      conn.send(`<iq type='result' id='${iq.id}' from='localhost'>
        <command xmlns='${NS_COMMANDS}' node='urn:test' sessionid='${session}' status='executing'>
          <actions execute='next'><next/></actions>
          <x xmlns='jabber:x:data' type='form'><field var='n' type='text-single'/></x>
        </command></iq>`);
      return true;
    };
    const { core: c } = await open();
    const first = (await c.messenger.invoke('adhoc.execute', {
      accountId: c.accountId,
      jid: 'localhost',
      node: 'urn:test',
    })) as {
      value: AdhocStepView;
    };
    expect(first.value).toMatchObject({ status: 'executing', actions: ['next'], defaultAction: 'next' });
    const second = await c.messenger.invoke('adhoc.continue', {
      accountId: c.accountId,
      sessionId: first.value.sessionId,
      action: 'next',
      values: { n: ['1'] },
    });
    expect(second).toMatchObject({ ok: false, error: { reason: 'adhoc.mismatch' } });
    // The run is over.
    expect(
      await c.messenger.invoke('adhoc.continue', {
        accountId: c.accountId,
        sessionId: first.value.sessionId,
        action: 'next',
        values: {},
      }),
    ).toMatchObject({ ok: false, error: { reason: 'adhoc.gone' } });
  });

  it('refuses an action the step does not offer without asking the entity', async () => {
    let asked = 0;
    onRequest = (conn, iq) => {
      if (iq.to !== 'localhost' || !iq.body.includes(NS_COMMANDS)) return false;
      asked += 1;
      conn.send(`<iq type='result' id='${iq.id}' from='localhost'>
        <command xmlns='${NS_COMMANDS}' node='urn:test' sessionid='s-1' status='executing'>
          <actions execute='complete'><complete/></actions></command></iq>`);
      return true;
    };
    const { core: c } = await open();
    const first = (await c.messenger.invoke('adhoc.execute', {
      accountId: c.accountId,
      jid: 'localhost',
      node: 'urn:test',
    })) as {
      value: AdhocStepView;
    };
    const prev = await c.messenger.invoke('adhoc.continue', {
      accountId: c.accountId,
      sessionId: first.value.sessionId,
      action: 'prev',
      values: {},
    });
    expect(prev).toMatchObject({ ok: false, error: { reason: 'adhoc.actionNotAllowed' } });
    expect(asked).toBe(1);
  });
});

describe('block list pushes', () => {
  it('applies a push from our server, refuses one from anyone else', async () => {
    onRequest = (conn, iq) => {
      if (iq.to === 'localhost' && iq.body.includes(NS_INFO)) {
        conn.send(
          `<iq type='result' id='${iq.id}' from='localhost'><query xmlns='${NS_INFO}'><feature var='${NS_BLOCKING}'/></query></iq>`,
        );
        return true;
      }
      if (iq.body.includes('<blocklist')) {
        conn.send(
          `<iq type='result' id='${iq.id}'><blocklist xmlns='${NS_BLOCKING}'><item jid='a@example.net'/></blocklist></iq>`,
        );
        return true;
      }
      return false;
    };
    const { core: c, conn } = await open();
    const list = () => c.messenger.blocking.views().find((v) => v.accountId === c.accountId)?.blocked;
    await waitUntil('list fetched', () => list() !== undefined);
    conn.send(`<iq type='set' id='forged' from='${MALLORY}'><unblock xmlns='${NS_BLOCKING}'/></iq>`);
    await waitUntil('forged push answered', () =>
      /<iq[^>]*id="forged"[^>]*type="error"|<iq[^>]*type="error"[^>]*id="forged"/.test(conn.received),
    );
    expect(list()).toEqual(['a@example.net']);
    conn.send(`<iq type='set' id='real'><block xmlns='${NS_BLOCKING}'><item jid='b@example.net'/></block></iq>`);
    await waitUntil('push applied', () => list()?.includes('b@example.net') === true);
    await waitUntil('push answered', () =>
      /<iq[^>]*id="real"[^>]*type="result"|<iq[^>]*type="result"[^>]*id="real"/.test(conn.received),
    );
  });
});
