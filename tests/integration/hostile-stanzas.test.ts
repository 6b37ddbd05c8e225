/**
 * The whole core against a scripted server that forges what a real one would not: group chat carbons
 * and forwards inside room messages, origin-ids and stanza-ids reused by someone else, and IQs nobody
 * should answer for us.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { answerBasics, iqsIn, ME, scriptedServerForFile, type ScriptedCore } from '../support/scripted-core';
import type { ScriptedConnection } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const ROOM = 'xsf@muc.example.com';
const ALICE = 'alice@example.com';
const MALLORY = 'mallory@evil.example';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_SID = 'urn:xmpp:sid:0';
const NS_FORWARD = 'urn:xmpp:forward:0';
const ROSTER = `<item jid='${ALICE}' subscription='both'/>`;

const logLines: string[] = [];
const log = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

/** What the test's script does with each request (after the basics); true when it answered it. */
let onRequest: (conn: ScriptedConnection, iq: ReturnType<typeof iqsIn>[number]) => boolean = () => false;

afterEach(() => {
  onRequest = () => false;
  logLines.length = 0;
});

const scripted = scriptedServerForFile('jw-hostile-', (conn, chunk) => {
  if (answerBasics(conn, chunk, ROSTER, (iq) => onRequest(conn, iq))) return;
  // A join: the room answers with our self-presence (110).
  const join = new RegExp(`<presence\\b[^>]*\\bto=["']${ROOM}/me["'][^>]*>[\\s\\S]*?${NS_MUC}`).exec(chunk);
  if (join) {
    conn.send(
      `<presence from='${ROOM}/me'><x xmlns='${NS_MUC_USER}'><item affiliation='member' role='participant'/><status code='110'/></x></presence>`,
    );
  }
});

const open = () => scripted.open(log);

function history(c: ScriptedCore, conversation: string): MessageView[] {
  const page = c.messenger.chat.history({ accountId: c.accountId, conversation, limit: 100 });
  return page.ok ? page.value : [];
}

async function joinRoom(c: ScriptedCore): Promise<void> {
  const result = await c.messenger.invoke('muc.join', { accountId: c.accountId, room: ROOM, nick: 'me' });
  expect(result.ok).toBe(true);
}

describe('group chat carbons and forwards inside room messages', () => {
  it('never shows a forwarded message as written by its inner sender, and logs it', async () => {
    const { core: c, conn } = await open();
    await joinRoom(c);
    // Converse.js #1704: a groupchat-typed "carbon" from an occupant, wrapping another occupant's message.
    conn.send(
      `<message type='groupchat' from='${ROOM}/balu' to='${ME}/desk'>` +
        `<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='${NS_FORWARD}'>` +
        `<message type='groupchat' from='${ROOM}/i_am_groot' to='${ME}/desk'><body>I am groot</body></message>` +
        `</forwarded></received></message>`,
    );
    // An occupant's message carrying a bare forward of "Alice" (no carbon, no archive result).
    conn.send(
      `<message type='groupchat' from='${ROOM}/mallory' id='m1'><body>look what alice said</body>` +
        `<forwarded xmlns='${NS_FORWARD}'><message type='groupchat' from='${ROOM}/alice'><body>I am alice</body></message></forwarded></message>`,
    );
    // Bare forwards in a chat message, and one with no body of its own.
    conn.send(
      `<message type='chat' from='${MALLORY}/x' id='m2'><forwarded xmlns='${NS_FORWARD}'>` +
        `<message type='chat' from='${ALICE}/phone'><body>forged alice</body></message></forwarded></message>`,
    );
    conn.send(`<message type='groupchat' from='${ROOM}/balu' id='m3'><body>a real line</body></message>`);
    await waitUntil('the real line stored', () => history(c, ROOM).some((m) => m.body === 'a real line'));

    const room = history(c, ROOM).map((m) => [m.from, m.body]);
    expect(room).toEqual([
      ['mallory', 'look what alice said'],
      ['balu', 'a real line'],
    ]);
    expect(history(c, ALICE)).toEqual([]);
    expect(JSON.stringify(c.messenger.chat.conversations())).not.toMatch(/groot|I am alice|forged alice/);
    expect(logLines.some((line) => line.includes('forged carbon dropped'))).toBe(true);
    expect(logLines.filter((line) => line.includes('ignoring unencapsulated forwarded message'))).toHaveLength(1);
  });
});

describe('de-duplication per conversation and sender', () => {
  it("Mallory reusing Alice's origin-id and stanza-ids neither hides nor merges; Alice's live and archived copies are one", async () => {
    onRequest = (conn, iq) => {
      const queryId = /<query\b[^>]*urn:xmpp:mam:2[^>]*queryid=["']([^"']+)["']/.exec(iq.body)?.[1];
      if (!queryId || iq.to) return false;
      // Live first: Alice, then Mallory with Alice's ids (a server that passes a stanza-id naming us through).
      conn.send(
        `<message type='chat' from='${ALICE}/phone' id='a1'><body>hi from alice</body>` +
          `<origin-id xmlns='${NS_SID}' id='a1'/><stanza-id xmlns='${NS_SID}' by='${ME}' id='S-alice'/></message>`,
      );
      conn.send(
        `<message type='chat' from='${MALLORY}/x' id='a1'><body>hi from mallory</body>` +
          `<origin-id xmlns='${NS_SID}' id='a1'/><stanza-id xmlns='${NS_SID}' by='${ME}' id='S-alice'/></message>`,
      );
      // Then our archive's page: Alice's message again.
      conn.send(
        `<message><result xmlns='urn:xmpp:mam:2' queryid='${queryId}' id='S-alice'><forwarded xmlns='${NS_FORWARD}'>` +
          `<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/>` +
          `<message type='chat' from='${ALICE}/phone' to='${ME}' id='a1'><body>hi from alice</body><origin-id xmlns='${NS_SID}' id='a1'/></message>` +
          `</forwarded></result></message>`,
      );
      conn.send(
        `<iq type='result' id='${iq.id}'><fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'><first>S-alice</first><last>S-alice</last></set></fin></iq>`,
      );
      return true;
    };
    const { core: c, conn } = await open();
    await waitUntil('the archive read', () => c.events.some((e) => e.type === 'archive.sync' && e.state === 'done'));
    await waitUntil('both stored', () => history(c, ALICE).length > 0 && history(c, MALLORY).length > 0);
    expect(history(c, ALICE).map((m) => [m.from, m.body])).toEqual([[ALICE, 'hi from alice']]);
    expect(history(c, MALLORY).map((m) => [m.from, m.body])).toEqual([[MALLORY, 'hi from mallory']]);

    // In a room: Mallory's message carries a forged stanza-id naming the room before the room's own.
    await joinRoom(c);
    conn.send(
      `<message type='groupchat' from='${ROOM}/alice' id='r1'><body>alice in the room</body>` +
        `<origin-id xmlns='${NS_SID}' id='r1'/><stanza-id xmlns='${NS_SID}' by='${ROOM}' id='RS-1'/></message>`,
    );
    conn.send(
      `<message type='groupchat' from='${ROOM}/mallory' id='r1'><body>mallory in the room</body><origin-id xmlns='${NS_SID}' id='r1'/>` +
        `<stanza-id xmlns='${NS_SID}' by='${ROOM}' id='RS-1'/><stanza-id xmlns='${NS_SID}' by='${ROOM}' id='RS-2'/></message>`,
    );
    // Alice's line reflected again by the room (history after a rejoin): the same message.
    conn.send(
      `<message type='groupchat' from='${ROOM}/alice' id='r1'><body>alice in the room</body>` +
        `<origin-id xmlns='${NS_SID}' id='r1'/><stanza-id xmlns='${NS_SID}' by='${ROOM}' id='RS-1'/></message>`,
    );
    conn.send(`<message type='groupchat' from='${ROOM}/balu' id='end'><body>end</body></message>`);
    await waitUntil('the room stored', () => history(c, ROOM).some((m) => m.body === 'end'));
    expect(history(c, ROOM).map((m) => [m.from, m.body])).toEqual([
      ['alice', 'alice in the room'],
      ['mallory', 'mallory in the room'],
      ['balu', 'end'],
    ]);
  });
});

describe('unsolicited IQs', () => {
  it('answers unknown gets and sets with an error to the sender, never answers results or errors', async () => {
    const { conn } = await open();
    const stranger = 'stranger@evil.example/x';
    const requests: Record<string, string> = {
      version: `<iq type='get' id='q-version' from='${stranger}' to='${ME}/desk'><query xmlns='jabber:iq:version'/></iq>`,
      last: `<iq type='get' id='q-last' from='${stranger}' to='${ME}/desk'><query xmlns='jabber:iq:last'/></iq>`,
      time: `<iq type='get' id='q-time' from='${stranger}' to='${ME}/desk'><time xmlns='urn:xmpp:time'/></iq>`,
      unknownGet: `<iq type='get' id='q-unknown' from='${stranger}' to='${ME}/desk'><query xmlns='urn:example:unknown'/></iq>`,
      unknownSet: `<iq type='set' id='q-set' from='${stranger}' to='${ME}/desk'><command xmlns='urn:example:unknown'/></iq>`,
      twoChildren: `<iq type='set' id='q-two' from='${stranger}' to='${ME}/desk'><a xmlns='urn:example:a'/><b xmlns='urn:example:b'/></iq>`,
      noChild: `<iq type='get' id='q-none' from='${stranger}' to='${ME}/desk'/>`,
      result: `<iq type='result' id='q-result' from='${stranger}' to='${ME}/desk'><query xmlns='jabber:iq:version'/></iq>`,
      error: `<iq type='error' id='q-error' from='${stranger}' to='${ME}/desk'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
    };
    const mark = conn.received.length;
    conn.send(Object.values(requests).join(''));
    conn.send(`<iq type='get' id='q-ping' from='localhost' to='${ME}/desk'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await waitUntil('the ping answered', () => conn.received.slice(mark).includes('q-ping'));
    const answers = iqsIn(conn.received.slice(mark));
    const answer = (id: string) => {
      const found = answers.filter((iq) => iq.id === id);
      expect(found, id).toHaveLength(1);
      return found[0];
    };
    for (const id of ['q-version', 'q-last', 'q-time', 'q-unknown', 'q-set']) {
      const reply = answer(id);
      expect(reply.type, id).toBe('error');
      expect(reply.to, id).toBe(stranger);
      expect(reply.body, id).toMatch(
        /<(service-unavailable|feature-not-implemented) xmlns=["']urn:ietf:params:xml:ns:xmpp-stanzas/,
      );
      expect(reply.body, id).not.toMatch(/<name>|<os>|<utc>|seconds=/); // nothing about us leaks
    }
    for (const id of ['q-two', 'q-none']) {
      expect(answer(id).type, id).toBe('error');
      expect(answer(id).body, id).toMatch(/<bad-request/);
    }
    expect(answers.filter((iq) => iq.id === 'q-result' || iq.id === 'q-error')).toEqual([]);
    expect(answer('q-ping').type).toBe('result');
  });
});
