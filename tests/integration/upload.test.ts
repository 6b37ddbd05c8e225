/**
 * HTTP File Upload (XEP-0363) through the whole core against Prosody 0.12's mod_http_file_share on
 * a loopback HTTPS port with the test CA. Alice is a Jabberwock core; Bob a plain client that reads
 * the message and fetches the file with a plain HTTPS GET. Also: the limit refused before anything
 * is sent, cancel in the middle, waiting while offline, downloads into a folder, and a redirect to
 * http: refused (the scripted HTTPS server plays the hostile file host).
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, MediaRef, MessageView, TransferView } from '../../src/shared/contract';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import type { PutOptions } from '../../src/main/core/media/https-client';
import { NS_OOB } from '../../src/main/core/xmpp/ns';
import { openTestCore, type Core } from '../support/core';
import { startScriptedHttps, type ScriptedHttps } from '../support/https-server';
import { HTML, png } from '../support/media-samples';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-upload-Pa55' };
const BOB = { user: 'bob', password: 'bob-upload-Pa55' };
const LIMIT = 3_000_000;
const log: Logger = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let dir: string;
let downloads: string;
let alice: Core;
let bob: Peer;
const toBob: Element[] = [];

beforeAll(async () => {
  server = await startProsody({ users: [ALICE, BOB], httpUpload: { sizeLimit: LIMIT } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-upload-'));
  downloads = path.join(dir, 'Downloads');
  alice = await openTestCore(server, path.join(dir, 'alice'), createMemorySecretStore(), log, ALICE, {
    downloadsDir: downloads,
    maxDownloadBytes: 10_000_000,
  });
  bob = await startPeer(server, BOB, 'desk', log, (xmpp) =>
    xmpp.middleware.use((ctx, next) => {
      if (ctx.stanza.name === 'message') toBob.push(ctx.stanza);
      return next();
    }),
  );
  // Available, so messages to the bare JID reach this resource; a round trip later the server has it.
  await bob.send(xml('presence'));
  await bob.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');
});

afterAll(async () => {
  await alice?.close();
  await bob?.stop();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A plain HTTPS GET trusting the test CA, as another client would fetch the file. */
function fetchAsBob(url: string): Promise<{ status: number; body: Buffer; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: server.caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: res.headers['content-type'] }),
        );
      })
      .on('error', reject);
  });
}

async function stage(name: string, bytes: Buffer): Promise<string> {
  const answer = await alice.messenger.mediaAccess!.stage(name, Readable.from([bytes]));
  if (!answer.ok) throw new Error(answer.message);
  return answer.staged.id;
}

function transferEvents(id: string): TransferView[] {
  return alice.events
    .filter((event): event is Extract<AppEvent, { type: 'transfer' }> => event.type === 'transfer')
    .map((event) => event.transfer)
    .filter((transfer) => transfer.id === id);
}

const latest = (id: string) => transferEvents(id).at(-1);

async function upload(file: string): Promise<TransferView> {
  return (await alice.invoke('upload.start', {
    accountId: alice.accountId,
    conversation: 'bob@localhost',
    kind: 'chat',
    file,
  })) as TransferView;
}

/** Stanzas Alice's session writes, from now on. */
function recordSent(): Element[] {
  const sent: Element[] = [];
  alice.sessions.at(-1)!.xmpp.on('send', (element: Element) => sent.push(element));
  return sent;
}

const slotRequests = (sent: Element[]) =>
  sent.filter((stanza) => stanza.name === 'iq' && stanza.getChild('request', 'urn:xmpp:http:upload:0'));

function aliceHistory(): MessageView[] {
  const page = alice.messenger.chat.history({ accountId: alice.accountId, conversation: 'bob@localhost', limit: 500 });
  if (!page.ok) throw new Error(page.error.reason);
  return page.value;
}

describe('HTTP File Upload against Prosody', () => {
  it('finds the upload service by disco, with its limit', async () => {
    expect(await alice.invoke('upload.service', { accountId: alice.accountId })).toEqual({ maxFileSize: LIMIT });
  });

  it('uploads a file with progress; Bob gets its address with jabber:x:oob and fetches the same bytes', async () => {
    const image = png(700, 500, { seed: 7 });
    const noise = Buffer.alloc(1_500_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const file = Buffer.concat([image, noise]); // a PNG with trailing bytes: still sniffed as one
    const started = await upload(await stage('holiday.png', file));
    expect(started).toMatchObject({ direction: 'upload', name: 'holiday.png', size: file.length });
    await waitUntil('upload done', () => latest(started.id)?.state === 'done');
    const done = latest(started.id)!;
    expect(done.url).toMatch(/^https:\/\/localhost:\d+\/file_share\/.+\/holiday\.png$/);
    expect(done.transferred).toBe(file.length);
    const progress = transferEvents(started.id).map((transfer) => transfer.transferred);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    await waitUntil('Bob has the message', () => toBob.some((m) => m.getChildText('body') === done.url));
    const message = toBob.find((m) => m.getChildText('body') === done.url)!;
    expect(message.getChild('x', NS_OOB)?.getChildText('url')).toBe(done.url);
    // With its name, size and type (XEP-0446), stored with our own message too.
    const meta = message.getChild('file', 'urn:xmpp:file:metadata:0');
    expect([meta?.getChildText('name'), meta?.getChildText('size'), meta?.getChildText('media-type')]).toEqual([
      'holiday.png',
      String(file.length),
      'image/png',
    ]);
    expect(aliceHistory().find((m) => m.body === done.url)?.fileMeta).toEqual({
      name: 'holiday.png',
      size: file.length,
      type: 'image/png',
    });
    const fetched = await fetchAsBob(done.url!);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(file)).toBe(true);
    expect(fetched.type).toBe('image/png'); // declared from the bytes

    expect(aliceHistory().filter((m) => m.body === done.url)).toHaveLength(1);
    // The staged copy is gone once the server has the file.
    expect(alice.messenger.media.staging.get(started.id)).toBeNull();
  });

  it('looks at and downloads a shared file into the download folder, never replacing a file', async () => {
    const sent = aliceHistory().find((m) => m.body.startsWith('https://'))!;
    const info = await alice.invoke('file.inspect', { accountId: alice.accountId, messageId: sent.id });
    expect(info).toMatchObject({ name: 'holiday.png', type: 'image/png' });
    const expected = await fetchAsBob(sent.body);
    expect((info as { size: number }).size).toBe(expected.body.length);
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const started = (await alice.invoke('download.start', {
        accountId: alice.accountId,
        messageId: sent.id,
      })) as TransferView;
      await waitUntil('download done', () => latest(started.id)?.state === 'done');
      names.push(latest(started.id)!.name);
    }
    expect(names).toEqual(['holiday.png', 'holiday (1).png']);
    for (const name of names) expect(fs.readFileSync(path.join(downloads, name)).equals(expected.body)).toBe(true);
    expect(fs.readdirSync(downloads).sort()).toEqual(['holiday (1).png', 'holiday.png']);
  });

  it('previews a shared picture through the media store, and refuses a page dressed up as one', async () => {
    const sent = aliceHistory().find((m) => m.body.endsWith('/holiday.png'))!;
    const ref = (await alice.invoke('media.preview', { accountId: alice.accountId, messageId: sent.id })) as MediaRef;
    expect(ref).toMatchObject({ mime: 'image/png', width: 700, height: 500 });
    const served = alice.messenger.mediaAccess!.resolve(ref.id)!;
    expect(fs.readFileSync(served.file).equals((await fetchAsBob(sent.body)).body)).toBe(true);
    // Asked again: the same reference, from the store.
    expect(await alice.invoke('media.preview', { accountId: alice.accountId, messageId: sent.id })).toEqual(ref);

    const page = await upload(await stage('cute-cat.png', HTML));
    await waitUntil('page uploaded', () => latest(page.id)?.state === 'done');
    const pageMessage = aliceHistory().find((m) => m.body === latest(page.id)!.url)!;
    const refused = await alice.messenger.invoke('media.preview', {
      accountId: alice.accountId,
      messageId: pageMessage.id,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found', reason: 'media.type' } });
  });

  it('refuses a file over the service limit before anything is sent, saying the limit', async () => {
    const sent = recordSent();
    const id = await stage('big.bin', Buffer.alloc(LIMIT + 1));
    const result = await alice.messenger.invoke('upload.start', {
      accountId: alice.accountId,
      conversation: 'bob@localhost',
      kind: 'chat',
      file: id,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', reason: 'upload.tooLarge', params: { size: LIMIT + 1, limit: LIMIT } },
    });
    expect(slotRequests(sent)).toHaveLength(0);
    expect(alice.messenger.media.transfers.views().some((t) => t.name === 'big.bin')).toBe(false);
  });

  it('a cancel in the middle of the upload leaves nothing on the server and sends no message', async () => {
    const http = alice.messenger.media.http;
    const put = http.put.bind(http);
    let putUrl = '';
    let release: () => void = () => {};
    const halfway = new Promise<void>((resolve) => (release = resolve));
    // The bytes go to the real server; after the first 256 KiB this stream waits for the cancel.
    http.put = (url: string, options: PutOptions) => {
      putUrl = url;
      let passed = 0;
      const stall = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          passed += chunk.length;
          if (passed <= 256 * 1024) done(null, chunk);
          else release(); // never calls done: the upload stalls here
        },
      });
      return put(url, { ...options, body: () => options.body().pipe(stall) });
    };
    try {
      const before = toBob.length;
      const started = await upload(await stage('half.bin', Buffer.alloc(2_000_000, 3)));
      await halfway;
      await alice.invoke('transfer.cancel', { id: started.id });
      await waitUntil('cancelled', () => latest(started.id)?.state === 'cancelled');
      const fetched = await fetchAsBob(putUrl);
      expect([404, 410]).toContain(fetched.status);
      expect(fetched.body.length).toBeLessThan(1000);
      // A round trip later, still nothing reached Bob.
      await bob.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');
      expect(toBob.slice(before).some((m) => m.getChildText('body')?.includes('half.bin'))).toBe(false);
      expect(aliceHistory().some((m) => m.body.includes('half.bin'))).toBe(false);
    } finally {
      http.put = put;
    }
  });

  it('waits while the account is offline and sends the file once it is back, once', async () => {
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    const started = await upload(await stage('later.png', png(30, 30, { seed: 9 })));
    expect(started.state).toBe('waiting');
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('upload done after reconnecting', () => latest(started.id)?.state === 'done');
    const url = latest(started.id)!.url!;
    await waitUntil('Bob has it', () => toBob.some((m) => m.getChildText('body') === url));
    await bob.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'localhost');
    expect(toBob.filter((m) => m.getChildText('body') === url)).toHaveLength(1);
    expect(aliceHistory().filter((m) => m.body === url)).toHaveLength(1);
  });
});

describe('downloads from a hostile file host', () => {
  let host: ScriptedHttps;

  beforeAll(async () => {
    host = await startScriptedHttps({
      caFile: server.caFile,
      caKeyFile: path.join(server.dir, 'ca.key'),
      caPem: server.caPem,
    });
  });
  afterAll(() => host?.close());

  /** Bob shares `url` with Alice as a file (the body and jabber:x:oob); resolves with the stored message. */
  async function shared(url: string): Promise<MessageView> {
    await bob.send(
      xml(
        'message',
        { to: 'alice@localhost', type: 'chat' },
        xml('body', {}, url),
        xml('x', { xmlns: NS_OOB }, xml('url', {}, url)),
      ),
    );
    let found: MessageView | undefined;
    await waitUntil('Alice has the message', () => {
      const page = alice.messenger.chat.history({
        accountId: alice.accountId,
        conversation: 'bob@localhost',
        limit: 500,
      });
      found = page.ok ? page.value.find((m) => m.body === url) : undefined;
      return found !== undefined;
    });
    return found!;
  }

  it('refuses a redirect to http: and leaves nothing in the download folder', async () => {
    host.handle = (_req, res) => {
      res.writeHead(302, { Location: `${host.plainOrigin}/payload.exe` });
      res.end();
    };
    const before = fs.readdirSync(downloads).sort();
    const message = await shared(`${host.origin}/report.pdf`);
    const started = (await alice.invoke('download.start', {
      accountId: alice.accountId,
      messageId: message.id,
    })) as TransferView;
    await waitUntil('download failed', () => latest(started.id)?.state === 'failed');
    expect(latest(started.id)!.error).toMatchObject({ reason: 'http.redirect' });
    expect(host.requests.some((request) => request.url === '/payload.exe')).toBe(false);
    expect(fs.readdirSync(downloads).sort()).toEqual(before);
  });

  it('stops a download whose server sends more than it announced', async () => {
    host.handle = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 1);
      res.on('close', () => clearInterval(timer));
    };
    const before = fs.readdirSync(downloads).sort();
    const message = await shared(`${host.origin}/endless.bin`);
    const started = (await alice.invoke('download.start', {
      accountId: alice.accountId,
      messageId: message.id,
    })) as TransferView;
    await waitUntil('download failed', () => latest(started.id)?.state === 'failed');
    expect(latest(started.id)!.error).toMatchObject({ reason: 'http.tooLarge' });
    expect(fs.readdirSync(downloads).sort()).toEqual(before);
  });

  it("keeps the size and type a file message says (XEP-0446) without asking the file's server", async () => {
    const url = `${host.origin}/minutes.pdf`;
    const before = host.requests.length;
    await bob.send(
      xml(
        'message',
        { to: 'alice@localhost', type: 'chat' },
        xml('body', {}, url),
        xml('x', { xmlns: NS_OOB }, xml('url', {}, url)),
        xml(
          'file',
          { xmlns: 'urn:xmpp:file:metadata:0' },
          xml('media-type', {}, 'application/pdf'),
          xml('name', {}, 'minutes.pdf'),
          xml('size', {}, '48213'),
        ),
      ),
    );
    let found: MessageView | undefined;
    await waitUntil('Alice has the message', () => {
      found = aliceHistory().find((m) => m.body === url);
      return found !== undefined;
    });
    expect(found).toMatchObject({
      file: true,
      fileMeta: { name: 'minutes.pdf', size: 48213, type: 'application/pdf' },
    });
    expect(host.requests.length).toBe(before);
  });

  it('refuses an http: address without fetching it (it is not a file message)', async () => {
    const message = await shared(`${host.plainOrigin}/x.pdf`);
    expect(message.file).toBeUndefined();
    const result = await alice.messenger.invoke('download.start', {
      accountId: alice.accountId,
      messageId: message.id,
    });
    expect(result).toMatchObject({ ok: false, error: { reason: 'file.notShared' } });
    expect(host.requests.some((request) => request.url === '/x.pdf')).toBe(false);
  });
});
