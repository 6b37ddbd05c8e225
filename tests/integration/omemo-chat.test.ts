/**
 * OMEMO through the whole core (messenger, ChatService, SQLite on disk) against a real Prosody and
 * two independent implementations, as a user would use it: commands in, stored history out.
 *
 * - python-omemo + python-oldmemo on slixmpp (tests/support/omemo_peer.py): a message sent with
 *   message.send is read there, and the reverse is stored decrypted with the device and its trust; a
 *   device the peer adds mid-conversation gets the next message and writes back; messages that
 *   arrive while Jabberwock is offline (delivered from offline storage and found again in the
 *   archive) are read once each.
 * - profanity (libsignal-protocol-c, as Dino) in tmux: both directions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEncryptionView, MessageView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from '../support/core';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startPeer } from '../support/peer';
import { profanityAvailable, startProfanity, type Profanity } from '../support/profanity';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const JW = { user: 'jw', password: 'jw-chat-omemo-Pa55' };
const PY = { user: 'py', password: 'py-chat-omemo-Pa55' };
const PROF = { user: 'prof', password: 'prof-chat-omemo-Pa55' };
const JW_JID = 'jw@localhost';
const PY_JID = 'py@localhost';
const PROF_JID = 'prof@localhost';

const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  if (level !== 'debug') logLines.push(`${level} ${scope}: ${message} ${JSON.stringify(details ?? '')}`.slice(0, 400));
}, 'info');
const dirs: string[] = [];

/** Jabberwock's account subscribed both ways with `jid` (which accepts and asks back by itself, or after `answer`). */
async function subscribe(server: ProsodyServer, jid: string, answer?: () => Promise<void>): Promise<void> {
  const setup = await startPeer(server, JW, 'setup', log, (xmpp) =>
    xmpp.middleware.use((ctx, next) => {
      if (ctx.stanza.name === 'presence' && ctx.stanza.attrs.type === 'subscribe')
        void xmpp.send(xml('presence', { to: ctx.stanza.attrs.from, type: 'subscribed' }));
      return next();
    }),
  );
  await setup.send(xml('presence'));
  await setup.send(xml('presence', { to: jid, type: 'subscribe' }));
  await answer?.();
  await eventually(async () => expect((await setup.rosterItem(jid))?.subscription).toBe('both'), 30_000);
  await setup.stop();
}

async function openJabberwock(server: ProsodyServer): Promise<Core> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-omemo-chat-'));
  dirs.push(dir);
  return openTestCore(server, dir, createMemorySecretStore(), log, JW);
}

function history(core: Core, conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 500 });
  if (!page.ok) throw new Error(JSON.stringify(page.error));
  return page.value;
}

/** Opens the conversation as the renderer does, until the contact's devices are known and encryption is on. */
async function encryptedWith(core: Core, jid: string, deviceIds: number[]): Promise<void> {
  await eventually(async () => {
    const view = (await core.invoke('encryption.conversation', {
      accountId: core.accountId,
      conversation: jid,
    })) as ConversationEncryptionView;
    expect(view).toMatchObject({ encrypted: true, available: true });
    const devices = core.messenger.db
      .prepare('SELECT device_id FROM omemo_devices WHERE jid = ? AND active = 1')
      .all(jid) as { device_id: number }[];
    expect(devices.map((d) => d.device_id)).toEqual(expect.arrayContaining(deviceIds));
  }, 30_000);
}

async function send(core: Core, to: string, body: string): Promise<MessageView> {
  return (await core.invoke('message.send', {
    accountId: core.accountId,
    conversation: to,
    kind: 'chat',
    body,
  })) as MessageView;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!(await pythonOmemoAvailable()))('encrypted chat with python-omemo through the core', () => {
  let server: ProsodyServer;
  let jw: Core;
  let py: PythonOmemoPeer;
  const extra: PythonOmemoPeer[] = [];

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PY] });
    py = await startPythonOmemoPeer(server, PY, 'bot');
    await subscribe(server, PY_JID);
    jw = await openJabberwock(server);
  }, 120_000);

  afterAll(async () => {
    for (const peer of [...extra, py]) await peer?.stop().catch(() => undefined);
    await jw?.close();
    await server?.stop();
  });

  it('the peer reads what message.send encrypts; the history keeps the text, marked encrypted', async () => {
    await encryptedWith(jw, PY_JID, [py.deviceId]);
    for (const body of ['first words through the chat service', 'second ✓ ünïcode']) {
      const from = py.events.length;
      const sent = await send(jw, PY_JID, body);
      expect(sent.encryption).toMatchObject({ protocol: 'omemo', undecryptable: null });
      const read = await py.next((e) => e.event === 'message' || e.event === 'undecryptable', 'peer reads', from);
      expect(read, `${JSON.stringify(read)}\n${logLines.slice(-8).join('\n')}`).toMatchObject({
        event: 'message',
        from: JW_JID,
        body,
      });
    }
    await eventually(() => expect(history(jw, PY_JID).map((m) => m.state)).toEqual(['sent', 'sent']));
    expect(history(jw, PY_JID).map((m) => m.body)).toEqual([
      'first words through the chat service',
      'second ✓ ünïcode',
    ]);
  });

  it('stores what the peer encrypts, decrypted, with the device and its trust', async () => {
    py.send(JW_JID, 'hello Jabberwock, from python-omemo');
    await eventually(
      () =>
        expect(history(jw, PY_JID).at(-1)).toMatchObject({
          direction: 'in',
          body: 'hello Jabberwock, from python-omemo',
          encryption: { protocol: 'omemo', device: { id: py.deviceId, trust: 'blind' }, undecryptable: null },
        }),
      30_000,
    );
  });

  it('a device the peer adds mid-conversation gets the next message and writes back', async () => {
    const phone = await startPythonOmemoPeer(server, PY, 'phone');
    extra.push(phone);
    await encryptedWith(jw, PY_JID, [py.deviceId, phone.deviceId]);
    const fromOld = py.events.length;
    const fromNew = phone.events.length;
    await send(jw, PY_JID, 'to both of your devices');
    for (const [peer, from] of [
      [py, fromOld],
      [phone, fromNew],
    ] as const) {
      const read = await peer.next((e) => e.event === 'message' && e.body !== null, 'a device reads', from);
      expect(read).toMatchObject({ body: 'to both of your devices' });
    }
    phone.send(JW_JID, 'hello from the new phone');
    await eventually(
      () =>
        expect(history(jw, PY_JID).at(-1)).toMatchObject({
          body: 'hello from the new phone',
          encryption: { device: { id: phone.deviceId } },
        }),
      30_000,
    );
  });

  it('reads each message that came while offline once (offline storage and the archive both have it)', async () => {
    const before = history(jw, PY_JID).length;
    await jw.invoke('account.setEnabled', { id: jw.accountId, enabled: false });
    const mark = py.events.length;
    py.send(JW_JID, 'while you were away, one');
    py.send(JW_JID, 'while you were away, two');
    await eventually(() => expect(py.events.slice(mark).filter((e) => e.event === 'sent')).toHaveLength(2), 30_000);
    const eventsBefore = jw.events.length;
    await jw.invoke('account.setEnabled', { id: jw.accountId, enabled: true });
    await eventually(() => {
      const bodies = history(jw, PY_JID)
        .slice(before)
        .map((m) => m.body);
      expect(bodies).toEqual(['while you were away, one', 'while you were away, two']);
    }, 30_000);
    // Once the archive was read: nothing came twice, nothing was stored as unreadable (a second
    // copy read as a replay), and the copies were found before they were read.
    await eventually(() =>
      expect(jw.events.slice(eventsBefore)).toContainEqual(
        expect.objectContaining({ type: 'archive.sync', state: 'done' }),
      ),
    );
    expect(
      history(jw, PY_JID)
        .slice(before)
        .map((m) => m.encryption?.undecryptable ?? null),
    ).toEqual([null, null]);
    expect(jw.messenger.chat.stats(jw.accountId)?.duplicates).toBeGreaterThanOrEqual(2);
  }, 120_000); // a bound on going offline and back, not a speed check
});

describe.skipIf(!profanityAvailable())('encrypted chat with profanity (libsignal-protocol-c) through the core', () => {
  let server: ProsodyServer;
  let jw: Core;
  let prof: Profanity;

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PROF] });
    prof = await startProfanity(server, PROF);
    await subscribe(server, PROF_JID, async () => {
      await prof.type(`/sub allow ${JW_JID}`);
      await prof.type(`/sub request ${JW_JID}`);
    });
    jw = await openJabberwock(server);
  }, 120_000);

  afterAll(async () => {
    await prof?.stop();
    await jw?.close();
    await server?.stop();
  });

  it('profanity reads what message.send encrypts', async () => {
    await encryptedWith(jw, PROF_JID, [prof.deviceId]);
    for (const body of ['hello profanity, through the chat service', 'and a second one ✓']) {
      await send(jw, PROF_JID, body);
      await eventually(async () => {
        if (!prof.received(JW_JID).some((m) => m.message === body))
          throw new Error(`profanity has not stored "${body}"\n${await prof.screen()}\n${prof.log()}`);
      }, 30_000);
    }
  }, 120_000); // a bound on a terminal client driven through tmux, not a speed check

  it('the core stores what profanity encrypts, decrypted, with profanity’s device', async () => {
    await prof.type(`/msg ${JW_JID}`);
    await prof.type(`/omemo start ${JW_JID}`);
    await prof.type('hello Jabberwock, from profanity');
    await eventually(
      () =>
        expect(history(jw, PROF_JID).at(-1)).toMatchObject({
          direction: 'in',
          body: 'hello Jabberwock, from profanity',
          encryption: { device: { id: prof.deviceId } },
        }),
      30_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await prof.screen()}\n${logLines.slice(-8).join('\n')}`);
    });
  }, 120_000); // a bound on a terminal client driven through tmux, not a speed check
});
