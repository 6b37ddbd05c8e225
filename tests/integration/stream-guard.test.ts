/**
 * The stream guard through the whole core against a hostile scripted server: once the account is
 * online, the server's first connection sends what XMPP forbids (a DOCTYPE, a comment, a processing
 * instruction, a duplicated attribute, illegal characters, invalid UTF-8, a 50 MB body, 300,000
 * nested elements). The client must answer with the matching stream error, store nothing of it,
 * tell the user why in words, and reconnect with backoff: the second connection delivers a control
 * message, which is stored.
 */
import { describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, ConnectionView, MessageView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/log';
import { AccountSession } from '../../src/main/core/accounts/session';
import { localhostTlsSuite } from '../support/certs';
import {
  fakeLogin,
  standardFeatures,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../support/scripted-server';
import { eventually, waitUntil } from '../support/wait';
import { connectionErrorText } from '../../src/renderer/src/lib/words/connection';

const NS_ROSTER = 'jabber:iq:roster';
const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
const suite = localhostTlsSuite('jw-stream-guard-');

const chat = (body: string, from = 'bob@example.org/phone') =>
  `<message from='${from}' to='me@localhost' type='chat' id='${body}'><body>${body}</body></message>`;

interface Hostile {
  server: ScriptedServer;
  messenger: Messenger;
  id: string;
  /** Every connection view the account went through. */
  views: ConnectionView[];
  search(query: string): Promise<MessageView[]>;
  close(): Promise<void>;
}

/**
 * A server that logs in anyone, answers the roster get with an empty roster and, once our initial
 * presence arrives, plays `attack` on its first connection and sends CONTROL on every later one.
 */
async function hostileServer(attack: (conn: ScriptedConnection) => void): Promise<Hostile> {
  const server = await startScriptedServer({
    tls: suite.tls,
    features: standardFeatures,
    onData: (conn, chunk) => {
      if (fakeLogin(conn, chunk, 'me@localhost')) return;
      if (chunk.includes('</stream:stream>')) return conn.close();
      const get = /<iq\b[^>]*\btype=["']get["'][^>]*>/.exec(chunk);
      if (get && chunk.includes(NS_ROSTER)) {
        const id = /\bid=["']([^"']+)["']/.exec(get[0])?.[1];
        conn.send(`<iq type='result' id='${id}'><query xmlns='${NS_ROSTER}'/></iq>`);
      }
      if (/<presence(?![^>]*\b(?:type|to)=)[^>]*>/.test(chunk)) {
        if (conn === server.connections[0]) attack(conn);
        else conn.send(chat('CONTROL'));
      }
    },
  });
  const views: ConnectionView[] = [];
  const messenger = await createMessenger({
    dataDir: suite.tempDir(),
    secrets: createMemorySecretStore(),
    log: silentLogger,
    extraCa: suite.caPem,
    flushMs: 5,
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, {
        log: silentLogger,
        ca: suite.caPem,
        resolveSrv: false,
        backoff: { baseMs: 200, capMs: 400 },
      }),
  });
  messenger.subscribe((batch) => {
    for (const event of batch.events as AppEvent[])
      if (event.type === 'account.connection') views.push(event.connection);
  });
  const added = await messenger.invoke('account.add', {
    jid: 'me@localhost',
    password: 'anything',
    host: server.host,
    port: server.port,
  });
  const id = (added as { value: AccountView }).value.id;
  const search = async (query: string) => {
    const result = await messenger.invoke('message.search', { accountId: id, query });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value as MessageView[];
  };
  return {
    server,
    messenger,
    id,
    views,
    search,
    close: async () => {
      await messenger.close();
      await server.stop();
    },
  };
}

/** Waits for the reconnection that delivers CONTROL, then checks what the user was told. */
async function expectRefusedAndReconnected(h: Hostile, condition: string, message: string): Promise<void> {
  await waitUntil('the stream error', () => h.server.connections[0]?.received.includes(`<${condition} `));
  await waitUntil('a second connection', () => h.server.connections.length >= 2);
  await eventually(async () => expect(await h.search('CONTROL')).toHaveLength(1));
  const first = h.server.connections[0].received;
  expect(first).toContain(`<stream:error><${condition} xmlns="${NS_STREAMS}"/></stream:error></stream:stream>`);
  const reconnecting = h.views.find((view) => view.status === 'reconnecting');
  expect(reconnecting?.error).toMatchObject({ kind: 'protocol', reason: 'connection.streamViolation' });
  expect(connectionErrorText(reconnecting!.error!)).toBe(message);
  // Reconnected by itself, with backoff: not a permanent failure.
  expect(h.views.some((view) => view.status === 'error')).toBe(false);
  expect(h.views.at(-1)?.status).toBe('online');
}

describe('the stream guard against a hostile server', () => {
  it('a DOCTYPE mid-stream: <restricted-xml/>, the reason in words, a reconnect; nothing after it is lost silently', async () => {
    const h = await hostileServer((conn) =>
      conn.send(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>${chat('AFTERDOCTYPE')}`),
    );
    try {
      await expectRefusedAndReconnected(
        h,
        'restricted-xml',
        'The server sent XML that XMPP does not allow (a document type declaration).',
      );
      expect(await h.search('AFTERDOCTYPE')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a comment inside a message: <restricted-xml/> and the message is not stored', async () => {
    const h = await hostileServer((conn) =>
      conn.send(`<message from='bob@example.org/phone' type='chat'><body>COMMENTED</body><!-- hi --></message>`),
    );
    try {
      await expectRefusedAndReconnected(
        h,
        'restricted-xml',
        'The server sent XML that XMPP does not allow (a comment).',
      );
      expect(await h.search('COMMENTED')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a processing instruction between stanzas: <restricted-xml/>', async () => {
    const h = await hostileServer((conn) => conn.send(`<?evil instruction?>${chat('AFTERPI')}`));
    try {
      await expectRefusedAndReconnected(
        h,
        'restricted-xml',
        'The server sent XML that XMPP does not allow (a processing instruction).',
      );
      expect(await h.search('AFTERPI')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a duplicated from attribute: <not-well-formed/>, never "last wins"', async () => {
    const h = await hostileServer((conn) =>
      conn.send(
        `<message from='alice@example.org/desk' from='mallory@evil.example/x' type='chat'><body>SPOOFED</body></message>`,
      ),
    );
    try {
      await expectRefusedAndReconnected(
        h,
        'not-well-formed',
        'The server sent malformed XML (an attribute given twice in one element).',
      );
      expect(await h.search('SPOOFED')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it.each([
    ['NUL', Buffer.from('\u0000'), 'a character XML does not allow: U+0000'],
    ['U+FFFE', Buffer.from('\ufffe'), 'a character XML does not allow: U+FFFE'],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28]), 'text that is not valid UTF-8'],
  ])('%s in a body: <not-well-formed/> and nothing stored', async (_name, bad, reason) => {
    const h = await hostileServer((conn) =>
      conn.socket.write(
        Buffer.concat([
          Buffer.from(`<message from='bob@example.org/phone' type='chat'><body>BADCHAR `),
          bad,
          Buffer.from(` end</body></message>`),
        ]),
      ),
    );
    try {
      await expectRefusedAndReconnected(h, 'not-well-formed', `The server sent malformed XML (${reason}).`);
      expect(await h.search('BADCHAR')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a 50 MB body: <policy-violation/> after about the limit, long before 50 MB were sent, without the memory', async () => {
    const total = 50 * 1024 * 1024;
    let sent = 0;
    let sentWhenRefused = -1;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const h = await hostileServer((conn) => {
      const socket = conn.socket;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        // Writes as fast as the client reads (backpressure), until it refused the stream or all is sent.
        while (sent < total && !socket.destroyed && sentWhenRefused < 0) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      socket.on('data', (data: Buffer) => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        if (sentWhenRefused < 0 && data.toString().includes('policy-violation')) sentWhenRefused = sent;
      });
      socket.write(`<message from='bob@example.org/phone' type='chat'><body>HUGE `);
      pump();
    });
    try {
      await expectRefusedAndReconnected(
        h,
        'policy-violation',
        'The server sent a stanza larger than Jabberwock accepts (over 1 MiB).',
      );
      expect(sentWhenRefused).toBeGreaterThan(1024 * 1024);
      expect(sentWhenRefused).toBeLessThan(10 * 1024 * 1024);
      expect(rssPeak - rssBefore).toBeLessThan(32 * 1024 * 1024);
      expect(await h.search('HUGE')).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('300,000 nested elements: <policy-violation/> at the depth limit', async () => {
    const depth = 300_000;
    const h = await hostileServer((conn) =>
      conn.send(
        `<message from='bob@example.org/phone' type='chat'><body>NESTED</body>` +
          `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</message>`,
      ),
    );
    try {
      await expectRefusedAndReconnected(
        h,
        'policy-violation',
        'The server sent a stanza nested deeper than Jabberwock accepts (over 128 levels).',
      );
      expect(await h.search('NESTED')).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
