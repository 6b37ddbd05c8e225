/**
 * Files between Jabberwock and another client, both ways, against Prosody 0.12's
 * mod_http_file_share on a loopback HTTPS port with the test CA. Carol is python3-slixmpp with its
 * XEP-0363 and XEP-0066 plugins (file_peer.py). We send: Carol sees the address as the body with
 * jabber:x:oob and downloads the same bytes (a picture's metadata removed unless kept). Carol
 * uploads and sends: we mark the message as a file, look at it, preview and download it. Also the
 * hostile cases a file message can bring: an http: address, a lying Content-Length, a huge file, a
 * HEAD that never answers.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, FileInfoView, MediaRef, MessageView, TransferView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { stripImageMetadata } from '../../src/main/core/media/strip-metadata';
import { openTestCore, type Core } from '../support/core';
import { startFilePeer, type FilePeer, type FilePeerEvent } from '../support/file-peer';
import { startScriptedHttps, type ScriptedHttps } from '../support/https-server';
import { GPS_SECRET, jpegWithExif, png } from '../support/media-samples';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-interop-Pa55' };
const CAROL = { user: 'carol', password: 'carol-interop-Pa55' };
const LIMIT = 5_000_000;
const MAX_DOWNLOAD = 2_000_000;
const log: Logger = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let dir: string;
let downloads: string;
let alice: Core;
let carol: FilePeer;

beforeAll(async () => {
  server = await startProsody({ users: [ALICE, CAROL], httpUpload: { sizeLimit: LIMIT } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-upload-interop-'));
  downloads = path.join(dir, 'Downloads');
  alice = await openTestCore(server, path.join(dir, 'alice'), createMemorySecretStore(), log, ALICE, {
    downloadsDir: downloads,
    maxDownloadBytes: MAX_DOWNLOAD,
    httpIdleTimeoutMs: 1500,
  });
  carol = await startFilePeer(server, CAROL, 'laptop');
});

afterAll(async () => {
  await carol?.stop();
  await alice?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function stage(name: string, bytes: Buffer): Promise<string> {
  const answer = await alice.messenger.mediaAccess!.stage(name, Readable.from([bytes]));
  if (!answer.ok) throw new Error(answer.message);
  return answer.staged.id;
}

const latest = (id: string) =>
  alice.events
    .filter((event): event is Extract<AppEvent, { type: 'transfer' }> => event.type === 'transfer')
    .map((event) => event.transfer)
    .filter((transfer) => transfer.id === id)
    .at(-1);

function history(): MessageView[] {
  const page = alice.messenger.chat.history({
    accountId: alice.accountId,
    conversation: 'carol@localhost',
    limit: 500,
  });
  if (!page.ok) throw new Error(page.error.reason);
  return page.value;
}

/** Alice sends a file to Carol; resolves with the address once Carol has the message. */
async function sendToCarol(name: string, bytes: Buffer): Promise<{ url: string; message: FilePeerEvent }> {
  const from = carol.events.length;
  const started = (await alice.invoke('upload.start', {
    accountId: alice.accountId,
    conversation: 'carol@localhost',
    kind: 'chat',
    file: await stage(name, bytes),
  })) as TransferView;
  await waitUntil('upload done', () => latest(started.id)?.state === 'done');
  const url = latest(started.id)!.url!;
  const message = await carol.next((e) => e.event === 'message' && e.body === url, 'the file message', from);
  return { url, message };
}

async function fetchAsCarol(url: string): Promise<FilePeerEvent> {
  const from = carol.events.length;
  await carol.run({ cmd: 'fetch', url });
  return carol.next((e) => e.event === 'fetched' && e.url === url, 'fetched', from);
}

/** Carol sends `url` as a file message; resolves with Alice's stored message. */
async function fromCarol(url: string): Promise<MessageView> {
  await carol.run({ cmd: 'send_url', to: 'alice@localhost', url });
  let found: MessageView | undefined;
  await waitUntil('Alice has the message', () => (found = history().find((m) => m.body === url)) !== undefined);
  return found!;
}

async function download(messageId: number): Promise<TransferView> {
  const started = (await alice.invoke('download.start', { accountId: alice.accountId, messageId })) as TransferView;
  await waitUntil('download ended', () => ['done', 'failed'].includes(latest(started.id)?.state ?? ''));
  return latest(started.id)!;
}

describe('files with slixmpp as the other client', () => {
  it('we send a photo: Carol gets the address as body and jabber:x:oob, and downloads it without its GPS', async () => {
    const photo = jpegWithExif(1200, 900);
    const { url, message } = await sendToCarol('photo.jpg', photo);
    expect(url).toMatch(/^https:\/\/.+\/photo\.jpg$/);
    expect(message.oob).toBe(url);
    const fetched = await fetchAsCarol(url);
    const expected = stripImageMetadata(photo)!;
    expect(fetched).toMatchObject({ status: 200, bytes: expected.length, sha256: sha256(expected) });
    expect(expected.includes(Buffer.from(GPS_SECRET))).toBe(false);
    // Our own message is a file message too (it was sent with the element, once).
    expect(history().filter((m) => m.body === url)).toEqual([expect.objectContaining({ file: true })]);
  });

  it('with the metadata kept, the picture goes byte for byte', async () => {
    await alice.invoke('prefs.update', { keepImageMetadata: true });
    try {
      const photo = jpegWithExif(640, 480);
      const { url } = await sendToCarol('kept.jpg', photo);
      expect(await fetchAsCarol(url)).toMatchObject({ status: 200, sha256: sha256(photo) });
    } finally {
      await alice.invoke('prefs.update', { keepImageMetadata: false });
    }
  });

  it('Carol uploads a picture and sends it: we show it as a file, look at it, preview and download it', async () => {
    const picture = png(320, 200, { seed: 3 });
    const done = await carol.run({
      cmd: 'send_file',
      to: 'alice@localhost',
      name: 'sunset.png',
      data: picture.toString('base64'),
      type: 'image/png',
    });
    const url = String(done.url);
    let message: MessageView | undefined;
    await waitUntil('Alice has it', () => (message = history().find((m) => m.body === url)) !== undefined);
    expect(message).toMatchObject({ direction: 'in', file: true });
    const info = (await alice.invoke('file.inspect', {
      accountId: alice.accountId,
      messageId: message!.id,
    })) as FileInfoView;
    expect(info).toMatchObject({ name: 'sunset.png', size: picture.length, type: 'image/png' });
    const ref = (await alice.invoke('media.preview', {
      accountId: alice.accountId,
      messageId: message!.id,
    })) as MediaRef;
    expect(ref).toMatchObject({ mime: 'image/png', width: 320, height: 200 });
    const saved = await download(message!.id);
    expect(saved).toMatchObject({ state: 'done', name: 'sunset.png', transferred: picture.length });
    expect(fs.readFileSync(path.join(downloads, 'sunset.png')).equals(picture)).toBe(true);
  });

  it('an address in text, without jabber:x:oob, is not a file and is never fetched', async () => {
    const url = `https://127.0.0.1:1/${'never'}.png`;
    const message = await fromCarolPlain(url);
    expect(message.file).toBeUndefined();
    const refused = await alice.messenger.invoke('download.start', {
      accountId: alice.accountId,
      messageId: message.id,
    });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'file.notShared' } });
  });
});

/** A body without the element: a plain chat message from Carol. */
async function fromCarolPlain(url: string): Promise<MessageView> {
  await carol.run({ cmd: 'send_url', to: 'alice@localhost', url, oob: false });
  let found: MessageView | undefined;
  await waitUntil('Alice has the message', () => (found = history().find((m) => m.body === url)) !== undefined);
  return found!;
}

describe('hostile file messages', () => {
  let host: ScriptedHttps;

  beforeAll(async () => {
    host = await startScriptedHttps({
      caFile: server.caFile,
      caKeyFile: path.join(server.dir, 'ca.key'),
      caPem: server.caPem,
    });
  });
  afterAll(() => host?.close());

  it('an http: address is text, not a file: nothing is fetched', async () => {
    const url = `${host.plainOrigin}/cat.png`;
    const message = await fromCarol(url);
    expect(message.file).toBeUndefined();
    const refused = await alice.messenger.invoke('media.preview', {
      accountId: alice.accountId,
      messageId: message.id,
    });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'file.notShared' } });
    expect(host.requests.some((request) => request.url === '/cat.png')).toBe(false);
  });

  it('a body longer than its Content-Length never lands longer in the download folder', async () => {
    host.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 1000 });
      res.end(Buffer.alloc(50_000, 7));
    };
    const message = await fromCarol(`${host.origin}/liar.bin`);
    const saved = await download(message.id);
    if (saved.state === 'done') expect(fs.statSync(path.join(downloads, saved.name)).size).toBe(1000);
    expect(
      fs
        .readdirSync(downloads)
        .filter((name) => name.startsWith('liar'))
        .map((name) => fs.statSync(path.join(downloads, name)).size)
        .every((size) => size <= 1000),
    ).toBe(true);
  });

  it('a huge file is refused by its announced size before its body is read, and leaves nothing', async () => {
    host.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': 50_000_000_000 });
      res.write(Buffer.alloc(1000));
    };
    const before = fs.readdirSync(downloads).sort();
    const message = await fromCarol(`${host.origin}/huge.mp4`);
    const failed = await download(message.id);
    expect(failed).toMatchObject({
      state: 'failed',
      error: { reason: 'http.tooLarge', params: { limit: MAX_DOWNLOAD } },
    });
    expect(fs.readdirSync(downloads).sort()).toEqual(before);
  });

  it('a HEAD that never answers is given up on, and the file can still be asked for again', async () => {
    host.handle = () => {}; // never answers
    const message = await fromCarol(`${host.origin}/silent.jpg`);
    const result = await alice.messenger.invoke('file.inspect', { accountId: alice.accountId, messageId: message.id });
    expect(result).toMatchObject({ ok: false, error: { reason: 'http.timeout' } });
    host.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 1234 });
      res.end();
    };
    expect(await alice.invoke('file.inspect', { accountId: alice.accountId, messageId: message.id })).toMatchObject({
      name: 'silent.jpg',
      size: 1234,
    });
  });
});
