/**
 * The parse-only ceiling of the bench suite: what reading the replay server's bytes costs with
 * nothing done with them. The same bytes over the same path as the clients measured beside it —
 * a TCP socket to the replay server, STARTTLS with Node's TLS (the certificate verified against
 * BENCH_CA), a streaming UTF-8 decoder — and then ltx's SAX parser (ltx/lib/parsers/ltx.js, the
 * tokenizer @xmpp/xml builds its Elements from), with handlers that only keep the depth and count
 * the stanzas. No Element trees, no state: a client that does anything with the stream costs more.
 *
 *   node bench/baseline-ltx.mjs        with the variables of baseline-xmppjs.mjs
 *
 * It logs in with a few fixed strings (STARTTLS, PLAIN, bind), asks for the roster, sends its
 * initial presence at the end of the roster result, joins BENCH_JOIN_ROOM after it if set, answers
 * the server's pings, and when the stream ends prints one `BENCH_RESULT {…}` line (roster items and
 * presences counted, not interpreted) and writes its timings to BENCH_METRICS_FILE.
 */
import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import SaxLtx from 'ltx/lib/parsers/ltx.js';

const env = process.env;
const domain = env.BENCH_DOMAIN;
const local = env.BENCH_JID.includes('@') ? env.BENCH_JID.split('@')[0] : env.BENCH_JID;
const ca = env.BENCH_CA ? fs.readFileSync(env.BENCH_CA, 'utf8') : undefined;
const header = (secure) =>
  `<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' xml:lang='en' xmlns='jabber:client' ` +
  `xmlns:stream='http://etherx.jabber.org/streams'${secure ? ` from='${local}@${domain}'` : ''}>`;

let socket = net.connect(Number(env.BENCH_PORT), env.BENCH_HOST);
let decoder = new StringDecoder('utf8');
let parser;
let step = 'starttls';
const write = (text) => socket.write(text);

// What the handlers keep: the depth, the top-level stanza's type and id, and counts.
let depth = 0;
let stanzaType = '';
let stanzaId = '';
let isPing = false;
let isRosterResult = false;
let rosterItems = 0;
let presences = 0;
let pings = 0;
const at = { rosterRequested: null, rosterFirstByte: null, rosterDone: null, initialPresence: null };
const cpuNow = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
/** CPU time (µs) at the first byte after the roster request, at the roster's end, at the first byte after our presence and at the last ping. */
const cpu = { rosterFirstByte: null, rosterDone: null, presenceFirstByte: null, lastPing: null };
const presenceTimes = { firstByte: null, last: null, lastAtPing: null };
let atPing = null;

function newParser() {
  depth = 0;
  parser = new SaxLtx();
  parser.on('startElement', (name, attrs) => {
    depth++;
    if (depth === 2) {
      stanzaType = attrs.type ?? '';
      stanzaId = attrs.id ?? '';
      isPing = false;
      isRosterResult = false;
    } else if (depth === 3) {
      if (name === 'ping') isPing = true;
      if (name === 'query' && attrs.xmlns === 'jabber:iq:roster' && stanzaType === 'result') isRosterResult = true;
    } else if (depth === 4 && isRosterResult && name === 'item') {
      rosterItems++;
    }
  });
  parser.on('endElement', (name) => {
    depth--;
    if (depth === 1) stanzaEnded(name);
    else if (depth === 0) socket.end('</stream:stream>');
  });
  parser.on('text', () => {});
}

/** A top-level element ended: the login steps, then the workload's few answers. */
function stanzaEnded(name) {
  if (step === 'starttls' && name === 'stream:features')
    return write(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
  if (step === 'starttls' && name === 'proceed') return upgrade();
  if (step === 'auth' && name === 'stream:features') {
    const plain = Buffer.from(`\0${local}\0${env.BENCH_PASSWORD}`).toString('base64');
    return write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`);
  }
  if (step === 'auth' && name === 'success') {
    step = 'bind';
    newParser();
    return write(header(true));
  }
  if (step === 'bind' && name === 'stream:features') {
    return write(
      `<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${env.BENCH_RESOURCE}</resource></bind></iq>`,
    );
  }
  if (step === 'bind' && stanzaId === 'bind') {
    step = 'roster';
    at.rosterRequested = performance.now();
    socket.prependOnceListener('data', () => {
      at.rosterFirstByte ??= performance.now();
      cpu.rosterFirstByte ??= cpuNow();
    });
    return write(`<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>`);
  }
  if (step === 'roster' && stanzaId === 'roster') {
    step = 'online';
    at.rosterDone = performance.now();
    cpu.rosterDone = cpuNow();
    at.initialPresence = performance.now();
    socket.prependOnceListener('data', () => {
      presenceTimes.firstByte ??= performance.now();
      cpu.presenceFirstByte ??= cpuNow();
    });
    write('<presence/>');
    if (env.BENCH_JOIN_ROOM)
      write(`<presence to='${env.BENCH_JOIN_ROOM}'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
    return;
  }
  if (name === 'presence' && at.initialPresence !== null) {
    presences++;
    presenceTimes.last = performance.now();
    return;
  }
  if (name === 'iq' && isPing && stanzaType === 'get') {
    pings++;
    cpu.lastPing = cpuNow();
    presenceTimes.lastAtPing = presenceTimes.last;
    atPing = { rosterItems, presences };
    write(`<iq type='result' id='${stanzaId}'/>`);
  }
}

function upgrade() {
  socket.off('data', onData);
  const secure = tls.connect({ socket, servername: domain, ca }, () => {
    step = 'auth';
    newParser();
    write(header(true));
  });
  socket = secure;
  decoder = new StringDecoder('utf8');
  socket.on('data', onData);
  socket.on('error', fail);
}

function onData(data) {
  parser.write(decoder.write(data));
}

function fail(error) {
  process.stderr.write(`baseline-ltx: ${error?.message ?? error}\n`);
  process.exit(1);
}

newParser();
socket.on('data', onData);
socket.on('error', fail);
socket.on('connect', () => write(header(false)));
socket.on('close', () => {
  if (step !== 'online') fail(new Error(`the stream ended during ${step}`));
  const round = (value) => Math.round(value * 10) / 10;
  if (env.BENCH_METRICS_FILE) {
    fs.writeFileSync(
      env.BENCH_METRICS_FILE,
      JSON.stringify({
        peer: 'ltx',
        rosterFirstByteToDoneMs: round(at.rosterDone - at.rosterFirstByte),
        rosterFirstByteToDoneCpuMs:
          cpu.rosterDone && cpu.rosterFirstByte ? round((cpu.rosterDone - cpu.rosterFirstByte) / 1000) : null,
        presence: {
          firstByteToLastPingCpuMs:
            cpu.presenceFirstByte && cpu.lastPing ? round((cpu.lastPing - cpu.presenceFirstByte) / 1000) : null,
          handled: presences,
          firstByteToLastAtPingMs:
            presenceTimes.firstByte && presenceTimes.lastAtPing
              ? round(presenceTimes.lastAtPing - presenceTimes.firstByte)
              : null,
        },
        pings,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      }),
    );
  }
  const final = { rosterItems, presences };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ peer: 'ltx', ...final, atPing: atPing ?? final })}\n`);
  process.exit(0);
});
