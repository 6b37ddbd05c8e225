/**
 * The IQ reply guard (IQ results only from the JID we asked) in a real session against the scripted server:
 * a spoofed result or error with the id of our request is dropped, the genuine reply from the JID
 * we asked resolves it, and with only spoofed replies the request times out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountSession } from '../../src/main/core/accounts/session';
import { createLogger } from '../../src/main/core/log';
import { localhostTls } from '../support/certs';
import {
  fakeLogin,
  standardFeatures,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';

const logLines: string[] = [];
const log = createLogger((level, scope, message, details) => {
  logLines.push(`${level} ${scope} ${message} ${JSON.stringify(details ?? null)}`);
}, 'debug');

let dir: string;
let tlsOptions: { key: string; cert: string };
let caPem: string;
let server: ScriptedServer;
let session: AccountSession;
/** Called with each request the client sends after login: the test answers it. */
let answer: (conn: ScriptedConnection, id: string, to: string | undefined, chunk: string) => void = () => {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-iq-guard-'));
  const { ca, tls } = await localhostTls(dir);
  tlsOptions = tls;
  caPem = ca.caPem;
  server = await startScriptedServer({
    tls: tlsOptions,
    features: standardFeatures,
    onData: (conn, chunk) => {
      if (fakeLogin(conn, chunk, 'me@localhost')) return;
      const iq = /<iq\b[^>]*>/.exec(chunk);
      if (!iq) return;
      const id = /\bid=["']([^"']+)["']/.exec(iq[0])?.[1] ?? '';
      const to = /\bto=["']([^"']+)["']/.exec(iq[0])?.[1];
      answer(conn, id, to, chunk);
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
    { log, ca: caPem, resolveSrv: false, keepaliveMs: 0 },
  );
  session.start();
  const deadline = Date.now() + 10_000;
  while (!online) {
    if (Date.now() > deadline) throw new Error('session did not come online');
    await sleep(20);
  }
});

afterAll(async () => {
  await server?.stop(); // first: the scripted server never answers the stream close
  await session?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const version = (marker: string) => `<query xmlns='jabber:iq:version'><name>${marker}</name></query>`;

describe('IQ reply guard', () => {
  it('drops spoofed result and error replies; the reply from the JID we asked resolves', async () => {
    answer = (conn, id) => {
      conn.send(
        `<iq type='error' id='${id}' from='mallory@evil.example/r'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
      conn.send(`<iq type='result' id='${id}' from='mallory@evil.example/r'>${version('spoofed')}</iq>`);
      conn.send(`<iq type='result' id='${id}' from='alice@localhost'>${version('bare, not the full JID asked')}</iq>`);
      conn.send(`<iq type='result' id='${id}' from='Alice@Localhost/Phone'>${version('genuine')}</iq>`);
    };
    const before = session.xmpp.iqGuard.dropped;
    const reply = await session.xmpp.iqCaller.get(
      xml('query', { xmlns: 'jabber:iq:version' }),
      'alice@localhost/Phone',
    );
    expect(reply.getChildText('name')).toBe('genuine');
    expect(session.xmpp.iqGuard.dropped - before).toBe(3);
    expect(session.xmpp.iqGuard.pending).toBe(0);
    expect(logLines.some((line) => line.includes('ignored an IQ reply from an entity we did not ask'))).toBe(true);
  });

  it('with only spoofed replies the request times out, never succeeds', async () => {
    answer = (conn, id) => {
      conn.send(`<iq type='result' id='${id}' from='mallory@evil.example/r'>${version('spoofed')}</iq>`);
    };
    await expect(
      session.xmpp.iqCaller.get(xml('query', { xmlns: 'jabber:iq:version' }), 'alice@localhost/phone', 500),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(session.xmpp.iqGuard.pending).toBe(0);
  });

  it('a request without `to` is answered by our server: no from, our bare or full JID, or our domain', async () => {
    const query = () => xml('query', { xmlns: 'jabber:iq:roster' });
    for (const from of [null, 'me@localhost', 'me@localhost/desk', 'localhost']) {
      answer = (conn, id) => {
        // Another resource of ours, another user and another server are not our server.
        for (const spoof of ['me@localhost/phone', 'alice@localhost', 'evil.example']) {
          conn.send(
            `<iq type='error' id='${id}' from='${spoof}'><error type='cancel'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
          );
        }
        conn.send(
          `<iq type='result' id='${id}'${from ? ` from='${from}'` : ''}><query xmlns='jabber:iq:roster' ver='${from}'/></iq>`,
        );
      };
      const reply = await session.xmpp.iqCaller.get(query());
      expect(reply.attrs.ver).toBe(String(from));
    }
  });

  it('a request to our domain accepts no from or the domain only', async () => {
    answer = (conn, id) => {
      conn.send(`<iq type='result' id='${id}' from='me@localhost/desk'><ping-reply/></iq>`);
      conn.send(
        `<iq type='error' id='${id}' from='me@localhost'><error type='cancel'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
      conn.send(`<iq type='result' id='${id}' from='localhost'/>`);
    };
    const before = session.xmpp.iqGuard.dropped;
    const reply = await session.xmpp.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    expect(reply.attrs.from).toBe('localhost');
    expect(session.xmpp.iqGuard.dropped - before).toBe(2);
  });

  it('gives requests unpredictable ids', async () => {
    const ids: string[] = [];
    answer = (conn, id) => {
      ids.push(id);
      conn.send(`<iq type='result' id='${id}'/>`);
    };
    for (let i = 0; i < 3; i++)
      await session.xmpp.iqCaller.request(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});
