/**
 * MUC self-ping (XEP-0410) against a hostile server (the scripted one), the whole core signed in:
 * waking twice sends one ping; a ping answered by the room's bare JID or another occupant, or with
 * an error condition outside the stanzas namespace, decides nothing; a result full of junk means we
 * are in; only our occupant JID's own <not-acceptable/> makes us join again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RoomView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { localhostTls } from '../support/certs';
import { answerBasics, openScriptedCore, type ScriptedCore } from '../support/scripted-core';
import {
  featuresWithSm,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const ROOM = 'den@conference.localhost';
const OCCUPANT = `${ROOM}/me`;
const NS_PING = 'urn:xmpp:ping';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

let dir: string;
let server: ScriptedServer;
let core: ScriptedCore | undefined;
const log = createLogger(() => {}, 'debug');
const pings: string[] = [];
let joins = 0;
let answerPing: (conn: ScriptedConnection, id: string) => void = () => {};

const error = (id: string, from: string, condition: string, ns = NS_STANZAS) =>
  `<iq type='error' id='${id}' from='${from}'><error type='cancel'><${condition} xmlns='${ns}'/></error></iq>`;

/** Our join presences (with the MUC element) to the room, answered with our self-presence. */
function answerJoins(conn: ScriptedConnection, chunk: string): void {
  for (const match of chunk.matchAll(/<presence\b[^>]*>/g)) {
    const tag = match[0];
    const body = chunk.slice(match.index, match.index + 300);
    if (
      !tag.includes(OCCUPANT) ||
      /\btype=/.test(tag) ||
      !/xmlns=["']http:\/\/jabber\.org\/protocol\/muc["']/.test(body)
    )
      continue;
    joins++;
    conn.send(
      `<presence from='${OCCUPANT}' to='me@localhost/desk'><x xmlns='http://jabber.org/protocol/muc#user'><item role='participant' affiliation='none'/><status code='110'/></x></presence>`,
    );
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-self-ping-hostile-'));
  const { ca, tls } = await localhostTls(dir);
  server = await startScriptedServer({
    tls,
    features: featuresWithSm,
    onData: (conn, chunk) => {
      const done = answerBasics(conn, chunk, '', (iq) => {
        if (iq.to !== OCCUPANT || !iq.body.includes(NS_PING)) return false;
        pings.push(iq.id);
        answerPing(conn, iq.id);
        return true;
      });
      if (!done) answerJoins(conn, chunk);
    },
  });
  core = await openScriptedCore(server, ca.caPem, fs.mkdtempSync(path.join(dir, 'core-')), log);
});

afterAll(async () => {
  await core?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('garbage and forged answers decide nothing, one ping at a time; the room’s own not-acceptable joins again', async () => {
  const c = core!;
  const room = () => c.messenger.muc.room(c.accountId, ROOM);
  /** A request to the room after the ping: its answer comes after the ping's (one stream, in order). */
  const roundTrip = () => c.messenger.invoke('muc.roomInfo', { accountId: c.accountId, room: ROOM });
  const joined = await c.messenger.invoke('muc.join', { accountId: c.accountId, room: ROOM, nick: 'me' });
  expect(joined).toMatchObject({ ok: true, value: { state: 'joined' } satisfies Partial<RoomView> });
  expect(joins).toBe(1);

  answerPing = (conn, id) => {
    conn.send(error(id, ROOM, 'not-acceptable'));
    conn.send(error(id, `${ROOM}/mallory`, 'not-acceptable'));
    conn.send(error(id, 'mallory@evil.example/x', 'not-acceptable'));
    conn.send(error(id, OCCUPANT, 'not-acceptable', 'urn:example:evil'));
  };
  c.messenger.checkConnections();
  c.messenger.checkConnections();
  await waitUntil('a ping', () => pings.length > 0);
  await roundTrip();
  expect(pings).toHaveLength(1);
  expect(room()?.state).toBe('joined');
  expect(joins).toBe(1);

  answerPing = (conn, id) =>
    conn.send(
      `<iq type='result' id='${id}' from='${OCCUPANT}'><junk xmlns='urn:example:junk'>${'x'.repeat(4000)}<a/><b c='d'/></junk></iq>`,
    );
  c.messenger.checkConnections();
  await waitUntil('a second ping', () => pings.length === 2);
  await roundTrip();
  expect(room()?.state).toBe('joined');
  expect(joins).toBe(1);

  answerPing = (conn, id) => conn.send(error(id, OCCUPANT, 'not-acceptable'));
  c.messenger.checkConnections();
  await waitUntil('joining again', () => joins === 2);
  await waitUntil('in the room again', () => room()?.state === 'joined');
  expect(pings).toHaveLength(3);
  expect(c.messenger.muc.notices().map((n) => n.code)).toContain('muc.selfPingRejoining');
  expect(c.messenger.accounts.list()[0].connection.status).toBe('online');
});
