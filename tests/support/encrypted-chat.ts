/**
 * Alice's chat with end-to-end encryption for unit tests: a real ChatService and EncryptionFeature
 * on one SQLite store in memory, over a session stand-in that records what is written and hands
 * stanzas to every middleware (encryption's, then chat's) as a session does; OMEMO peers (Bob,
 * Alice's second device) are real engines on their own stores, all on one in-memory PEP.
 */
import { EventEmitter } from 'node:events';
import xml, { type Element } from '@xmpp/xml';
import type { AppEvent, MessageView } from '../../src/shared/contract';
import type { SessionXmpp } from '../../src/main/core/accounts/client';
import { EncryptionFeature } from '../../src/main/core/encryption/feature';
import type { PepClient } from '../../src/main/core/encryption/pep';
import { EventBus } from '../../src/main/core/events';
import type { JoinedRooms } from '../../src/main/core/features/chat/accounts';
import { ChatService } from '../../src/main/core/features/chat/service';
import type { EncryptedRooms } from '../../src/main/core/encryption/rooms';
import { silentLogger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import type { Db } from '../../src/main/core/store/db';
import { MessagesRepository } from '../../src/main/core/store/messages-repo';
import { NS_CARBONS, NS_FORWARD } from '../../src/main/core/xmpp/ns';
import { memoryDbWithAccount } from './db';
import { MemoryPep } from './memory-pep';
import { settle } from './omemo';

export const ACCOUNT = 'acc-1';
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const CAROL = 'carol@example.com';

type Middleware = (ctx: { stanza: Element }, next: () => unknown) => unknown;

export interface EncryptedChat {
  db: Db;
  pep: MemoryPep;
  bus: EventBus;
  chat: ChatService;
  encryption: EncryptionFeature;
  /** Every stanza Alice's session wrote, in order. */
  sent: Element[];
  /** Every event the bus sent. */
  events: AppEvent[];
  sm: EventEmitter & { enabled: boolean };
  /** Delivers a stanza to Alice's session (every middleware, in order). */
  deliver(stanza: Element): void;
  history(conversation: string): MessageView[];
  /** Waits until the outbox, decryption and PEP work queued so far are done. */
  idle(): Promise<void>;
  /** The session ends (chat and encryption are told). */
  offline(): void;
  /** A new session: encryption first, then chat, as the account manager's listeners run. */
  online(): void;
  close(): void;
}

export interface EncryptedChatOptions {
  pep?: MemoryPep;
  /** Wraps Alice's PEP client (e.g. to make a fetch never answer). */
  wrapPep?(pep: PepClient): PepClient;
  /** Answers Alice's IQ requests (MAM queries); the default answers with an empty result. */
  request?(iq: Element): Promise<Element>;
  /** The rooms chat knows (none by default). */
  rooms?: JoinedRooms;
  /** Rooms and their members for the encryption layer (none by default). */
  encryptedRooms?: EncryptedRooms;
}

export async function openEncryptedChat(options: EncryptedChatOptions = {}): Promise<EncryptedChat> {
  const pep = options.pep ?? new MemoryPep();
  const db = memoryDbWithAccount(ACCOUNT, ALICE);
  const bus = new EventBus(1);
  const events: AppEvent[] = [];
  bus.subscribe((batch) => events.push(...batch.events));
  const sent: Element[] = [];
  const handlers: Middleware[] = [];
  const sm = Object.assign(new EventEmitter(), { enabled: true });
  const xmpp = {
    status: 'online',
    jid: { bare: () => ({ toString: () => ALICE }) },
    send: async (stanza: Element) => void sent.push(stanza),
    iqCaller: {
      set: async () => undefined,
      request: options.request ?? (async () => xml('iq', { type: 'result' })),
    },
    streamManagement: sm,
    middleware: { use: (fn: Middleware) => handlers.push(fn) },
  } as unknown as SessionXmpp;
  let chat: ChatService | null = null;
  const encryption = new EncryptionFeature({
    db,
    secrets: createMemorySecretStore(),
    bus,
    log: silentLogger,
    accountJid: (id) => (id === ACCOUNT ? ALICE : null),
    onReady: (id) => chat?.encryptionReady(id),
    pepFor: (_xmpp, ownJid) => (options.wrapPep ?? ((p) => p))(pep.clientFor(ownJid)),
    rooms: () => options.encryptedRooms ?? null,
  });
  chat = new ChatService({
    repo: new MessagesRepository(db),
    bus,
    log: silentLogger,
    rooms: options.rooms ?? { joinedNick: () => null, onJoined: () => () => undefined },
    accountJid: () => ALICE,
    subscriptionOf: () => 'both',
    encryption: encryption.chat,
  });
  const deliver = (stanza: Element) => {
    let at = 0;
    const next = (): unknown => (at < handlers.length ? handlers[at++]({ stanza }, next) : undefined);
    next();
  };
  // PEP events (device list changes) reach Alice's session like any message.
  pep.listen(`${ALICE} chat`, (stanza) => deliver(xml('message', { ...stanza.attrs, to: ALICE }, ...stanza.children)));
  encryption.onClient(ACCOUNT, xmpp);
  chat.onClient(ACCOUNT, xmpp);
  const service = chat;
  const online = () => {
    const session = { xmpp, boundJid: `${ALICE}/desk`, resumed: false };
    encryption.onOnline(ACCOUNT, session);
    service.onOnline(ACCOUNT, session);
  };
  const offline = () => {
    encryption.onOffline(ACCOUNT);
    service.onOffline(ACCOUNT);
  };
  online();
  const history = (conversation: string) => {
    const page = service.history({ accountId: ACCOUNT, conversation, limit: 500 });
    return page.ok ? page.value : [];
  };
  const idle = async () => {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await settle();
    bus.flush();
  };
  await idle();
  return {
    db,
    pep,
    bus,
    chat: service,
    encryption,
    sent,
    events,
    sm,
    deliver,
    history,
    idle,
    online,
    offline,
    close: () => {
      service.close();
      bus.close();
      db.close();
    },
  };
}

/** A carbon of `inner` as our server sends it (from our bare JID unless `from` says otherwise). */
export function carbon(direction: 'sent' | 'received', inner: Element, from = ALICE): Element {
  return xml(
    'message',
    { from, to: `${ALICE}/desk`, type: 'chat' },
    xml(direction, { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD }, inner)),
  );
}
