/**
 * Moderated retraction (XEP-0425) against a scripted room: Prosody 0.12 in Debian has no
 * mod_muc_moderation (a community module), so the room here is played by the scripted server. We
 * ask as a moderator by the room's stanza-id; the announcement counts only from the room itself,
 * not from an occupant forging one; a refusal comes back with the room's condition.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { localhostTls } from '../support/certs';
import { answerBasics, ME, openScriptedCore, type ScriptedCore } from '../support/scripted-core';
import {
  featuresWithSm,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { eventually, waitUntil } from '../support/wait';

const ROOM = 'xsf@muc.example.com';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_SID = 'urn:xmpp:sid:0';
const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
const NS_RETRACT = 'urn:xmpp:message-retract:1';
const NS_MODERATE = 'urn:xmpp:message-moderate:1';

let dir: string;
let caPem: string;
let server: ScriptedServer;
let core: ScriptedCore | null = null;
/** How the room answers a moderation request: 'ok' announces it, else the error condition. */
let roomAnswer: 'ok' | 'forbidden' = 'ok';
const moderations: string[] = [];

const announcement = (from: string, id: string) =>
  `<message type='groupchat' from='${from}' to='${ME}/desk' id='mod-${id}'>` +
  `<retract xmlns='${NS_RETRACT}' id='${id}'><moderated xmlns='${NS_MODERATE}' by='${ROOM}/boss'/>` +
  `<reason>spam</reason></retract></message>`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-moderation-'));
  const { ca, tls } = await localhostTls(dir);
  caPem = ca.caPem;
  server = await startScriptedServer({
    tls,
    features: featuresWithSm,
    onData: (conn, chunk) => {
      const handled = answerBasics(conn, chunk, '', (iq) => {
        const id = new RegExp(`<moderate\\b[^>]*${NS_MODERATE}[^>]*\\bid=["']([^"']+)["']`).exec(iq.body)?.[1];
        if (!id || iq.to !== ROOM) return false;
        moderations.push(id);
        if (roomAnswer === 'ok') {
          conn.send(`<iq type='result' id='${iq.id}' from='${ROOM}'/>`);
          conn.send(announcement(ROOM, id));
        } else {
          conn.send(
            `<iq type='error' id='${iq.id}' from='${ROOM}'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
          );
        }
        return true;
      });
      if (handled) return;
      // A join: the room answers with our self-presence (110), as a moderator, with an occupant-id.
      if (new RegExp(`<presence\\b[^>]*\\bto=["']${ROOM}/me["'][^>]*>[\\s\\S]*?${NS_MUC}`).test(chunk)) {
        conn.send(
          `<presence from='${ROOM}/me'><x xmlns='${NS_MUC_USER}'><item affiliation='admin' role='moderator'/>` +
            `<status code='110'/></x><occupant-id xmlns='${NS_OCCUPANT_ID}' id='occ-me'/></presence>`,
        );
      }
    },
  });
});

afterEach(async () => {
  await core?.close();
  core = null;
  roomAnswer = 'ok';
  moderations.length = 0;
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openInRoom(): Promise<{ core: ScriptedCore; conn: ScriptedConnection }> {
  const before = server.connections.length;
  core = await openScriptedCore(
    server,
    caPem,
    fs.mkdtempSync(path.join(dir, 'core-')),
    createLogger(() => {}),
  );
  const conn = server.connections[before];
  const joined = await core.messenger.invoke('muc.join', { accountId: core.accountId, room: ROOM, nick: 'me' });
  expect(joined.ok).toBe(true);
  conn.send(
    `<message type='groupchat' from='${ROOM}/spammer' id='s1'><body>buy cheap watches</body>` +
      `<stanza-id xmlns='${NS_SID}' by='${ROOM}' id='sid-spam'/><occupant-id xmlns='${NS_OCCUPANT_ID}' id='occ-spam'/></message>`,
  );
  await waitUntil('the spam stored', () => history(core!).some((m) => m.body === 'buy cheap watches'));
  return { core, conn };
}

function history(c: ScriptedCore): MessageView[] {
  const page = c.messenger.chat.history({ accountId: c.accountId, conversation: ROOM, limit: 100 });
  return page.ok ? page.value : [];
}

describe('moderation (XEP-0425) against a scripted room', () => {
  it('a moderator removes a message by its stanza-id; an occupant forging the announcement changes nothing', async () => {
    const { core: c, conn } = await openInRoom();
    const spam = history(c)[0];
    // Mallory, an occupant, sends what only the room may send.
    conn.send(announcement(`${ROOM}/mallory`, 'sid-spam'));
    conn.send(`<message type='groupchat' from='${ROOM}/x' id='m2'><body>still here</body></message>`);
    await waitUntil('the next line', () => history(c).some((m) => m.body === 'still here'));
    expect(history(c)[0]).toMatchObject({ body: 'buy cheap watches' });
    expect(history(c)[0].retracted).toBeUndefined();

    const result = await c.messenger.invoke('muc.moderate', { accountId: c.accountId, id: spam.id, reason: 'spam' });
    expect(result.ok).toBe(true);
    expect(moderations).toEqual(['sid-spam']);
    await eventually(() => expect(history(c)[0]).toMatchObject({ id: spam.id, body: '', retracted: 'moderator' }));
    const search = c.messenger.chat.search({ query: 'watches', limit: 10 });
    expect(search.ok && search.value).toEqual([]);
  });

  it('a refusal from the room comes back with its condition and removes nothing', async () => {
    const { core: c } = await openInRoom();
    roomAnswer = 'forbidden';
    const result = await c.messenger.invoke('muc.moderate', { accountId: c.accountId, id: history(c)[0].id });
    expect(!result.ok && result.error).toMatchObject({
      reason: 'replies.moderationRefused',
      params: { condition: 'forbidden' },
    });
    expect(history(c)[0].body).toBe('buy cheap watches');
  });
});
