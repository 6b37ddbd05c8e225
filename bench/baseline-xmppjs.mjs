/**
 * A baseline for the bench suite: the simplest correct client one writes with xmpp.js —
 * @xmpp/client-core over @xmpp/tcp, STARTTLS, SASL PLAIN, resource binding, an IQ caller and
 * callee, and a `Map` for the roster and for every contact's available resources. No store, no
 * events, no UI. Run by the benches beside the headless client (replay.ts, runClient), against the
 * same replay server:
 *
 *   node bench/baseline-xmppjs.mjs      with BENCH_HOST, BENCH_PORT, BENCH_DOMAIN, BENCH_JID,
 *                                        BENCH_RESOURCE, BENCH_PASSWORD, BENCH_CA (a PEM file),
 *                                        BENCH_METRICS_FILE, BENCH_STATE_FILE, BENCH_JOIN_ROOM
 *
 * Like the headless client: it asks for the roster, sends its initial presence once the roster is
 * in the Map, answers pings, joins BENCH_JOIN_ROOM after the roster if set, and when the server
 * ends the stream prints one `BENCH_RESULT {…}` line, writes its timings to BENCH_METRICS_FILE and
 * what it holds (roster items, available resources) to BENCH_STATE_FILE, and exits 0.
 *
 * Two things are written out here because their packages are not installed: STARTTLS and resource
 * binding, each the few lines @xmpp/starttls and @xmpp/resource-binding consist of. One thing is
 * changed from xmpp.js: socket bytes are decoded with a streaming UTF-8 decoder. xmpp.js decodes
 * every read on its own, so a character split between two reads becomes U+FFFD; on realistic data
 * that happens several times per run, and a client that garbles names is not a correct one.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import { Client, jid as parseJid, xml } from '@xmpp/client-core';
import tcp from '@xmpp/tcp';
import createMiddleware from '@xmpp/middleware';
import createStreamFeatures from '@xmpp/stream-features';
import createIqCaller from '@xmpp/iq/caller.js';
import createIqCallee from '@xmpp/iq/callee.js';
import sasl from '@xmpp/sasl';
import saslPlain from '@xmpp/sasl-plain';
import SASLFactory from 'saslmechanisms';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_ROSTER = 'jabber:iq:roster';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

const env = process.env;
const domain = env.BENCH_DOMAIN;
const local = env.BENCH_JID.includes('@') ? env.BENCH_JID.split('@')[0] : env.BENCH_JID;
const ca = env.BENCH_CA ? fs.readFileSync(env.BENCH_CA, 'utf8') : undefined;

/** xmpp.js's Client with one change: a streaming UTF-8 decoder per socket (see above). */
class DecodingClient extends Client {
  decoders = new WeakMap();
  _onData(data) {
    let decoder = this.decoders.get(this.socket);
    if (!decoder) this.decoders.set(this.socket, (decoder = new StringDecoder('utf8')));
    this.parser.write(decoder.write(data));
  }
}

const client = new DecodingClient({ service: `xmpp://${env.BENCH_HOST}:${env.BENCH_PORT}`, domain, lang: 'en' });
tcp({ entity: client });
const middleware = createMiddleware({ entity: client });
const streamFeatures = createStreamFeatures({ middleware });
const iqCaller = createIqCaller({ middleware, entity: client });
const iqCallee = createIqCallee({ middleware, entity: client });

// STARTTLS, as @xmpp/starttls does it (with the bench's CA; the certificate is verified).
streamFeatures.use('starttls', NS_TLS, async ({ entity }) => {
  const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
  if (!answer.is('proceed', NS_TLS)) throw new Error('STARTTLS refused');
  const socket = await new Promise((resolve, reject) => {
    const secure = tls.connect({ socket: entity.socket, servername: domain, ca }, () => resolve(secure));
    secure.once('error', reject);
  });
  entity._attachSocket(socket);
  await entity.restart();
});

const saslFactory = new SASLFactory();
saslPlain(saslFactory);
sasl({ streamFeatures, saslFactory }, (done) => done({ username: local, password: env.BENCH_PASSWORD }, 'PLAIN'));

// Resource binding, as @xmpp/resource-binding does it.
streamFeatures.use('bind', NS_BIND, async ({ entity }, next) => {
  const result = await iqCaller.set(xml('bind', { xmlns: NS_BIND }, xml('resource', {}, env.BENCH_RESOURCE)));
  entity._jid(result.getChildText('jid'));
  entity._ready(false);
  await next();
});

// ---------- the client's state: two Maps ----------

/** bare JID → { name, subscription, ask, groups } */
const roster = new Map();
/** bare JID → (resource → { show, status, priority }) */
const presence = new Map();
/** room occupants by nick */
const occupants = new Map();
const at = { rosterRequested: null, rosterFirstByte: null, rosterDone: null, initialPresence: null };
const cpuNow = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
/** CPU time (µs) at the first byte after the roster request, at the roster's end, at the first byte after our presence and at the last ping. */
const cpu = { rosterFirstByte: null, rosterDone: null, presenceFirstByte: null, lastPing: null };
const presenceTimes = { firstByte: null, last: null, lastAtPing: null, handled: 0 };
let pings = 0;
let atPing = null;

const counts = () => {
  let availableResources = 0;
  for (const resources of presence.values()) availableResources += resources.size;
  return { rosterItems: roster.size, availableResources, onlineContacts: presence.size };
};

const nextByte = (mark) => client.socket?.prependOnceListener('data', () => mark(performance.now()));

middleware.use((ctx, next) => {
  const { stanza } = ctx;
  if (stanza.name !== 'presence') return next();
  const from = parseJid(stanza.attrs.from);
  const bare = from.bare().toString();
  if (stanza.getChild('x', NS_MUC_USER)) {
    occupants.set(from.getResource(), stanza.getChild('x', NS_MUC_USER).getChild('item')?.attrs.role);
    return undefined;
  }
  const type = stanza.attrs.type;
  if (type === 'unavailable') {
    const resources = presence.get(bare);
    resources?.delete(from.getResource());
    if (resources?.size === 0) presence.delete(bare);
  } else if (type === undefined) {
    let resources = presence.get(bare);
    if (!resources) presence.set(bare, (resources = new Map()));
    resources.set(from.getResource(), {
      show: stanza.getChildText('show') || 'available',
      status: stanza.getChildText('status'),
      priority: Number(stanza.getChildText('priority') ?? 0),
    });
  }
  if (at.initialPresence !== null) {
    presenceTimes.handled++;
    presenceTimes.last = performance.now();
  }
  return undefined;
});

iqCallee.get('urn:xmpp:ping', 'ping', () => {
  pings++;
  cpu.lastPing = cpuNow();
  presenceTimes.lastAtPing = presenceTimes.last;
  atPing = counts();
  return {};
});

client.on('online', async () => {
  at.rosterRequested = performance.now();
  nextByte((t) => {
    at.rosterFirstByte ??= t;
    cpu.rosterFirstByte ??= cpuNow();
  });
  const query = await iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
  for (const item of query.getChildren('item')) {
    roster.set(item.attrs.jid, {
      name: item.attrs.name ?? null,
      subscription: item.attrs.subscription ?? 'none',
      ask: item.attrs.ask === 'subscribe',
      groups: item.getChildren('group').map((group) => group.text()),
    });
  }
  at.rosterDone = performance.now();
  cpu.rosterDone = cpuNow();
  at.initialPresence = performance.now();
  nextByte((t) => {
    presenceTimes.firstByte ??= t;
    cpu.presenceFirstByte ??= cpuNow();
  });
  await client.send(xml('presence'));
  if (env.BENCH_JOIN_ROOM) await client.send(xml('presence', { to: env.BENCH_JOIN_ROOM }, xml('x', { xmlns: NS_MUC })));
});

const finished = new Promise((resolve, reject) => {
  client.on('close', resolve);
  client.on('disconnect', resolve);
  client.on('error', reject);
});

try {
  await client.start();
  await finished;
} catch (error) {
  process.stderr.write(`baseline-xmppjs: ${error?.message ?? error}\n`);
  process.exit(1);
}

const round = (value) => Math.round(value * 10) / 10;
const final = counts();
if (env.BENCH_METRICS_FILE) {
  fs.writeFileSync(
    env.BENCH_METRICS_FILE,
    JSON.stringify({
      peer: 'xmpp.js',
      rosterFirstByteToDoneMs: at.rosterDone && at.rosterFirstByte ? round(at.rosterDone - at.rosterFirstByte) : null,
      rosterFirstByteToDoneCpuMs:
        cpu.rosterDone && cpu.rosterFirstByte ? round((cpu.rosterDone - cpu.rosterFirstByte) / 1000) : null,
      presence: {
        firstByteToLastPingCpuMs:
          cpu.presenceFirstByte && cpu.lastPing ? round((cpu.lastPing - cpu.presenceFirstByte) / 1000) : null,
        handled: presenceTimes.handled,
        firstByteToLastAtPingMs:
          presenceTimes.firstByte && presenceTimes.lastAtPing
            ? round(presenceTimes.lastAtPing - presenceTimes.firstByte)
            : null,
      },
      pings,
      occupants: occupants.size,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    }),
  );
}
if (env.BENCH_STATE_FILE) {
  const resources = [];
  for (const [bare, map] of presence) {
    for (const [resource, state] of map) resources.push({ jid: bare, resource, ...state });
  }
  const items = [...roster].map(([jid, item]) => ({ jid, ...item }));
  fs.writeFileSync(env.BENCH_STATE_FILE, JSON.stringify({ roster: items, presence: resources }));
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify({ peer: 'xmpp.js', ...final, atPing: atPing ?? final })}\n`);
process.exit(0);
