/**
 * An upload waits for its account instead of failing: picked while offline, or cut by a dropped
 * connection in the middle (started again from the start, once), and a picture whose metadata
 * cannot be removed is asked about before anything is queued. The service gets the real staging
 * area and event bus; the XMPP side (slots) and the HTTPS side (PUT) are small stand-ins driven by
 * the test, so that the drop lands exactly in the middle of the upload.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../../../../src/shared/contract';
import { ok } from '../../../../../../src/shared/result';
import { EventBus } from '../../../../../../src/main/core/events';
import { createLogger } from '../../../../../../src/main/core/log';
import { HttpError, type HttpsClient, type PutOptions } from '../../../../../../src/main/core/media/https-client';
import { StagingArea } from '../../../../../../src/main/core/media/staging';
import {
  SlotRequestError,
  type HttpUploadClient,
  type UploadService,
} from '../../../../../../src/main/core/features/upload/http-upload';
import { TransferService, type FileMessage } from '../../../../../../src/main/core/features/upload/transfers';
import { jpegWithExif, png } from '../../../../../support/media-samples';
import { waitUntil } from '../../../../../support/wait';

const ACCOUNT = 'acc1';
const log = createLogger(() => {}, 'debug');

/** The account's upload service, online or not as the test says. */
class Slots {
  online = false;
  asked = 0;
  /** The next discovery fails as a dropped connection makes it fail (not a slot error). */
  discoveryDrops = false;
  isOnline(): boolean {
    return this.online;
  }
  async service(): Promise<UploadService | null> {
    if (this.discoveryDrops) {
      this.discoveryDrops = false;
      throw new Error('disconnected');
    }
    if (!this.online) throw new SlotRequestError({ code: 'not-connected' });
    return { jid: 'upload.example', maxFileSize: null };
  }
  async requestSlot() {
    if (!this.online) throw new SlotRequestError({ code: 'not-connected' });
    this.asked++;
    return {
      put: `https://upload.example/put/${this.asked}`,
      get: `https://upload.example/get/${this.asked}`,
      headers: {},
    };
  }
}

/** PUTs: each one reads its body; `drop` makes the next one fail in the middle as a cut connection does. */
class Puts {
  attempts: { url: string; bytes: Buffer }[] = [];
  drops: (() => void)[] = [];
  async put(url: string, options: PutOptions): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of options.body()) {
      chunks.push(chunk as Buffer);
      options.onProgress?.(Buffer.concat(chunks).length);
      const drop = this.drops.shift();
      if (drop) {
        drop();
        this.attempts.push({ url, bytes: Buffer.concat(chunks) });
        throw new HttpError('network', 'The connection dropped.');
      }
    }
    this.attempts.push({ url, bytes: Buffer.concat(chunks) });
  }
}

let dir: string;
let staging: StagingArea;
let slots: Slots;
let puts: Puts;
let sent: FileMessage[];
let service: TransferService;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-transfers-'));
  staging = await StagingArea.open({ dir: path.join(dir, 'staging'), log });
  slots = new Slots();
  puts = new Puts();
  sent = [];
  service = new TransferService({
    bus: new EventBus(1000),
    log,
    http: puts as unknown as HttpsClient,
    upload: slots as unknown as HttpUploadClient,
    staging,
    downloadsDir: () => path.join(dir, 'Downloads'),
    sendFileMessage: async (message) => {
      sent.push(message);
      return ok(null);
    },
    fileOfMessage: () => null,
  });
});

afterEach(async () => {
  service.close();
  await staging.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stage(name: string, bytes: Buffer): Promise<string> {
  const result = await staging.receive(name, Readable.from([bytes]));
  if (!result.ok) throw new Error(result.reason);
  return result.staged.id;
}

function upload(file: string, keepMetadata?: boolean) {
  return service.startUpload({
    accountId: ACCOUNT,
    conversation: 'bob@example.org',
    kind: 'chat',
    file,
    ...(keepMetadata !== undefined ? { keepMetadata } : {}),
  });
}

const viewOf = (id: string): TransferView => service.views().find((t) => t.id === id)!;

function goOnline() {
  slots.online = true;
  service.onOnline(ACCOUNT);
}

/** The connection drops: the account goes offline while the PUT is cut. */
function drop() {
  slots.online = false;
  service.onOffline(ACCOUNT);
}

describe('uploads waiting for their account', () => {
  it('a file picked while offline waits, saying so, and goes once when the account is back', async () => {
    const started = await upload(await stage('notes.txt', Buffer.from('pineapple notes')));
    expect(started.ok && started.value).toMatchObject({ state: 'waiting', error: { reason: 'upload.offline' } });
    const id = started.ok ? started.value.id : '';
    expect(puts.attempts).toHaveLength(0);

    goOnline();
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(puts.attempts.map((a) => a.bytes.toString())).toEqual(['pineapple notes']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ name: 'notes.txt', size: 15, url: 'https://upload.example/get/1' });
  });

  it('a drop in the middle of the upload starts it again from the start once the account is back', async () => {
    const bytes = Buffer.alloc(1_000_000, 7);
    goOnline();
    puts.drops.push(drop);
    const started = await upload(await stage('big.bin', bytes));
    const id = started.ok ? started.value.id : '';
    await waitUntil('waiting again', () => viewOf(id).state === 'waiting' && puts.attempts.length === 1);
    expect(viewOf(id)).toMatchObject({ state: 'waiting', transferred: 0, error: { reason: 'upload.offline' } });
    expect(puts.attempts[0].bytes.length).toBeLessThan(bytes.length);
    expect(sent).toHaveLength(0);

    goOnline();
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(puts.attempts).toHaveLength(2);
    expect(puts.attempts[1].bytes.equals(bytes)).toBe(true);
    // A fresh slot for the new attempt, and the message once, with the second address.
    expect(sent.map((m) => m.url)).toEqual(['https://upload.example/get/2']);
  });

  it('starts again only once: a second drop fails the upload, and Try again sends it', async () => {
    goOnline();
    const stayOnline = () => {};
    puts.drops.push(stayOnline, stayOnline);
    const started = await upload(await stage('twice.bin', Buffer.alloc(300_000, 1)));
    const id = started.ok ? started.value.id : '';
    await waitUntil('failed', () => viewOf(id).state === 'failed');
    expect(viewOf(id).error).toMatchObject({ reason: 'http.network' });
    expect(puts.attempts).toHaveLength(2);
    expect(sent).toHaveLength(0);

    expect(service.retry({ id }).ok).toBe(true);
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(sent).toHaveLength(1);
  });

  it('a discovery cut short by the drop waits for the account instead of failing', async () => {
    const started = await upload(await stage('later.txt', Buffer.from('later')));
    const id = started.ok ? started.value.id : '';
    slots.discoveryDrops = true;
    slots.online = true;
    service.onOnline(ACCOUNT);
    slots.online = false; // gone again while the discovery was out
    await waitUntil('back to waiting', () => viewOf(id).state === 'waiting' && !slots.discoveryDrops);
    expect(viewOf(id).error).toMatchObject({ reason: 'upload.offline' });
    goOnline();
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(sent).toHaveLength(1);
  });
});

describe('pictures whose metadata cannot be removed', () => {
  it('are asked about before anything is queued; sent as they are when the user says so', async () => {
    goOnline();
    const whole = png(20, 20);
    const broken = whole.subarray(0, whole.length - 12); // no IEND: the rewriter cannot read it
    const file = await stage('broken.png', broken);
    const refused = await upload(file);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        reason: 'upload.metadataStays',
        params: { why: 'unreadable', limit: 64 * 1024 * 1024 },
      },
    });
    expect(service.views()).toHaveLength(0);

    const started = await upload(file, true);
    const id = started.ok ? started.value.id : '';
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(puts.attempts[0].bytes.equals(broken)).toBe(true);
    expect(sent[0]).toMatchObject({ name: 'broken.png', type: 'image/png' });
  });

  it('a picture that can be read leaves without its metadata, unasked', async () => {
    goOnline();
    const photo = jpegWithExif(64, 48, 1);
    const started = await upload(await stage('photo.jpg', photo));
    const id = started.ok ? started.value.id : '';
    await waitUntil('sent', () => viewOf(id).state === 'done');
    expect(puts.attempts[0].bytes.length).toBeLessThan(photo.length);
    expect(sent[0]).toMatchObject({ type: 'image/jpeg', size: puts.attempts[0].bytes.length });
  });
});
