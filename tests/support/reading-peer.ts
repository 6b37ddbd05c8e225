/**
 * Drives tests/support/reading_peer.py (slixmpp, an independent client): a contact that sends
 * markable messages and displayed markers, or another client of the same account that publishes
 * and reads read positions (XEP-0490). Commands in on stdin, events out on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reading_peer.py');

export interface PeerMessage {
  from: string;
  id: string | null;
  body: string | null;
  markable: boolean;
  displayed: string | null;
  stanza_id: string | null;
}

export interface ReadPosition {
  id: string;
  stanza_id: string | null;
  by: string | null;
}

export interface ReadingPeer {
  /** Every message received, oldest first. */
  messages: PeerMessage[];
  presence(): Promise<void>;
  subscribed(to: string): Promise<void>;
  subscribe(to: string): Promise<void>;
  send(to: string, body: string, id: string): Promise<void>;
  displayed(to: string, id: string): Promise<void>;
  publish(item: string, stanzaId: string, by: string): Promise<void>;
  items(): Promise<ReadPosition[]>;
  /** Writes a stanza as it is (a forgery a real client would not make). */
  forge(stanza: string): Promise<void>;
  stop(): Promise<void>;
}

type PeerEvent = { event: string; tag?: number; error?: string; items?: ReadPosition[] } & Partial<PeerMessage>;

export async function startReadingPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<ReadingPeer> {
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost/${resource}`, user.password, server.host, String(server.port), server.caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: PeerEvent[] = [];
  const messages: PeerMessage[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as PeerEvent;
      if (event.event === 'message') messages.push(event as unknown as PeerMessage);
      else events.push(event);
    }
  });
  child.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(
    `${user.user}/${resource} online`,
    () => events.some((e) => e.event === 'online') || child.exitCode !== null,
    30_000,
  );
  if (child.exitCode !== null) throw new Error(`reading peer exited\nstderr: ${stderr}`);

  let tags = 0;
  async function run(value: object): Promise<PeerEvent> {
    const tag = ++tags;
    child.stdin!.write(`${JSON.stringify({ ...value, tag })}\n`);
    const found = () => events.find((e) => e.tag === tag);
    await waitUntil(
      `reading peer answers ${JSON.stringify(value)}`,
      () => !!found() || child.exitCode !== null,
      30_000,
    );
    const event = found();
    if (!event || event.event === 'error')
      throw new Error(`reading peer: ${event?.error ?? 'exited'}\nstderr: ${stderr}`);
    return event;
  }

  return {
    messages,
    presence: async () => void (await run({ cmd: 'presence' })),
    subscribed: async (to) => void (await run({ cmd: 'subscribed', to })),
    subscribe: async (to) => void (await run({ cmd: 'subscribe', to })),
    send: async (to, body, id) => void (await run({ cmd: 'send', to, body, id })),
    displayed: async (to, id) => void (await run({ cmd: 'displayed', to, id })),
    publish: async (item, stanzaId, by) => void (await run({ cmd: 'publish', item, stanza_id: stanzaId, by })),
    forge: async (stanza) => void (await run({ cmd: 'raw', xml: stanza })),
    items: async () => (await run({ cmd: 'items' })).items ?? [],
    async stop() {
      if (child.exitCode === null) {
        child.stdin!.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
