/**
 * A tiny scripted XMPP server on 127.0.0.1 for cases a real server will not play: missing STARTTLS,
 * forged stanzas, malformed XML, a certificate for the wrong name. It answers every stream header
 * the client opens with its own header and the features the test chose, can do STARTTLS with a
 * given certificate, records every byte each client sent (after TLS: the decrypted bytes), and hands
 * the rest of the conversation to the test's `onData`.
 *
 * For scripts that need an online session: `tls` + `features: standardFeatures` + `onData` calling
 * `fakeLogin` first gives STARTTLS → PLAIN (accepts any password) → bind, then your stanzas.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface ScriptedConnection {
  /** The current socket (the TLS socket after STARTTLS). */
  socket: net.Socket;
  /** Everything this client sent, decoded as UTF-8. */
  received: string;
  /** How many stream headers the client has opened (1 after the first, 2 after a restart…). */
  streams: number;
  /** True after STARTTLS. */
  secure: boolean;
  /** With `directTls`: the ALPN protocol the client and we agreed on (false: none). */
  alpn: string | false | null;
  /** With `directTls`: the server name the client asked for (SNI). */
  servername: string | false | null;
  /** True after fakeLogin answered <auth/> with <success/>. */
  authenticated: boolean;
  /** The full JID fakeLogin bound, if any. */
  boundJid: string | null;
  send(data: string): void;
  /** Sends a stream footer and closes. */
  close(): void;
}

export interface ScriptedServerOptions {
  /** Domain in the 'from' of our stream header. */
  domain?: string;
  /** Children of <stream:features/> for stream number `n` (1-based), or one string for every stream. */
  features?: string | ((n: number, conn: ScriptedConnection) => string);
  /** PEM key and certificate: <starttls/> from the client is answered with <proceed/> and a TLS handshake. */
  tls?: { key: string; cert: string };
  /** PEM key and certificate: TLS from the first byte (XEP-0368 Direct TLS), offering ALPN xmpp-client. */
  directTls?: { key: string; cert: string };
  /** Called with each chunk the client sends after its stream header(s) were answered. */
  onData?: (conn: ScriptedConnection, chunk: string) => void;
  /** Called when a client connects, before anything is read. */
  onConnection?: (conn: ScriptedConnection) => void;
}

export interface ScriptedServer {
  host: '127.0.0.1';
  port: number;
  connections: ScriptedConnection[];
  /** Everything all clients sent. */
  received(): string;
  stop(): Promise<void>;
}

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SM = 'urn:xmpp:sm:3';

/** <mechanisms/> offering the given SASL mechanisms. */
export function mechanisms(...names: string[]): string {
  return `<mechanisms xmlns='${NS_SASL}'>${names.map((n) => `<mechanism>${n}</mechanism>`).join('')}</mechanisms>`;
}

/** STARTTLS until secure, then PLAIN until authenticated, then bind (and stream management). */
export function standardFeatures(_n: number, conn: ScriptedConnection): string {
  if (!conn.secure) return `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
  if (!conn.authenticated) return mechanisms('PLAIN');
  return `<bind xmlns='${NS_BIND}'/>`;
}

/** Like standardFeatures, and offers XEP-0198 after authentication (fakeLogin answers <enable/>). */
export function featuresWithSm(n: number, conn: ScriptedConnection): string {
  const features = standardFeatures(n, conn);
  return conn.authenticated ? `${features}<sm xmlns='${NS_SM}'/>` : features;
}

/**
 * Plays the server side of PLAIN (any password), resource binding and <enable/> (XEP-0198). Returns true when it handled
 * the chunk, so a script can do `if (fakeLogin(conn, chunk, 'me@localhost')) return;`.
 */
export function fakeLogin(conn: ScriptedConnection, chunk: string, bareJid: string): boolean {
  if (/<auth\b/.test(chunk)) {
    conn.authenticated = true;
    conn.send(`<success xmlns='${NS_SASL}'/>`);
    return true;
  }
  if (/<enable\b[^>]*urn:xmpp:sm:3/.test(chunk)) {
    conn.send(`<enabled xmlns='${NS_SM}' id='scripted-sm' resume='true'/>`);
    return true;
  }
  const bind = /<iq\b[^>]*\bid=(['"])([^'"]*)\1[^>]*>\s*<bind\b/.exec(chunk);
  if (bind && chunk.includes(NS_BIND)) {
    const resource = /<resource>([^<]*)<\/resource>/.exec(chunk)?.[1];
    conn.boundJid = `${bareJid}/${resource || 'scripted'}`;
    conn.send(`<iq type='result' id='${bind[2]}'><bind xmlns='${NS_BIND}'><jid>${conn.boundJid}</jid></bind></iq>`);
    return true;
  }
  return false;
}

const STREAM_HEADER = /<stream:stream\b[^>]*>/;

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const domain = options.domain ?? 'localhost';
  const connections: ScriptedConnection[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {}); // a client hanging up is part of many scripts
    let pending = '';
    const conn: ScriptedConnection = {
      socket: raw,
      received: '',
      streams: 0,
      secure: false,
      alpn: null,
      servername: null,
      authenticated: false,
      boundJid: null,
      send: (data) => {
        if (!conn.socket.destroyed) conn.socket.write(data);
      },
      close: () => {
        if (!conn.socket.destroyed) conn.socket.end('</stream:stream>');
      },
    };
    connections.push(conn);
    options.onConnection?.(conn);

    const startTls = () => {
      if (!options.tls) return;
      conn.send(`<proceed xmlns='${NS_TLS}'/>`);
      raw.off('data', onData);
      const secure = new tls.TLSSocket(raw, { isServer: true, key: options.tls.key, cert: options.tls.cert });
      secure.on('error', () => {}); // e.g. the client refused our certificate
      secure.on('data', onData);
      conn.socket = secure;
      conn.secure = true;
      pending = '';
    };

    const onData = (data: Buffer) => {
      const chunk = data.toString('utf8');
      conn.received += chunk;
      pending += chunk;
      // Answer every stream header (the first and each restart) with ours plus features.
      let header = STREAM_HEADER.exec(pending);
      while (header) {
        conn.streams += 1;
        const features =
          typeof options.features === 'function' ? options.features(conn.streams, conn) : (options.features ?? '');
        conn.send(
          `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' ` +
            `id='s${conn.streams}' from='${domain}' version='1.0' xml:lang='en'>` +
            `<stream:features>${features}</stream:features>`,
        );
        pending = pending.slice(header.index + header[0].length);
        header = STREAM_HEADER.exec(pending);
      }
      if (!pending || conn.streams === 0) return;
      const rest = pending;
      pending = '';
      if (options.tls && !conn.secure && /<starttls\b/.test(rest)) return startTls();
      options.onData?.(conn, rest);
    };
    if (options.directTls) {
      const secure = new tls.TLSSocket(raw, {
        isServer: true,
        key: options.directTls.key,
        cert: options.directTls.cert,
        ALPNProtocols: ['xmpp-client'],
      });
      secure.on('error', () => {}); // e.g. the client refused our certificate
      secure.on('secure', () => {
        conn.alpn = secure.alpnProtocol;
        conn.servername = (secure as tls.TLSSocket & { servername?: string | false }).servername ?? null;
      });
      secure.on('data', onData);
      conn.socket = secure;
      conn.secure = true;
      return;
    }
    raw.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    connections,
    received: () => connections.map((c) => c.received).join(''),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
