/**
 * Encrypted files (aesgcm:, XEP-0454) in OMEMO chats through the whole core, against Prosody 0.12's
 * mod_http_file_share and python-omemo on slixmpp (tests/support/omemo_peer.py with
 * aesgcm_files.py, AES-256-GCM from python3-cryptography) as the other client, both ways:
 *
 * - we send a file with encryption on: the server gets only ciphertext, the peer gets the aesgcm:
 *   address in an OMEMO message (never in the clear, no jabber:x:oob), fetches it and decrypts the
 *   same bytes;
 * - the peer sends a picture (12-byte IV, and a 16-byte IV as older clients do): we store the
 *   message as a file, look at it (its plain size), preview it and download the decrypted bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppEvent,
  ConversationEncryptionView,
  FileInfoView,
  MediaRef,
  MessageView,
  TransferView,
} from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from '../support/core';
import { png } from '../support/media-samples';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startPeer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually, waitUntil } from '../support/wait';

const JW = { user: 'jw', password: 'jw-files-omemo-Pa55' };
const PY = { user: 'py', password: 'py-files-omemo-Pa55' };
const PY_JID = 'py@localhost';
const JW_JID = 'jw@localhost';

const log: Logger = createLogger(() => {}, 'info');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!(await pythonOmemoAvailable()))('encrypted files with python-omemo', () => {
  let server: ProsodyServer;
  let dir: string;
  let downloads: string;
  let jw: Core;
  let py: PythonOmemoPeer;

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PY], httpUpload: { sizeLimit: 5_000_000 } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-omemo-files-'));
    downloads = path.join(dir, 'Downloads');
    py = await startPythonOmemoPeer(server, PY, 'bot');
    // Subscribed both ways: the peer's device list is then readable to us.
    const setup = await startPeer(server, JW, 'setup', log, (xmpp) =>
      xmpp.middleware.use((ctx, next) => {
        if (ctx.stanza.name === 'presence' && ctx.stanza.attrs.type === 'subscribe')
          void xmpp.send(xml('presence', { to: ctx.stanza.attrs.from, type: 'subscribed' }));
        return next();
      }),
    );
    await setup.send(xml('presence'));
    await setup.send(xml('presence', { to: PY_JID, type: 'subscribe' }));
    await eventually(async () => expect((await setup.rosterItem(PY_JID))?.subscription).toBe('both'), 30_000);
    await setup.stop();
    jw = await openTestCore(server, path.join(dir, 'jw'), createMemorySecretStore(), log, JW, {
      downloadsDir: downloads,
    });
    await eventually(async () => {
      const view = (await jw.invoke('encryption.conversation', {
        accountId: jw.accountId,
        conversation: PY_JID,
      })) as ConversationEncryptionView;
      expect(view).toMatchObject({ encrypted: true, available: true });
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    await py?.stop().catch(() => undefined);
    await jw?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const history = (): MessageView[] => {
    const page = jw.messenger.chat.history({ accountId: jw.accountId, conversation: PY_JID, limit: 500 });
    if (!page.ok) throw new Error(page.error.reason);
    return page.value;
  };
  const latest = (id: string) =>
    jw.events
      .filter((event): event is Extract<AppEvent, { type: 'transfer' }> => event.type === 'transfer')
      .map((event) => event.transfer)
      .filter((transfer) => transfer.id === id)
      .at(-1);

  it('we send a file encrypted: the peer gets the aesgcm: address only encrypted and decrypts the same bytes', async () => {
    const bytes = randomBytes(300_000);
    const outgoing: Element[] = [];
    jw.sessions.at(-1)!.xmpp.on('send', (stanza: Element) => {
      if (stanza.name === 'message') outgoing.push(stanza);
    });
    const staged = await jw.messenger.mediaAccess!.stage('report.pdf', Readable.from([bytes]));
    if (!staged.ok) throw new Error(staged.message);
    const from = py.events.length;
    const started = (await jw.invoke('upload.start', {
      accountId: jw.accountId,
      conversation: PY_JID,
      kind: 'chat',
      file: staged.staged.id,
    })) as TransferView;
    await waitUntil('upload done', () => ['done', 'failed'].includes(latest(started.id)?.state ?? ''), 30_000);
    const url = latest(started.id)!.url!;
    expect(url).toMatch(/^aesgcm:\/\/[^#]+\.pdf#[0-9a-f]{88}$/);
    // The report.pdf name stays private: the server sees a random name.
    expect(url).not.toContain('report');
    const read = await py.next((e) => e.event === 'message' && e.body === url, 'the peer reads the address', from);
    expect(read).toMatchObject({ from: JW_JID });
    py.fetchFile(url);
    const fetched = await py.next((e) => (e.event === 'file' && e.url === url) || e.event === 'error', 'fetched');
    expect(fetched).toMatchObject({ event: 'file', sha256: sha256(bytes), bytes: bytes.length, iv_bytes: 12 });
    await eventually(() =>
      expect(history().find((m) => m.body === url)).toMatchObject({
        direction: 'out',
        file: true,
        encryption: { protocol: 'omemo' },
      }),
    );
    // On the wire: only encrypted, with neither the key nor jabber:x:oob in the clear.
    expect(outgoing.some((stanza) => stanza.getChild('encrypted', 'eu.siacs.conversations.axolotl'))).toBe(true);
    const clear = outgoing.map((stanza) => stanza.toString()).join('\n');
    expect(clear).not.toContain(url.slice(url.indexOf('#') + 1));
    expect(clear).not.toContain('jabber:x:oob');
  });

  for (const ivBytes of [12, 16] as const) {
    it(`the peer sends a picture (${ivBytes}-byte IV): we show it as a file, preview it and download the plain bytes`, async () => {
      const picture = png(320, 200, { seed: ivBytes });
      const from = py.events.length;
      py.sendFile(JW_JID, `sunset-${ivBytes}.png`, picture, ivBytes);
      const sent = await py.next((e) => e.event === 'file_sent' || e.event === 'error', 'the peer sent it', from);
      expect(sent.event).toBe('file_sent');
      const url = String(sent.url);
      let message: MessageView | undefined;
      await waitUntil('we have it', () => (message = history().find((m) => m.body === url)) !== undefined, 30_000);
      expect(message).toMatchObject({ direction: 'in', file: true, encryption: { protocol: 'omemo' } });
      const info = (await jw.invoke('file.inspect', {
        accountId: jw.accountId,
        messageId: message!.id,
      })) as FileInfoView;
      expect(info).toMatchObject({ name: `sunset-${ivBytes}.png`, size: picture.length, type: null });
      const ref = (await jw.invoke('media.preview', { accountId: jw.accountId, messageId: message!.id })) as MediaRef;
      expect(ref).toMatchObject({ mime: 'image/png', width: 320, height: 200 });
      const started = (await jw.invoke('download.start', {
        accountId: jw.accountId,
        messageId: message!.id,
      })) as TransferView;
      await waitUntil('download ended', () => ['done', 'failed'].includes(latest(started.id)?.state ?? ''));
      expect(latest(started.id)).toMatchObject({ state: 'done', name: `sunset-${ivBytes}.png` });
      expect(fs.readFileSync(path.join(downloads, `sunset-${ivBytes}.png`)).equals(picture)).toBe(true);
    });
  }
});
