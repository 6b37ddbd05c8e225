/**
 * The server side of the presence flood benchmark, in its own process so that the core's process
 * measures only the core (its RSS and its event loop). Plain Node, no dependencies.
 *
 * `node presence-flood-server.mjs DIR` reads DIR/key.pem, DIR/cert.pem, DIR/roster.xml, DIR/flood.xml
 * and DIR/disco.json (caps ver → disco#info <query/>), listens on 127.0.0.1 and prints `port N`.
 * Per connection: STARTTLS, PLAIN (any password), bind; the roster request gets the roster, disco#info
 * requests get the query for their ver, and our first initial presence (no type, no to) gets the flood,
 * written as a server would: in slices, waiting for the socket to drain.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { sendPaced } from './send-paced.mjs';

const dir = process.argv[2];
const key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
const cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
const roster = fs.readFileSync(path.join(dir, 'roster.xml'), 'utf8');
const flood = fs.readFileSync(path.join(dir, 'flood.xml'), 'utf8');
const disco = JSON.parse(fs.readFileSync(path.join(dir, 'disco.json'), 'utf8'));

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_ROSTER = 'jabber:iq:roster';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const HEADER = /<stream:stream\b[^>]*>/;

const server = net.createServer((raw) => {
  raw.on('error', () => {});
  let socket = raw;
  let secure = false;
  let authenticated = false;
  let boundJid = 'me@localhost/bench';
  let pending = '';
  let flooded = false;
  const send = (data) => {
    if (!socket.destroyed) socket.write(data);
  };
  const features = () => {
    if (!secure) return `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
    if (!authenticated) return `<mechanisms xmlns='${NS_SASL}'><mechanism>PLAIN</mechanism></mechanisms>`;
    return `<bind xmlns='${NS_BIND}'/><ver xmlns='urn:xmpp:features:rosterver'/>`;
  };
  const onData = (data) => {
    pending += data.toString('utf8');
    if (process.env.FLOOD_SERVER_LOG) process.stderr.write(`IN ${data.toString('utf8').slice(0, 300)}\n`);
    let header = HEADER.exec(pending);
    while (header) {
      send(
        `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
          `id='flood' from='localhost' version='1.0' xml:lang='en'><stream:features>${features()}</stream:features>`,
      );
      pending = pending.slice(header.index + header[0].length);
      header = HEADER.exec(pending);
    }
    const chunk = pending;
    pending = '';
    if (!chunk) return;
    if (chunk.includes('</stream:stream>')) {
      socket.end('</stream:stream>');
      return;
    }
    if (!secure && /<starttls\b/.test(chunk)) {
      send(`<proceed xmlns='${NS_TLS}'/>`);
      raw.off('data', onData);
      const upgraded = new tls.TLSSocket(raw, { isServer: true, key, cert });
      upgraded.on('error', () => {});
      upgraded.on('data', onData);
      socket = upgraded;
      secure = true;
      return;
    }
    if (/<auth\b/.test(chunk)) {
      authenticated = true;
      send(`<success xmlns='${NS_SASL}'/>`);
      return;
    }
    for (const match of chunk.matchAll(/<iq\b[^>]*>/g)) {
      const head = match[0];
      const end = chunk.indexOf('</iq>', match.index);
      const body = end === -1 ? chunk.slice(match.index) : chunk.slice(match.index, end + 5);
      const id = /\bid=["']([^"']+)["']/.exec(head)?.[1];
      const to = /\bto=["']([^"']+)["']/.exec(head)?.[1];
      if (body.includes(NS_BIND)) {
        const resource = /<resource>([^<]*)<\/resource>/.exec(body)?.[1] || 'bench';
        boundJid = `me@localhost/${resource}`;
        send(`<iq type='result' id='${id}'><bind xmlns='${NS_BIND}'><jid>${boundJid}</jid></bind></iq>`);
      } else if (body.includes(NS_ROSTER)) {
        send(`<iq type='result' id='${id}'><query xmlns='${NS_ROSTER}' ver='1'>${roster}</query></iq>`);
      } else if (body.includes(NS_DISCO_INFO)) {
        const node = /\bnode=["']([^"']+)["']/.exec(body)?.[1] ?? '';
        const query = disco[node.slice(node.indexOf('#') + 1)] ?? '';
        send(`<iq type='result' id='${id}' from='${to}' to='${boundJid}'>${query}</iq>`);
      } else if (id) {
        send(`<iq type='result' id='${id}' from='${to ?? 'localhost'}' to='${boundJid}'/>`);
      }
    }
    // Our initial presence (no type, no to): the flood follows, once. The client sends its presence
    // again once it has read its own vCard (the XEP-0153 photo): a second flood would interleave with
    // the first and the final state would not be the workload's.
    if (!flooded && /<presence(?![^>]*\b(?:type|to)=)[^>]*>/.test(chunk)) {
      flooded = true;
      sendPaced(socket, flood);
    }
  };
  raw.on('data', onData);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
