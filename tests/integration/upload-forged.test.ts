/**
 * Upload slots (XEP-0363) from a scripted server, for what Prosody will not do: a slot answered by
 * someone other than the upload service is ignored (the genuine one is used; with only forged ones
 * the request times out), and a slot with http: URLs or a header that would inject another is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession } from '../../src/main/core/accounts/session';
import { HttpUploadClient, SlotRequestError } from '../../src/main/core/features/upload/http-upload';
import { createLogger } from '../../src/main/core/log';
import { localhostTls } from '../support/certs';
import {
  fakeLogin,
  standardFeatures,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const logLines: string[] = [];
const log = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

const NS = 'urn:xmpp:http:upload:0';
const SERVICE = 'upload.localhost';
const FORM = `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>${NS}</value></field><field var='max-file-size'><value>5000</value></field></x>`;

let dir: string;
let server: ScriptedServer;
let session: AccountSession;
let upload: HttpUploadClient;
/** Answers a slot request (the test decides how). */
let answerSlot: (conn: ScriptedConnection, id: string) => void = () => {};

const slot = (put: string, get: string, headers = `<header name='Authorization'>Bearer t</header>`) =>
  `<slot xmlns='${NS}'><put url='${put}'>${headers}</put><get url='${get}'/></slot>`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-upload-forged-'));
  const { ca, tls } = await localhostTls(dir);
  server = await startScriptedServer({
    tls,
    features: standardFeatures,
    onData: (conn, chunk) => {
      if (fakeLogin(conn, chunk, 'me@localhost')) return;
      const iq = /<iq\b[^>]*>/.exec(chunk);
      if (!iq) return;
      const id = /\bid=["']([^"']+)["']/.exec(iq[0])?.[1] ?? '';
      if (chunk.includes('disco#items')) {
        conn.send(
          `<iq type='result' id='${id}' from='localhost'><query xmlns='http://jabber.org/protocol/disco#items'><item jid='conference.localhost'/><item jid='${SERVICE}'/></query></iq>`,
        );
      } else if (chunk.includes('disco#info')) {
        const to = /\bto=["']([^"']+)["']/.exec(iq[0])?.[1];
        const upload = to === SERVICE;
        conn.send(
          `<iq type='result' id='${id}' from='${to}'><query xmlns='http://jabber.org/protocol/disco#info'>${upload ? `<feature var='${NS}'/>${FORM}` : `<feature var='http://jabber.org/protocol/muc'/>`}</query></iq>`,
        );
      } else if (chunk.includes(`xmlns='${NS}'`) || chunk.includes(`xmlns="${NS}"`)) {
        answerSlot(conn, id);
      }
    },
  });
  let online = false;
  session = new AccountSession(
    {
      jid: 'me@localhost',
      password: 'x',
      host: server.host,
      port: server.port,
      pinnedCertificates: [],
      resource: 'desk',
    },
    { onStatus: () => {}, onOnline: () => (online = true), onOffline: () => {} },
    { log, ca: ca.caPem, resolveSrv: false, keepaliveMs: 0 },
  );
  session.start();
  await waitUntil('online', () => online);
  upload = new HttpUploadClient(log, { timeoutMs: 1000 });
  upload.onOnline('a', { xmpp: session.xmpp, boundJid: 'me@localhost/desk', resumed: false });
});

afterAll(async () => {
  await server?.stop();
  await session?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = { name: 'a.png', size: 100, contentType: 'image/png' };

async function slotError(): Promise<SlotRequestError> {
  const service = (await upload.service('a'))!;
  try {
    await upload.requestSlot('a', service, file);
  } catch (error) {
    if (error instanceof SlotRequestError) return error;
    throw error;
  }
  throw new Error('expected the slot to be refused');
}

describe('upload slots from a scripted server', () => {
  it('finds the service among the server items, with its limit', async () => {
    expect(await upload.service('a')).toEqual({ jid: SERVICE, maxFileSize: 5000 });
  });

  it('ignores a slot from anyone but the upload service and uses the genuine one', async () => {
    answerSlot = (conn, id) => {
      for (const from of ['mallory@evil.example/r', 'localhost', 'me@localhost', 'evil.localhost']) {
        conn.send(
          `<iq type='result' id='${id}' from='${from}'>${slot('https://evil.example/put', 'https://evil.example/get')}</iq>`,
        );
      }
      conn.send(
        `<iq type='result' id='${id}' from='${SERVICE}'>${slot('https://up.localhost/put', 'https://up.localhost/get')}</iq>`,
      );
    };
    const dropped = session.xmpp.iqGuard.dropped;
    const service = (await upload.service('a'))!;
    const result = await upload.requestSlot('a', service, file);
    expect(result).toEqual({
      put: 'https://up.localhost/put',
      get: 'https://up.localhost/get',
      headers: { Authorization: 'Bearer t' },
    });
    expect(session.xmpp.iqGuard.dropped - dropped).toBe(4);
  });

  it('with only forged slots the request times out', async () => {
    answerSlot = (conn, id) =>
      conn.send(
        `<iq type='result' id='${id}' from='evil.example'>${slot('https://evil.example/p', 'https://evil.example/g')}</iq>`,
      );
    expect((await slotError()).detail).toEqual({ code: 'timeout' });
  });

  it('refuses a slot with http: or file: URLs, or a header that would inject another', async () => {
    for (const bad of [
      slot('http://up.localhost/put', 'https://up.localhost/get'),
      slot('https://up.localhost/put', 'file:///etc/passwd'),
      slot(
        'https://up.localhost/put',
        'https://up.localhost/get',
        `<header name='Authorization'>Bearer t&#13;&#10;X-Evil: 1</header>`,
      ),
    ]) {
      answerSlot = (conn, id) => conn.send(`<iq type='result' id='${id}' from='${SERVICE}'>${bad}</iq>`);
      expect((await slotError()).detail).toEqual({ code: 'bad-slot' });
    }
  });

  it('keeps only Authorization, Cookie and Expires of the slot headers', async () => {
    answerSlot = (conn, id) =>
      conn.send(
        `<iq type='result' id='${id}' from='${SERVICE}'>${slot(
          'https://up.localhost/put',
          'https://up.localhost/get',
          `<header name='authorization'>A</header><header name='Cookie'>C</header><header name='Expires'>E</header><header name='Host'>evil.example</header><header name='Content-Length'>1</header><header name='X-Other'>x</header>`,
        )}</iq>`,
      );
    const service = (await upload.service('a'))!;
    expect((await upload.requestSlot('a', service, file)).headers).toEqual({
      Authorization: 'A',
      Cookie: 'C',
      Expires: 'E',
    });
  });

  it('reads the limit from a file-too-large refusal', async () => {
    answerSlot = (conn, id) =>
      conn.send(
        `<iq type='error' id='${id}' from='${SERVICE}'><error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><file-too-large xmlns='${NS}'><max-file-size>5000</max-file-size></file-too-large></error></iq>`,
      );
    expect((await slotError()).detail).toEqual({ code: 'refused', condition: 'not-acceptable', limit: 5000 });
  });
});
