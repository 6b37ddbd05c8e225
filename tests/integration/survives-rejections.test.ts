/**
 * The built headless client (`node out/main/headless.js`) against a hostile scripted server that
 * answers every request of ours at once with <service-unavailable/> (type cancel), floods presence,
 * and answers the roster request a second time (a reply nobody waits for any more).
 *
 * With a large roster the core sends its first requests (archive, carbons, bookmarks…) while it is
 * still busy with the roster, so the error reply is read before our own write of the request has
 * completed. xmpp.js's IQ caller then rejected a promise nobody listened to yet, and Node ended the
 * process ("unhandled rejection" from IQCaller._route). The client must keep running: it answers a
 * ping after the flood and prints its result line when the server closes the stream.
 * Needs `electron-vite build` first (npm test builds before it runs the suites).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localhostTls } from '../support/certs';
import {
  fakeLogin,
  featuresWithSm,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { ROOT } from '../support/web';

const HEADLESS = path.join(ROOT, 'out', 'main', 'headless.js');
/** Above the roster's chunk size (1,000), so applying it spans several event-loop turns. */
const ROSTER = 5000;
const FLOOD_ROUNDS = 3;
const FLOOD_CONTACTS = 200;
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

let dir: string;
let caFile: string;
let tlsOptions: { key: string; cert: string };
let server: ScriptedServer | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-rejections-'));
  const { ca, tls } = await localhostTls(dir);
  caFile = ca.caFile;
  tlsOptions = tls;
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const capsVer = (n: number) => createHash('sha1').update(`ver-${n}`).digest('base64');

/** Contacts' resources come online, with caps nobody has seen yet (so the core asks disco#info). */
function floodRound(round: number): string {
  let out = '';
  for (let i = 0; i < FLOOD_CONTACTS; i++) {
    out +=
      `<presence from='c${i}@localhost/r${round}'><show>away</show><status>round ${round}</status>` +
      `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://flood.example' ver='${capsVer(round * ROSTER + i)}'/></presence>`;
  }
  return out;
}

const errorReply = (id: string, to: string | undefined) =>
  `<iq type='error' id='${id}'${to ? ` from='${to}'` : ''}><error type='cancel'><service-unavailable xmlns='${NS_STANZAS}'/></error></iq>`;

describe('the headless client under a hostile server', () => {
  it('survives IQ error replies read before its request was written, a presence flood and a reply nobody awaits', async () => {
    let errorsSent = 0;
    let flooding = false;
    let pingAnswered = false;
    let rosterReply = '';
    const flood = (conn: ScriptedConnection) => {
      for (let round = 0; round < FLOOD_ROUNDS; round++) conn.send(floodRound(round));
      // The roster request answered a second time: nobody waits for that id any more.
      conn.send(rosterReply);
      conn.send(`<iq type='get' id='ping-after-flood' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    };
    server = await startScriptedServer({
      tls: tlsOptions,
      features: featuresWithSm,
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, 'me@localhost')) return;
        if (/<iq\b[^>]*\bid=['"]ping-after-flood['"]/.test(chunk)) {
          pingAnswered = true;
          conn.close();
          return;
        }
        for (const match of chunk.matchAll(/<iq\b[^>]*>/g)) {
          const tag = match[0];
          const type = /\btype=["']([^"']+)["']/.exec(tag)?.[1];
          if (type !== 'get' && type !== 'set') continue;
          const id = /\bid=["']([^"']+)["']/.exec(tag)?.[1] ?? '';
          const to = /\bto=["']([^"']+)["']/.exec(tag)?.[1];
          if (!rosterReply && chunk.slice(match.index, match.index + 300).includes('jabber:iq:roster')) {
            let items = '';
            for (let i = 0; i < ROSTER; i++) items += `<item jid='c${i}@localhost' subscription='both'/>`;
            rosterReply = `<iq type='result' id='${id}'><query xmlns='jabber:iq:roster'>${items}</query></iq>`;
            conn.send(rosterReply);
          } else {
            conn.send(errorReply(id, to));
            errorsSent++;
          }
        }
        // Our initial presence (no `to`, no `type`): the flood starts.
        if (!flooding && /<presence(?![^>]*\b(?:to|type)=)[^>]*\/?>/.test(chunk)) {
          flooding = true;
          flood(conn);
        }
      },
    });

    expect(fs.existsSync(HEADLESS)).toBe(true);
    const child = spawn(process.execPath, [HEADLESS], {
      env: {
        PATH: process.env.PATH,
        BENCH_HOST: server.host,
        BENCH_PORT: String(server.port),
        BENCH_DOMAIN: 'localhost',
        BENCH_JID: 'me',
        BENCH_RESOURCE: 'bench',
        BENCH_PASSWORD: 'x',
        BENCH_CA: caFile,
        BENCH_PEER: 'hostile',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));

    expect(stderr).toBe('');
    expect({ code, pingAnswered }).toEqual({ code: 0, pingAnswered: true });
    expect(errorsSent).toBeGreaterThan(0);
    const result = JSON.parse(stdout.trim().slice('BENCH_RESULT '.length));
    expect(result).toMatchObject({ peer: 'hostile', rosterItems: ROSTER, onlineContacts: FLOOD_CONTACTS });
  }, 120_000);
});
