/**
 * A tiny scripted XMPP server on 127.0.0.1 for cases a real server will not play: missing STARTTLS,
 * forged stanzas, malformed XML. It answers every stream header the client opens with its own header
 * and the features the test chose, records every byte each client sent, and hands the rest of the
 * conversation to the test's `onData`.
 */
import net from 'node:net';

export interface ScriptedConnection {
  socket: net.Socket;
  /** Everything this client sent, decoded as UTF-8. */
  received: string;
  /** How many stream headers the client has opened (1 after the first, 2 after a restart…). */
  streams: number;
  send(data: string): void;
  /** Sends a stream footer and closes. */
  close(): void;
}

export interface ScriptedServerOptions {
  /** Domain in the 'from' of our stream header. */
  domain?: string;
  /** Children of <stream:features/> for stream number `n` (1-based), or one string for every stream. */
  features?: string | ((n: number, conn: ScriptedConnection) => string);
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

/** <mechanisms/> offering the given SASL mechanisms. */
export function mechanisms(...names: string[]): string {
  return `<mechanisms xmlns='${NS_SASL}'>${names.map((n) => `<mechanism>${n}</mechanism>`).join('')}</mechanisms>`;
}

const STREAM_HEADER = /<stream:stream\b[^>]*>/;

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const domain = options.domain ?? 'localhost';
  const connections: ScriptedConnection[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // a client hanging up is part of many scripts
    let pending = '';
    const conn: ScriptedConnection = {
      socket,
      received: '',
      streams: 0,
      send: (data) => {
        if (!socket.destroyed) socket.write(data);
      },
      close: () => {
        if (!socket.destroyed) socket.end('</stream:stream>');
      },
    };
    connections.push(conn);
    options.onConnection?.(conn);

    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
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
      if (pending && conn.streams > 0) {
        const rest = pending;
        pending = '';
        options.onData?.(conn, rest);
      }
    });
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
