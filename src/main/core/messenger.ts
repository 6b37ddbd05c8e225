/**
 * The composition root of the core: opens the store, builds the account manager and features, and
 * implements every command of the contract. Shells talk to it only through MessengerApi.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { commands, inputIssue, isCommandName, type CommandName, type ConversationKind } from '../../shared/contract';
import { fail, ok, type Result } from '../../shared/result';
import type { CommandHandlers } from './command-handlers';
import { AccountManager } from './accounts/account-manager';
import { AccountSession } from './accounts/session';
import type { SessionFactory } from './accounts/session-api';
import { EventBus } from './events';
import { CapsCache } from './features/caps/cache';
import { BASE_FEATURES, OwnCaps, ownDiscoInfo } from './features/caps/own';
import { CapsRepository } from './features/caps/repo';
import { NS_CONFERENCE } from './xmpp/ns';
import { PresenceFeature } from './features/presence/feature';
import { IdleController, idleSettingsOf, type IdleOptions } from './features/presence/idle';
import { RosterService } from './features/roster/service';
import { SubscriptionService } from './features/subscriptions/service';
import { BlockingService } from './features/blocking/service';
import { createControl, type Control } from './control';
import { MucService } from './features/muc/service';
import { RoomEncryption } from './features/muc/room-encryption';
import { BookmarksService } from './features/bookmarks/service';
import { ChatService } from './features/chat/service';
import { ReadStateRepository } from './store/read-state-repo';
import { MessagesRepository } from './store/messages-repo';
import { OlderMessagesRepository } from './store/older-messages-repo';
import type { Logger } from './log';
import type { MessengerApi } from './messenger-api';
import type { SecretStore } from './secrets';
import { AccountsRepository } from './store/accounts-repo';
import { closeKeepingWal, type Db } from './store/db';
import { openStore, recoverStore, type OpenedStore } from './store/recovery';
import { isCorruption, type StoreCheckResult } from './store/store-check';
import { AppNotices } from './app-notices';
import { StoreHealth, STORE_CHECK_FALLBACK_MS } from './store-health';
import { PresenceHistoryRepository } from './store/presence-history-repo';
import { PresenceRepository } from './store/presence-repo';
import { RosterRepository } from './store/roster-repo';
import { SettingsRepository } from './store/settings-repo';
import { SubscriptionsRepository } from './store/subscriptions-repo';
import { PrefsService } from './prefs';
import type { TrayModel } from './tray/tray-api';
import { MessengerTrayModel } from './tray/tray-model';
import { notifyIncoming, type Notifier } from './notify-api';
import { SpellcheckService, type SpellcheckHost } from './spellcheck';
import { createMediaService, type MediaService } from './media/media-service';
import { EncryptionFeature } from './encryption/feature';
import { ENCRYPTION_FEATURES } from './encryption/service';
import { background } from './util/background';
import { IdentityService } from './features/avatars/service';
import { IdentitiesRepository } from './features/avatars/repo';
import { ProfileCommands } from './features/avatars/commands';
import { AfterFirstSnapshot, warmUpFirstSnapshot } from './first-snapshot';
import { SnapshotBuilder } from './snapshot';

export const DATABASE_FILE = 'jabberwock.sqlite3';

export interface MessengerOptions {
  /** Directory for the SQLite file; created when missing. ':memory:' keeps everything in memory. */
  dataDir: string;
  secrets: SecretStore;
  log: Logger;
  /** Extra CA certificates to trust (tests); production relies on the system store and NODE_EXTRA_CA_CERTS. */
  extraCa?: string;
  /** Replaces real sessions (unit tests of the command layer only). */
  sessionFactory?: SessionFactory;
  /** Event batch interval in ms. */
  flushMs?: number;
  /** System idle time (Electron's powerMonitor; a fake in tests): enables auto-away. */
  idle?: IdleOptions;
  /** Desktop notifications for new messages (Electron's Notification; a recorder in tests). */
  notifier?: Notifier;
  /** Whether the user is looking at the window (no notification then). */
  windowFocused?: () => boolean;
  /** When the background store check starts if no snapshot is asked for first (ms). */
  storeCheckFallbackMs?: number;
  /** How often message writes the store refused are tried again (ms). */
  storeRetryMs?: number;
  /** How long an older page from the server's archive may take (tests shorten it). */
  archivePageTimeoutMs?: number;
  /** The composer's spell checker (Electron's session); without it there is no language to choose. */
  spellcheck?: SpellcheckHost;
  /** The user's download folder (Electron's app.getPath('downloads')). Default ~/Downloads. */
  downloadsDir?: string;
  /** Main's file dialog (Electron): the paths the user chose to upload; empty when cancelled. */
  pickFiles?: () => Promise<string[]>;
  /** A file server quiet this long is given up on. Default 30 s. */
  httpIdleTimeoutMs?: number;
  /** Main's hand-over of a downloaded file to the system (Electron's shell.openPath). */
  openFile?: (file: string) => Promise<boolean>;
  /** Largest download accepted, whatever a server announces. Default 1 GiB. */
  maxDownloadBytes?: number;
  /** How long a presence state must last to be kept in presence history (default a minute). */
  presenceHistoryMinRunMs?: number;
  /** Enabled accounts connect after the first snapshot, or after this many ms if none is asked for; else at once. */
  connectAfterFirstSnapshotMs?: number;
}

export interface Messenger extends MessengerApi {
  readonly accounts: AccountManager;
  readonly settings: SettingsRepository;
  readonly roster: RosterService;
  readonly prefs: PrefsService;
  readonly presence: PresenceFeature;
  readonly subscriptions: SubscriptionService;
  readonly muc: MucService;
  readonly bookmarks: BookmarksService;
  /** Avatars and nicknames. */
  readonly identities: IdentityService;
  readonly chat: ChatService;
  readonly blocking: BlockingService;
  /** Control and discovery: registration, the account on the server, disco, ad-hoc, console, xmpp: links. */
  readonly control: Control;
  /** Media store, uploads and downloads. */
  readonly media: MediaService;
  /** What the Electron tray shows and does. */
  readonly tray: TrayModel;
  /** The user clicked a notification: the renderer shows that conversation. */
  openConversation(accountId: string, conversation: string, kind: ConversationKind): void;
  /** Auto-away, when an idle source was given. */
  readonly idle: IdleController | null;
  readonly db: Db;
  /** Set when the store was damaged at start and replaced by a fresh one. */
  readonly recovered: OpenedStore['recovered'];
  /** The background check of the store file (started after the first snapshot; this starts it now). */
  storeCheck(): Promise<StoreCheckResult | null>;
}

type Handlers = CommandHandlers<CommandName>;

export async function createMessenger(options: MessengerOptions): Promise<Messenger> {
  const { log } = options;
  let file = ':memory:';
  if (options.dataDir !== ':memory:') {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    file = path.join(options.dataDir, DATABASE_FILE);
  }
  const store = openStore(file, log.child('store'));
  const undo: (() => void)[] = [];
  try {
    return buildMessenger(options, file, store, undo);
  } catch (error) {
    for (const step of undo.splice(0).reverse()) step();
    // Damage the open did not touch, met while loading what the first snapshot shows.
    if (!isCorruption(error) || file === ':memory:') {
      store.db.close();
      throw error;
    }
    const fresh = recoverStore(file, (error as Error).message, log.child('store'), Date.now, store.db);
    return buildMessenger(options, file, fresh, undo);
  }
}

/** Everything that runs on one store; what it starts is stopped by `undo` if it throws half-way. */
function buildMessenger(options: MessengerOptions, file: string, store: OpenedStore, undo: (() => void)[]): Messenger {
  const { log } = options;
  const { db, recovered } = store;
  const bus = new EventBus(options.flushMs);
  undo.push(() => bus.close());
  const settings = new SettingsRepository(db);
  const notices = new AppNotices(bus, settings, log.child('notices'));
  if (recovered)
    notices.show({ code: 'store.recovered', keptAs: recovered.keptAs, accountsKept: recovered.accountsKept });
  const health = new StoreHealth(file, notices, log.child('store'));
  undo.push(() => health.close());
  const sessionFactory: SessionFactory =
    options.sessionFactory ??
    ((config, hooks) => new AccountSession(config, hooks, { log: log.child(config.jid), ca: options.extraCa }));
  const prefs = new PrefsService(settings, bus);
  const accounts = new AccountManager(
    new AccountsRepository(db),
    options.secrets,
    bus,
    sessionFactory,
    log.child('accounts'),
  );
  // Loads every account's cached roster now, so the first snapshot shows it before any connection.
  const roster = new RosterService(new RosterRepository(db), bus, log.child('roster'));
  accounts.addLifecycleListener(roster);
  // Built before presence, which leaves rooms' presence to it; its listener registers after subscriptions.
  const muc = new MucService({
    bus,
    accounts,
    log: log.child('muc'),
    // Read when an invitation arrives, long after `bookmarks` below exists.
    bookmarkedRooms: (accountId) => bookmarks.list().flatMap((b) => (b.accountId === accountId ? [b.room] : [])),
    inRoster: (accountId, bare) => roster.item(accountId, bare) !== undefined,
    // Read when the user invites, long after `presence` below exists.
    readsDirectInvitations: (accountId, bare) => {
      const devices = presence.service.tracker(accountId)?.resources(bare)?.values() ?? [];
      for (const device of devices) if (device.client?.features.includes(NS_CONFERENCE)) return true;
      return false;
    },
    // Read at join time, long after `identities` below exists.
    ownExtras: (accountId) => [identities.ownPresenceElement(accountId)],
  });
  // Our disco#info on every client, and the <c/> our presence carries (with the device list's +notify).
  const ownCaps = new OwnCaps(ownDiscoInfo([...BASE_FEATURES, ...ENCRYPTION_FEATURES]));
  accounts.addLifecycleListener(ownCaps);
  const accountJid = (accountId: string) => accounts.list().find((account) => account.id === accountId)?.jid ?? null;
  // Avatars and nicknames; its middleware reads room presence before the MUC feature takes it.
  const identities = new IdentityService({
    bus,
    log: log.child('identities'),
    repo: new IdentitiesRepository(db),
    media: () => media,
    accountJid,
    resendPresence: (accountId) => {
      background(presence.service.setOwn(accountId, {}), log, 'our presence with our avatar');
      muc.ownExtrasChanged(accountId);
    },
  });
  undo.push(() => identities.close());
  accounts.addLifecycleListener(identities);
  // After the roster: a new session's initial presence waits for the roster (RFC 6121 §2.2).
  const presenceLog = log.child('presence');
  const presence = new PresenceFeature({
    bus,
    accounts,
    roster,
    repo: new PresenceRepository(db),
    historyRepo: new PresenceHistoryRepository(db),
    historyMinRunMs: options.presenceHistoryMinRunMs,
    settings,
    log: presenceLog,
    caps: new CapsCache({ repo: new CapsRepository(db), log: presenceLog.child('caps') }),
    ownCaps: () => ownCaps.element(),
    isRoom: (accountId, bare) => muc.isRoom(accountId, bare),
    onPhoto: (accountId, bare, photo, contact) => identities.presenceHash(accountId, bare, photo, contact),
    ownExtras: (accountId) => [identities.ownPresenceElement(accountId)],
  });
  accounts.addLifecycleListener(presence);
  // Auto-away changes our presence as an override; a choice of the user's ends it for that account.
  const idle = options.idle
    ? new IdleController({
        ...options.idle,
        accounts: presence.idleAccounts(),
        settings: idleSettingsOf(prefs.get()),
        log: presenceLog.child('idle'),
      })
    : null;
  if (idle) {
    presence.onUserChoice((accountId) => idle.userChanged(accountId));
    idle.start();
    undo.push(() => idle.stop());
  }
  const blocking = new BlockingService({ bus, log: log.child('blocking') });
  accounts.addLifecycleListener(blocking);
  const subscriptions = new SubscriptionService({
    repo: new SubscriptionsRepository(db),
    roster,
    accounts,
    blocking,
    bus,
    log: log.child('subscriptions'),
  });
  accounts.addLifecycleListener(subscriptions);
  // Before MUC, which consumes room presence: which rooms allow encryption, and their members.
  const roomEncryption: RoomEncryption = new RoomEncryption({
    rooms: muc,
    log: log.child('room-encryption'),
    accountJid,
    onChanged: (accountId, room) => encryption.roomChanged(accountId, room),
    refreshDevices: (accountId, jid): Promise<void> => encryption.service.refresh(accountId, jid),
    onReady: (accountId) => chat.encryptionReady(accountId),
  });
  accounts.addLifecycleListener(roomEncryption);
  accounts.addLifecycleListener(muc);
  // Bookmarks after MUC: autojoin runs once the list is read, each room joining on its own.
  const bookmarks = new BookmarksService({
    bus,
    log: log.child('bookmarks'),
    onAutojoin: (accountId, list) => {
      for (const bookmark of list) background(muc.joinBookmarked(accountId, bookmark), log, 'autojoin');
    },
    // XEP-0402 §4: another of our clients turning autojoin on or off joins or leaves here too.
    onChanged: (accountId, before, after, origin) => {
      if (origin !== 'remote') return;
      if (after?.autojoin && !before?.autojoin) background(muc.joinBookmarked(accountId, after), log, 'autojoin');
      else if (before?.autojoin && !after?.autojoin) muc.leave({ accountId, room: before.room });
    },
  });
  accounts.addLifecycleListener(bookmarks);
  const messages = new MessagesRepository(db);
  // Before chat: device list events are taken before chat sees the message; waiting messages go once it can encrypt.
  const encryption = new EncryptionFeature({
    db,
    secrets: options.secrets,
    bus,
    log: log.child('encryption'),
    accountJid,
    onReady: (accountId) => chat.encryptionReady(accountId),
    onKeyReplaced: (accountId, oldDeviceId, deviceId) =>
      notices.show({ code: 'encryption.newKey', accountId, jid: accountJid(accountId) ?? '', oldDeviceId, deviceId }),
    rooms: (): RoomEncryption => roomEncryption,
    startAfterRoster: true,
  });
  accounts.addLifecycleListener(encryption);
  const media = createMediaService({
    dataDir: options.dataDir,
    log: log.child('media'),
    bus,
    accounts,
    extraCa: options.extraCa,
    downloadsDir: options.downloadsDir,
    pickFiles: options.pickFiles,
    openFile: options.openFile,
    httpIdleTimeoutMs: options.httpIdleTimeoutMs,
    keepImageMetadata: () => prefs.get().keepImageMetadata,
    encryptsFiles: (accountId, conversation, kind) =>
      kind === 'chat' && encryption.conversationView(accountId, conversation).encrypted,
    maxDownloadBytes: options.maxDownloadBytes,
    // An uploaded file's address goes through the chat outbox like any message (stored once, sent when online).
    sendMessage: (file) =>
      chat.send(
        { accountId: file.accountId, conversation: file.conversation, kind: file.kind, body: file.url },
        { file: true, fileMeta: { name: file.name, size: file.size, type: file.type ?? null } },
      ),
    message: (id) => messages.get(id),
  });
  undo.push(() => void media.close());
  // After MUC: room subjects and invitations are taken before messages reach chat.
  const chat = new ChatService({
    repo: messages,
    bus,
    log: log.child('chat'),
    rooms: muc,
    accountJid,
    encryption: encryption.chat,
    readState: new ReadStateRepository(db),
    subscriptionOf: (accountId, bare) => roster.item(accountId, bare)?.subscription ?? null,
    outgoingExtra: (message) => media.outgoingExtra(message),
    onIncoming: (message) => {
      if (!options.notifier) return;
      notifyIncoming(
        {
          notifier: options.notifier,
          windowFocused: options.windowFocused ?? (() => false),
          ownPresence: (accountId) => presence.ownPresence()[accountId],
          contactName: (accountId, jid) => roster.item(accountId, jid)?.name ?? null,
        },
        message,
      );
    },
    storeFailed: (error) => health.failed(error),
    storeRecovered: () => health.recovered(),
    storeRetryMs: options.storeRetryMs,
    restoreHistoryOf: new Set(recovered?.accountIds ?? []),
    older: new OlderMessagesRepository(db, messages),
    olderPageTimeoutMs: options.archivePageTimeoutMs,
  });
  undo.push(() => chat.close());
  accounts.addLifecycleListener(chat);
  const tray = new MessengerTrayModel({ bus, accounts, presence, subscriptions, chat, log: log.child('tray') });
  undo.push(() => tray.close());
  // After the presence feature's listener (registered first): our presence goes out, then the catch-up.
  roster.onSessionReady((accountId) => chat.sessionReady(accountId));
  roster.onSessionReady((accountId) => identities.rosterReady(accountId));
  roster.onSessionReady((accountId) => encryption.service.rosterReady(accountId));
  // Last of the lifecycle listeners: the console's tap sees what the presence fast path consumes.
  const control = createControl({ bus, accounts, blocking, log, extraCa: options.extraCa });
  bus.subscribe((batch) => {
    for (const event of batch.events) {
      if (event.type === 'presence.own')
        muc.ownPresenceChanged(event.accountId, event.presence.show, event.presence.status);
    }
  });
  /** The snapshot shows what it can: a damaged part is reported (the notice says so) and shown empty. */
  const readOrReport = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (health.failed(error, false) === null) throw error;
      return fallback;
    }
  };
  const snapshots = new SnapshotBuilder({
    bus,
    accounts,
    secrets: options.secrets,
    roster,
    prefs,
    presence,
    subscriptions,
    blocking,
    muc,
    bookmarks,
    chat,
    notices,
    control,
    media,
    identities,
    readOrReport,
  });
  const profiles = new ProfileCommands({ identities, accountJid, media: () => media, log: log.child('profiles') });
  const spellcheck = new SpellcheckService(settings, options.spellcheck);
  const knownAccount = (id: string) => accounts.list().some((account) => account.id === id);
  /** The handler, run for a known account only: another gets account.notFound. */
  const forKnownAccount =
    <I extends { accountId: string }, O>(handler: (input: I) => O) =>
    (input: I): O | Result<never> =>
      knownAccount(input.accountId) ? handler(input) : noSuchAccount();

  const handlers: Handlers = {
    'app.snapshot': (input) => {
      // The first screen comes before the whole snapshot, which is what counts as served.
      if (input.firstScreen) return ok(snapshots.firstScreen(input.firstScreen));
      const snapshot = snapshots.whole(input.compactRoster === true);
      health.snapshotServed();
      connectAccounts.snapshotServed();
      return ok(snapshot);
    },
    'app.dismissNotice': (input) => (notices.dismiss(input.id) ? ok(null) : fail('not_found', 'app.noticeGone')),
    'account.add': (input) => accounts.add(input),
    'account.update': (input) => accounts.update(input),
    'account.remove': (input) => accounts.remove(input.id),
    'account.setEnabled': async (input) => {
      const result = await accounts.setEnabled(input.id, input.enabled);
      if (result.ok && !input.enabled) presence.sessionEnded(input.id);
      return result;
    },
    'account.reconnectNow': (input) => accounts.reconnectNow(input.id),
    'account.trustCertificate': (input) => accounts.trustCertificate(input.id, input.fingerprint),
    'account.forgetCertificate': (input) => accounts.forgetCertificate(input.id, input.fingerprint),
    'roster.update': forKnownAccount((input) => roster.update(input)),
    'roster.remove': forKnownAccount((input) => roster.remove(input)),
    'roster.renameGroup': forKnownAccount((input) => roster.renameGroup(input)),
    'prefs.update': (input) => {
      const next = prefs.update(input);
      // Idle settings follow the preferences.
      if (idle) background(idle.configure(idleSettingsOf(next)), log, 'idle settings');
      return ok(next);
    },
    'presence.set': (input) => presence.set(input),
    'presence.directed': (input) => presence.directed(input),
    'timeline.get': (input) => presence.timeline(input),
    'timeline.settings': () => ok(presence.timelineSettings()),
    'timeline.setRetention': (input) => presence.setRetention(input),
    'timeline.clear': (input) => presence.clearTimeline(input),
    'subscription.respond': forKnownAccount((input) => subscriptions.respond(input)),
    'subscription.add': forKnownAccount((input) => subscriptions.add(input)),
    'subscription.change': forKnownAccount((input) => subscriptions.change(input)),
    'subscription.setPolicy': (input) => subscriptions.setPolicy(input),
    'muc.join': forKnownAccount((input) =>
      muc.join({
        ...input,
        password: input.password ?? bookmarks.get(input.accountId, input.room)?.password ?? undefined,
      }),
    ),
    'muc.leave': (input) => muc.leave(input),
    'muc.setNick': (input) => muc.setNick(input),
    'muc.browse': forKnownAccount((input) => muc.browse(input)),
    'muc.setSubject': (input) => muc.setSubject(input),
    'muc.setRole': (input) => muc.setRole(input),
    'muc.setAffiliation': (input) => muc.setAffiliation(input),
    'muc.affiliations': (input) => muc.affiliations(input),
    'muc.bookmark': forKnownAccount((input) => bookmarks.set(input)),
    'muc.invite': (input) => muc.invite(input),
    'message.send': forKnownAccount((input) => chat.send(input)),
    'message.retry': (input) => chat.retry(input),
    'message.react': (input) => chat.react(input),
    'message.retract': (input) => chat.retract(input),
    'muc.moderate': (input) => chat.moderate(input),
    'chat.setState': (input) => chat.setChatState(input),
    'message.history': (input) => chat.history(input),
    'message.search': (input) => chat.search(input),
    'history.older': (input) => chat.older(input),
    'conversation.markRead': (input) => chat.markRead(input),
    'draft.get': (input) => chat.draft(input),
    'draft.set': forKnownAccount((input) => chat.setDraft(input)),
    'muc.answerInvite': forKnownAccount((input) => muc.answerInvite(input)),
    'muc.configuration': (input) => muc.configurationForm(input),
    'muc.configure': (input) => muc.configure(input),
    'muc.destroy': (input) => muc.destroy(input),
    'muc.requestVoice': (input) => muc.requestVoice(input),
    'muc.answerVoice': forKnownAccount((input) => muc.answerVoice(input)),
    'muc.roomInfo': forKnownAccount((input) => muc.roomInfo(input)),
    'spellcheck.forConversation': (input) => spellcheck.forConversation(input),
    'spellcheck.setLanguage': forKnownAccount((input) => spellcheck.setLanguage(input)),
    ...control.handlers,
    ...media.handlers,
    'profile.get': (input) => profiles.get(input),
    'profile.setOwn': (input) => profiles.setOwn(input),
    'avatar.setOwn': (input) => profiles.setAvatar(input),
    ...encryption.handlers,
  };

  async function invoke(command: unknown, input: unknown): Promise<Result<unknown>> {
    if (!isCommandName(command)) return fail('invalid_input', 'app.unknownCommand');
    const parsed = (commands[command].input as z.ZodType).safeParse(input);
    if (!parsed.success) return invalidInput(parsed.error);
    try {
      const handler = handlers[command] as (input: unknown) => Result<unknown> | Promise<Result<unknown>>;
      return await handler(parsed.data);
    } catch (error) {
      log.error(`command ${command} failed`, error);
      // A store write refused (disk full, I/O error): SQLite rolled the statement back, nothing is half-saved.
      const failure = health.failed(error, false);
      if (failure !== null) return fail('storage', 'store.writeFailed', { failure });
      return fail('internal', 'app.unexpected');
    }
  }

  // Logins, roster syncs and loading the kept pictures (5,000: ~100 ms of CPU) wait for the first snapshot.
  const connectAccounts = new AfterFirstSnapshot(() => {
    void identities.start();
    accounts.startAll();
  }, options.connectAfterFirstSnapshotMs);
  undo.push(() => connectAccounts.close());
  warmUpFirstSnapshot(snapshots, () => roster.items());
  health.startCheckLater(options.storeCheckFallbackMs ?? STORE_CHECK_FALLBACK_MS);

  let closed = false;
  return {
    accounts,
    settings,
    roster,
    prefs,
    presence,
    subscriptions,
    muc,
    bookmarks,
    identities,
    chat,
    blocking,
    control,
    media,
    mediaAccess: media.access,
    openConversation: (accountId, conversation, kind) =>
      bus.emit({ type: 'ui.openConversation', accountId, conversation, kind }),
    tray,
    idle,
    db,
    recovered,
    storeCheck: () => health.runCheck(),
    invoke,
    subscribe: (listener) => bus.subscribe(listener),
    checkConnections: () => {
      accounts.checkConnections();
      muc.checkRooms();
    },
    async close() {
      if (closed) return;
      closed = true;
      connectAccounts.close();
      health.close();
      idle?.stop();
      await control.close();
      await accounts.close();
      // Roster changes still queued for SQLite are written before the database closes.
      roster.close();
      tray.close();
      presence.close();
      subscriptions.close();
      muc.close();
      bookmarks.close();
      identities.close();
      chat.close();
      await media.close();
      bus.close();
      // A damaged file keeps its -wal as it is: the next start moves them aside together.
      if (health.damageFound) closeKeepingWal(db, file);
      else db.close();
    },
  };
}

function noSuchAccount(): Result<never> {
  return fail('not_found', 'account.notFound');
}

/** Refused input: where (the path), what (zod's issue code) and zod's parameters; the renderer words it. */
function invalidInput(error: z.ZodError): Result<never> {
  return fail('invalid_input', 'input.invalid', { issues: error.issues.map((issue) => inputIssue(issue)) });
}
