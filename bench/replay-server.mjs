/**
 * The replay server of the bench suite: speaks enough XMPP to log a client in (STARTTLS
 * with a generated CA, PLAIN with any password, resource binding, XEP-0198 <enable/> and acks) and
 * then plays one deterministic workload. Plain Node, no dependencies, in its own process so that
 * the client's process measures only the client.
 *
 *   node bench/replay-server.mjs WORKLOAD [DIR]      (or REPLAY_WORKLOAD / REPLAY_DIR)
 *
 * REPLAY_DATA=realistic plays the same workloads with realistic data (realistic-data.mjs: names,
 * groups, nicks and texts in many scripts, entities, emoji, eight domains, presence with caps,
 * vcard-update, idle, delay and unknown extensions); the default is the ASCII data below.
 *
 * DIR holds key.pem and cert.pem (a server certificate for `localhost` and 127.0.0.1); when they
 * are missing, a CA and a certificate are generated there with openssl and the CA is written to
 * DIR/ca.pem (give it to the client as BENCH_CA). Without DIR a temporary directory is used. The
 * server listens on 127.0.0.1 (REPLAY_PORT, default any free port) and prints `port N` and
 * `ca PATH` on stdout. The domain is `localhost`; the account is whatever the client authenticates as.
 *
 * Workloads (what follows the login; every workload ends the same way: once it is complete the
 * server pings the client, and when the ping is answered it closes the stream, so the client's
 * counts at that ping are the final state the workload implies):
 *   roster    the roster request gets 10,000 items in 500 groups; done at our initial presence.
 *   presence  a 10,000-item roster, then after our initial presence the 100,000-stanza flood of
 *             presence-flood.ts (read from DIR/roster.xml, DIR/flood.xml, DIR/disco.json, written by
 *             writeFloodFiles in presence-flood.ts); disco#info queries for its caps are answered.
 *   muc       a join of room@conference.localhost (any nick) is answered with 5,000 occupant
 *             presences (muc#user items with affiliations and roles), our self-presence (110, 100),
 *             500 history messages (<delay/>, stanza-id by the room) and the subject. A XEP-0313
 *             query to the room gets its latest page of the same 500 messages (same ids).
 *   archive   XEP-0313 queries to our own archive, with RSM paging. The first session (the first
 *             connection to this server process) finds 50 messages; from the second session on, 20,000
 *             more have arrived. Results carry the queryid sent, from our bare JID; the last page has
 *             <fin complete='true'/>.
 * Other queries get an empty result (our own archive outside the archive workload: empty and
 * complete). Every generated message is deterministic (same ids, bodies and stamps every run).
 *
 * Timings seen from the server, the same for any client: when a session's stream ends, one line
 * `timing {json}` goes to stdout with the times (ms on this process's clock) it accepted the
 * connection, wrote the roster result, got the initial presence, started and finished writing the
 * flood or the room, sent the final ping and got its answer, and the intervals between them (see
 * sessionTimings).
 *
 * REPLAY_RTT_MS=N (default 0) holds every answer up to and including the roster result N ms before
 * writing it (in order), as a network's round trip would: the login's waits (stream headers,
 * STARTTLS, SASL, bind, stream management, the roster request) then exist as they do on a real
 * network. The TLS handshake itself is not delayed. What follows the roster result is not delayed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import {
  realisticArchiveMessage,
  realisticContacts,
  realisticFlood,
  realisticNicks,
  realisticOccupantPresences,
  realisticRoomMessage,
  rosterXml,
} from './realistic-data.mjs';
import { sendPaced } from './send-paced.mjs';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_SM = 'urn:xmpp:sm:3';
const NS_ROSTER = 'jabber:iq:roster';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';
const NS_SID = 'urn:xmpp:sid:0';

export const DOMAIN = 'localhost';
// Sizes: the benches' defaults, or the size knobs of the smoke run (bench/README.md).
export const ROSTER_ITEMS = Number(process.env.BENCH_CONTACTS) || 10_000;
export const ROSTER_GROUPS = 500;
export const ROOM = `bench-room@conference.${DOMAIN}`;
export const OCCUPANTS = Number(process.env.BENCH_OCCUPANTS) || 5_000;
export const HISTORY = 500;
export const ROOM_ARCHIVE_PAGE_MAX = 100;
export const ARCHIVE_SEED = 50;
export const ARCHIVE_NEW = Number(process.env.BENCH_MESSAGES) || 20_000;
export const ARCHIVE_CONTACTS = 50;
/** The subject the room sets last. */
export const SUBJECT = 'Benchmark room: 5,000 occupants';

// ---------- deterministic workloads ----------

export function rosterItems() {
  const subscriptions = ['both', 'both', 'both', 'to', 'from', 'none'];
  const parts = [];
  for (let i = 0; i < ROSTER_ITEMS; i++) {
    let groups = '';
    for (let g = 0; g < 1 + (i % 3); g++) groups += `<group>Group ${(i * 7 + g * 131) % ROSTER_GROUPS}</group>`;
    const ask = i % 50 === 0 ? " ask='subscribe'" : '';
    parts.push(
      `<item jid='contact${i}@example.org' name='Contact number ${i}' subscription='${subscriptions[i % 6]}'${ask}>${groups}</item>`,
    );
  }
  return parts.join('');
}

const pad = (n, width = 5) => String(n).padStart(width, '0');
const stamp = (base, seconds) => new Date(base + seconds * 1000).toISOString().replace('.000Z', 'Z');
const ROOM_BASE = Date.UTC(2026, 10, 20, 8, 0, 0);
const ARCHIVE_BASE = Date.UTC(2026, 9, 1, 0, 0, 0);

/** The occupants' presences (not ours), in the order the room sends them. */
export function occupantPresences(to) {
  const parts = [];
  const shows = ['', '', '', '<show>away</show>', '<show>dnd</show>', '<show>xa</show>', '<show>chat</show>'];
  for (let i = 0; i < OCCUPANTS; i++) {
    let affiliation = 'none';
    let role = 'participant';
    if (i < 3) [affiliation, role] = ['owner', 'moderator'];
    else if (i < 20) [affiliation, role] = ['admin', 'moderator'];
    else if (i % 3 === 0) affiliation = 'member';
    else if (i % 10 === 1) role = 'visitor';
    const status = i % 4 === 0 ? `<status>Occupant ${i} says hello</status>` : '';
    parts.push(
      `<presence from='${ROOM}/user${pad(i)}' to='${to}'>${shows[i % shows.length]}${status}` +
        `<x xmlns='${NS_MUC_USER}'><item affiliation='${affiliation}' role='${role}' jid='user${i}@example.org/desk'/></x></presence>`,
    );
  }
  return parts.join('');
}

/** One room message of the history (and of the room's archive, same id). */
function roomMessage(k) {
  const nick = `user${pad((k * 37) % OCCUPANTS)}`;
  return {
    id: `room-${pad(k)}`,
    nick,
    xml: (to, extra = '') =>
      `<message from='${ROOM}/${nick}' to='${to}' type='groupchat' id='rm${k}'><body>History message ${k} from ${nick}</body>` +
      `${extra}</message>`,
    stamp: stamp(ROOM_BASE, k * 30),
  };
}

export function historyMessages(to, messageOf = roomMessage) {
  const parts = [];
  for (let k = 0; k < HISTORY; k++) {
    const m = messageOf(k);
    parts.push(
      m.xml(
        to,
        `<delay xmlns='${NS_DELAY}' from='${ROOM}' stamp='${m.stamp}'/><stanza-id xmlns='${NS_SID}' by='${ROOM}' id='${m.id}'/>`,
      ),
    );
  }
  return parts.join('');
}

/** Message k of our own archive: every 4th one ours to a contact, the rest from a contact. */
export function archiveMessage(k, own) {
  const contact = `friend${k % ARCHIVE_CONTACTS}@example.org`;
  const outgoing = k % 4 === 3;
  const from = outgoing ? `${own}/phone` : `${contact}/laptop`;
  const to = outgoing ? contact : own;
  return {
    id: `arch-${pad(k, 6)}`,
    conversation: contact,
    outgoing,
    xml:
      `<message xmlns='jabber:client' from='${from}' to='${to}' type='chat' id='am${k}'>` +
      `<body>Archived message ${k} ${outgoing ? 'to' : 'from'} ${contact}</body>` +
      (outgoing ? `<origin-id xmlns='${NS_SID}' id='origin-${k}'/>` : '') +
      '</message>',
    stamp: stamp(ARCHIVE_BASE, k * 60),
  };
}

// ---------- the server ----------

function ensureCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const ca = path.join(dir, 'ca.pem');
  if (fs.existsSync(key) && fs.existsSync(cert)) return { key, cert, ca: fs.existsSync(ca) ? ca : null };
  const run = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const caKey = path.join(dir, 'ca.key');
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey,
    '-out', ca, '-days', '30', '-subj', '/CN=Jabberwock Bench CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']); // prettier-ignore
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'server.ext');
  fs.writeFileSync(
    ext,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
      `extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${DOMAIN},IP:127.0.0.1\n`,
  );
  run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
    '-out', csr, '-subj', `/CN=${DOMAIN}`]); // prettier-ignore
  run(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '30',
    '-extfile', ext]); // prettier-ignore
  return { key, cert, ca };
}

const attr = (head, name) => new RegExp(`\\s${name}=["']([^"']*)["']`).exec(head)?.[1];
const unescape = (s) =>
  s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]);

/**
 * Splits what the client wrote into top-level elements (depth 1 under the stream). The client is
 * xmpp.js: no comments, CDATA or processing instructions inside the stream, '>' escaped in values.
 */
class Framer {
  buffer = '';
  depth = 0;
  start = -1;
  name = '';
  push(text, onHeader, onElement) {
    this.buffer += text;
    const tag = /<(\/?)([^\s/>]+)[^>]*?(\/?)>/g;
    let consumed = 0;
    let match;
    while ((match = tag.exec(this.buffer))) {
      const [whole, closing, name, selfClosing] = match;
      if (name === '?xml') {
        consumed = tag.lastIndex;
        continue;
      }
      if (!closing && name === 'stream:stream') {
        this.depth = 0;
        onHeader(whole);
        consumed = tag.lastIndex;
        continue;
      }
      if (closing && name === 'stream:stream') {
        onElement('</stream:stream>', 'stream:stream');
        consumed = tag.lastIndex;
        continue;
      }
      if (closing) this.depth--;
      else if (this.depth === 0) {
        this.start = match.index;
        this.name = name;
        if (!selfClosing) this.depth++;
      } else if (!selfClosing) this.depth++;
      if (this.depth === 0) {
        onElement(this.buffer.slice(this.start, tag.lastIndex), this.name);
        consumed = tag.lastIndex;
      }
    }
    // Keep an unfinished element (and an unfinished tag) for the next read.
    const keepFrom = this.depth > 0 ? this.start : consumed;
    this.buffer = this.buffer.slice(keepFrom);
    if (this.depth > 0) {
      // Restart the scan of the kept element from its beginning next time.
      this.depth = 0;
    }
  }
}

/** What a session's stream end reports (see the header): times, then the intervals between them. */
function sessionTimings(session, t) {
  const between = (from, to) => (t[from] === undefined || t[to] === undefined ? null : round(t[to] - t[from]));
  return {
    session,
    ...Object.fromEntries(Object.entries(t).map(([name, value]) => [name, round(value)])),
    rosterResultToInitialPresenceMs: between('rosterResultAt', 'initialPresenceAt'),
    rosterResultToPongMs: between('rosterResultAt', 'pongAt'),
    connectToPongMs: between('connectedAt', 'pongAt'),
    floodStartToPongMs: between('floodStartAt', 'pongAt'),
    floodWrittenToPongMs: between('floodWrittenAt', 'pongAt'),
    joinToRoomWrittenMs: between('joinAt', 'roomWrittenAt'),
    joinToPongMs: between('joinAt', 'pongAt'),
  };
}

const round = (value) => Math.round(value * 10) / 10;

/** The room's messages (history and archive) for `data`. */
function roomMessageOf(data) {
  if (data !== 'realistic') return roomMessage;
  const nicks = realisticNicks();
  return (k) => ({ ...realisticRoomMessage(ROOM, k, nicks), stamp: stamp(ROOM_BASE, k * 30) });
}

export function startReplayServer({ workload, dir, port = 0, log = false, data = 'ascii', rttMs = 0 }) {
  const { key: keyFile, cert: certFile, ca } = ensureCertificate(dir);
  const key = fs.readFileSync(keyFile, 'utf8');
  const cert = fs.readFileSync(certFile, 'utf8');
  const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
  if (data !== 'ascii' && data !== 'realistic') throw new Error(`unknown data ${data}`);
  const realistic = data === 'realistic';
  let roster = '';
  let flood = '';
  let disco = {};
  if (workload === 'roster') roster = realistic ? rosterXml(realisticContacts()) : rosterItems();
  else if (workload === 'presence' && realistic) {
    const contacts = realisticContacts();
    roster = rosterXml(contacts);
    ({ flood, disco } = realisticFlood(contacts, `me@${DOMAIN}/bench`));
  } else if (workload === 'presence') {
    roster = read('roster.xml');
    flood = read('flood.xml');
    disco = JSON.parse(read('disco.json'));
  } else if (workload !== 'muc' && workload !== 'archive') throw new Error(`unknown workload ${workload}`);
  const messageOfRoom = roomMessageOf(data);
  const occupantsOf = realistic ? (to) => realisticOccupantPresences(ROOM, to) : occupantPresences;
  /**
   * What the room sends a join, before the self-presence, for each bound JID: made once, when the
   * session binds, so that the interval measured from the join is the client's and the wire's, not
   * this server generating 5,000 realistic presences (a second and more on a busy core).
   */
  const roomTexts = new Map();
  const roomTextFor = (to) => {
    let text = roomTexts.get(to);
    if (text === undefined) roomTexts.set(to, (text = occupantsOf(to)));
    return text;
  };
  const archiveMessageOf = realistic
    ? (k, own) => ({ ...realisticArchiveMessage(k, own), stamp: stamp(ARCHIVE_BASE, k * 60) })
    : archiveMessage;
  let sessions = 0;

  const server = net.createServer((raw) => {
    raw.on('error', () => {});
    raw.setNoDelay(true);
    const session = ++sessions;
    let socket = raw;
    let secure = false;
    let authenticated = false;
    let local = 'me';
    let bound = `me@${DOMAIN}/bench`;
    let smEnabled = false;
    let inbound = 0;
    let framer = new Framer();
    const state = {
      initialPresence: false,
      rosterSent: false,
      rosterWritten: false,
      workloadDone: false,
      pingId: null,
      closed: false,
    };
    /** This session's times (performance.now()), reported at its end. */
    const times = { connectedAt: performance.now() };
    const own = () => `${local}@${DOMAIN}`;
    // With a round trip, answers wait rttMs each (timers of one delay fire in order) until the
    // roster result is written; `written` runs when it was.
    const send = (data, written) => {
      const target = socket;
      const write = () => {
        if (!target.destroyed) target.write(data);
        written?.();
      };
      if (rttMs > 0 && !state.rosterWritten) setTimeout(write, rttMs);
      else write();
    };
    const features = () => {
      if (!secure) return `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
      if (!authenticated) return `<mechanisms xmlns='${NS_SASL}'><mechanism>PLAIN</mechanism></mechanisms>`;
      return `<bind xmlns='${NS_BIND}'/><sm xmlns='${NS_SM}'/><ver xmlns='urn:xmpp:features:rosterver'/>`;
    };
    // The end of every workload: a ping, then the stream's end once it is answered.
    const finish = () => {
      if (state.pingId) return;
      state.pingId = `final-ping-${session}`;
      times.pingAt = performance.now();
      send(`<iq type='get' id='${state.pingId}' from='${DOMAIN}' to='${bound}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    };
    const maybeFinish = () => {
      if (state.initialPresence && state.workloadDone) finish();
    };
    const close = () => {
      if (state.closed) return;
      state.closed = true;
      process.stdout.write(`timing ${JSON.stringify(sessionTimings(session, times))}\n`);
      if (!socket.destroyed) socket.end('</stream:stream>');
    };
    const room = { joined: false, nick: '', subjectSent: false, archiveAnswered: false, fallback: null };

    const onHeader = (header) => {
      if (log) process.stderr.write(`HEADER ${header}\n`);
      send(
        `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
          `id='replay-${session}' from='${DOMAIN}' version='1.0' xml:lang='en'><stream:features>${features()}</stream:features>`,
      );
    };

    const onElement = (element, name) => {
      if (log) process.stderr.write(`IN ${element.slice(0, 300)}\n`);
      if (name === 'stream:stream') return close();
      if (name === 'starttls' && !secure) {
        // The handshake starts once <proceed/> is on the wire (after the round trip, if any).
        send(`<proceed xmlns='${NS_TLS}'/>`, () => {
          raw.off('data', onData);
          const upgraded = new tls.TLSSocket(raw, { isServer: true, key, cert });
          upgraded.on('error', () => {});
          upgraded.on('data', onData);
          socket = upgraded;
          secure = true;
          framer = new Framer();
        });
        return;
      }
      if (name === 'auth') {
        const payload = /<auth\b[^>]*>([^<]*)<\/auth>/.exec(element)?.[1] ?? '';
        const user = Buffer.from(payload, 'base64').toString('utf8').split('\0')[1];
        if (user) local = user.includes('@') ? user.slice(0, user.indexOf('@')) : user;
        authenticated = true;
        framer = new Framer();
        send(`<success xmlns='${NS_SASL}'/>`);
        return;
      }
      if (name === 'enable' && element.includes(NS_SM)) {
        smEnabled = true;
        inbound = 0;
        send(`<enabled xmlns='${NS_SM}' id='replay-sm-${session}'/>`);
        return;
      }
      if (name === 'r') return send(`<a xmlns='${NS_SM}' h='${inbound}'/>`);
      if (name === 'a') return;
      if (smEnabled && (name === 'iq' || name === 'presence' || name === 'message')) inbound++;
      if (name === 'iq') return onIq(element);
      if (name === 'presence') return onPresence(element);
    };

    const onIq = (element) => {
      const head = /^<iq\b[^>]*>/.exec(element)?.[0] ?? element;
      const id = attr(head, 'id');
      const to = attr(head, 'to');
      const type = attr(head, 'type');
      if (type === 'result' || type === 'error') {
        if (id && id === state.pingId) {
          times.pongAt = performance.now();
          close();
        }
        return;
      }
      if (element.includes(NS_BIND)) {
        const resource = /<resource>([^<]*)<\/resource>/.exec(element)?.[1] || 'bench';
        bound = `${own()}/${resource}`;
        if (workload === 'muc') roomTextFor(bound);
        return send(`<iq type='result' id='${id}'><bind xmlns='${NS_BIND}'><jid>${bound}</jid></bind></iq>`);
      }
      if (element.includes(NS_ROSTER) && type === 'get') {
        send(
          `<iq type='result' id='${id}' to='${bound}'><query xmlns='${NS_ROSTER}' ver='replay-1'>${roster}</query></iq>`,
          () => {
            times.rosterResultAt = performance.now();
            state.rosterWritten = true;
          },
        );
        state.rosterSent = true;
        if (workload === 'roster') state.workloadDone = true;
        return maybeFinish();
      }
      if (element.includes(NS_DISCO_INFO) && workload === 'presence') {
        const node = attr(element, 'node') ?? '';
        const query = disco[node.slice(node.indexOf('#') + 1)] ?? `<query xmlns='${NS_DISCO_INFO}'/>`;
        return send(`<iq type='result' id='${id}' from='${to}' to='${bound}'>${query}</iq>`);
      }
      if (element.includes(`xmlns='${NS_MAM}'`) || element.includes(`xmlns="${NS_MAM}"`)) return onMam(element, id, to);
      send(`<iq type='result' id='${id}' from='${to ?? DOMAIN}' to='${bound}'/>`);
    };

    const rsmOf = (element) => {
      const max = Number(/<max>(\d+)<\/max>/.exec(element)?.[1] ?? '100');
      const after = /<after>([^<]*)<\/after>/.exec(element)?.[1];
      const before = /<before\s*\/>|<before>([^<]*)<\/before>/.exec(element);
      return { max: Math.max(1, Math.min(max, 500)), after: after === undefined ? undefined : unescape(after), before };
    };

    /** One page of an archive (ids in order), as a server does: forwarded results, then <fin/>. */
    const answerPage = (iqId, queryId, from, items, render, request) => {
      const { max, after, before } = request;
      let start = 0;
      let end = items.length;
      if (after !== undefined) {
        const index = items.findIndex((item) => item.id === after);
        if (index === -1) {
          return send(
            `<iq type='error' id='${iqId}' from='${from}' to='${bound}'><error type='cancel'>` +
              `<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
          );
        }
        start = index + 1;
        end = Math.min(items.length, start + max);
      } else if (before) {
        start = Math.max(0, end - max);
      } else {
        end = Math.min(items.length, max);
      }
      const page = items.slice(start, end);
      const parts = [];
      for (const item of page) {
        parts.push(
          `<message from='${from}' to='${bound}' id='r-${item.id}'><result xmlns='${NS_MAM}' queryid='${queryId}' id='${item.id}'>` +
            `<forwarded xmlns='${NS_FORWARD}'><delay xmlns='${NS_DELAY}' stamp='${item.stamp}'/>${render(item)}</forwarded></result></message>`,
        );
      }
      const complete = before ? start === 0 : end === items.length;
      const set =
        page.length === 0
          ? `<set xmlns='${NS_RSM}'><count>${items.length}</count></set>`
          : `<set xmlns='${NS_RSM}'><first index='${start}'>${page[0].id}</first><last>${page.at(-1).id}</last><count>${items.length}</count></set>`;
      parts.push(
        `<iq type='result' id='${iqId}' from='${from}' to='${bound}'><fin xmlns='${NS_MAM}'${complete ? " complete='true'" : ''}>${set}</fin></iq>`,
      );
      send(parts.join(''));
      return complete;
    };

    const ownArchive = [];
    const roomArchive = [];
    const onMam = (element, id, to) => {
      const queryId = unescape(attr(/<query\b[^>]*>/.exec(element)?.[0] ?? '', 'queryid') ?? '');
      const request = rsmOf(element);
      if (to && to.toLowerCase() === ROOM && workload === 'muc') {
        if (roomArchive.length === 0) {
          for (let k = 0; k < HISTORY; k++) {
            const m = messageOfRoom(k);
            roomArchive.push({
              id: m.id,
              stamp: m.stamp,
              xml: m.xml(bound).replace('<message ', "<message xmlns='jabber:client' "),
            });
          }
        }
        answerPage(id, queryId, ROOM, roomArchive, (item) => item.xml, request);
        room.archiveAnswered = true;
        if (room.subjectSent) roomDone();
        return;
      }
      if (to && to !== own()) return send(`<iq type='result' id='${id}' from='${to}' to='${bound}'/>`);
      if (workload !== 'archive') {
        send(
          `<iq type='result' id='${id}' to='${bound}'><fin xmlns='${NS_MAM}' complete='true'><set xmlns='${NS_RSM}'><count>0</count></set></fin></iq>`,
        );
        return;
      }
      if (ownArchive.length === 0) {
        // The first session finds the seed; later sessions find the 20,000 that arrived since.
        const total = session === 1 ? ARCHIVE_SEED : ARCHIVE_SEED + ARCHIVE_NEW;
        for (let k = 0; k < total; k++) {
          const m = archiveMessageOf(k, own());
          ownArchive.push({ id: m.id, stamp: m.stamp, xml: m.xml });
        }
      }
      const complete = answerPage(id, queryId, own(), ownArchive, (item) => item.xml, request);
      // A first session takes one page (the latest): that is its whole catch-up.
      if (complete || request.before) {
        state.workloadDone = true;
        maybeFinish();
      }
    };

    const roomDone = () => {
      if (room.fallback) clearTimeout(room.fallback);
      room.fallback = null;
      state.workloadDone = true;
      maybeFinish();
    };

    const onPresence = (element) => {
      const head = /^<presence\b[^>]*>/.exec(element)?.[0] ?? element;
      const to = attr(head, 'to');
      const type = attr(head, 'type');
      if (!to && !type) {
        if (state.initialPresence) return;
        state.initialPresence = true;
        times.initialPresenceAt = performance.now();
        if (workload === 'presence') {
          times.floodStartAt = performance.now();
          sendPaced(socket, flood, () => {
            times.floodWrittenAt = performance.now();
            state.workloadDone = true;
            maybeFinish();
          });
          return;
        }
        return maybeFinish();
      }
      if (workload !== 'muc' || !to || type) return;
      const slash = to.indexOf('/');
      if (slash === -1 || to.slice(0, slash).toLowerCase() !== ROOM || room.joined) return;
      if (!element.includes(NS_MUC)) return;
      room.joined = true;
      times.joinAt = performance.now();
      room.nick = unescape(to.slice(slash + 1));
      const self =
        `<presence from='${ROOM}/${to.slice(slash + 1)}' to='${bound}'><x xmlns='${NS_MUC_USER}'>` +
        `<item affiliation='member' role='participant' jid='${bound}'/><status code='100'/><status code='110'/></x></presence>`;
      const subject = `<message from='${ROOM}/user00000' to='${bound}' type='groupchat' id='subject'><subject>${SUBJECT}</subject></message>`;
      const text = roomTextFor(bound) + self + historyMessages(bound, messageOfRoom) + subject;
      sendPaced(socket, text, () => {
        times.roomWrittenAt = performance.now();
        room.subjectSent = true;
        // A client that asks the room's archive after joining gets its answer before the ping.
        if (room.archiveAnswered) roomDone();
        else room.fallback = setTimeout(roomDone, 3000);
      });
    };

    const onData = (data) => {
      if (log) process.stderr.write(`RAW ${data.toString('utf8').slice(0, 200)}\n`);
      framer.push(data.toString('utf8'), onHeader, onElement);
    };
    raw.on('data', onData);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port, ca }));
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const workload = process.argv[2] ?? process.env.REPLAY_WORKLOAD;
  let dir = process.argv[3] ?? process.env.REPLAY_DIR;
  if (!workload) {
    process.stderr.write('usage: node bench/replay-server.mjs roster|presence|muc|archive [DIR]\n');
    process.exit(2);
  }
  if (!dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-replay-'));
  fs.mkdirSync(dir, { recursive: true });
  const { port, ca } = await startReplayServer({
    workload,
    dir,
    port: Number(process.env.REPLAY_PORT ?? 0),
    log: Boolean(process.env.REPLAY_LOG),
    data: process.env.REPLAY_DATA || 'ascii',
    rttMs: Number(process.env.REPLAY_RTT_MS) || 0,
  });
  process.stdout.write(`port ${port}\n${ca ? `ca ${ca}\n` : ''}`);
  process.on('SIGTERM', () => process.exit(0));
}
