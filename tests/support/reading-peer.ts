/**
 * Drives tests/support/reading_peer.py (slixmpp, an independent client): a contact that sends
 * markable messages and displayed markers, or another client of the same account that publishes
 * and reads read positions (XEP-0490), through python-peer.ts.
 */
import { startPythonPeer } from './python-peer';
import type { TestServer } from './server-process';

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
  /** Every message received so far, oldest first. */
  readonly messages: PeerMessage[];
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

export async function startReadingPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<ReadingPeer> {
  const peer = await startPythonPeer({ script: 'reading_peer.py', name: 'reading peer', server, user, resource });
  const run = async (command: Record<string, unknown>) => void (await peer.run(command));
  return {
    get messages() {
      return peer.events.filter((event) => event.event === 'message') as unknown as PeerMessage[];
    },
    presence: () => run({ cmd: 'presence' }),
    subscribed: (to) => run({ cmd: 'subscribed', to }),
    subscribe: (to) => run({ cmd: 'subscribe', to }),
    send: (to, body, id) => run({ cmd: 'send', to, body, id }),
    displayed: (to, id) => run({ cmd: 'displayed', to, id }),
    publish: (item, stanzaId, by) => run({ cmd: 'publish', item, stanza_id: stanzaId, by }),
    forge: (stanza) => run({ cmd: 'raw', xml: stanza }),
    items: async () => ((await peer.run({ cmd: 'items' })).items as ReadPosition[] | undefined) ?? [],
    stop: () => peer.stop(),
  };
}
