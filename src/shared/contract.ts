/**
 * The contract between the core (main process) and the renderer: one table of commands with
 * zod-validated inputs and typed outputs, and a union of events delivered in numbered batches.
 * Both shells (Electron IPC and the browser bridge) carry exactly this and nothing else.
 */
import { z } from 'zod';
import { formatJid, parseAccountJid, parseJid } from './jid';
import {
  MESSAGE_BODY_MAX,
  MUC_NICK_MAX,
  MUC_SUBJECT_MAX,
  NICK_MAX,
  REACTION_LENGTH_MAX,
  REACTIONS_PER_REACTOR_MAX,
  ROSTER_GROUPS_MAX,
  ROSTER_TEXT_MAX,
  STATUS_TEXT_MAX,
  SUBSCRIPTION_BULK_MAX,
  type Prefs,
} from './limits';
import { LANGUAGE_CHOICES, type LanguageChoice } from './languages';
import { SHOWS, type Show } from './presence';
import type {
  ConversationEncryptionView,
  EncryptionDevicesView,
  LinkVerification,
  MessageEncryption,
} from './encryption';
import { FINGERPRINT_PATTERN } from './encryption';
import type {
  AppError,
  CertificateProblem,
  InputIssue,
  ConnectionParams,
  DeliveryError,
  MucAffiliation,
  Reasoned,
  RoomNotice,
  StoreFailure,
  TransferError,
} from './errors';

export * from './limits';
import type { Result } from './result';
import type { MediaRef } from './media';
import {
  CONSOLE_STANZA_MAX,
  discoNodeSchema,
  formValuesSchema,
  type AdhocCommandView,
  type AdhocStepView,
  type BlocklistView,
  type ConsoleView,
  type ControlEvent,
  type DiscoInfoView,
  type DiscoItemsView,
  type EntityTimeView,
  type LastActivityView,
  type RegistrationView,
  type SoftwareVersionView,
} from './control';

import { XMPP_URI_MAX, type XmppUriResult } from './xmpp-uri';

export type * from './control';
export type { XmppUri, XmppUriResult, XmppUriReason, XmppUriAction } from './xmpp-uri';
export type * from './forms';
import type { DataForm } from './forms';

export type { MediaMime, MediaRef } from './media';

export type {
  AppError,
  CertificateProblem,
  ConnectionReason,
  DeliveryError,
  ErrorCode,
  ErrorReason,
  InputIssue,
  MucAffiliation,
  RoomNotice,
  RoomRemoval,
  StoreFailure,
  TransferError,
} from './errors';

// ---------- DTOs ----------

export type ConnectionStatus = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'error';

export type ConnectionErrorKind =
  | 'auth' // wrong password or account disabled: never retried automatically
  | 'unreachable' // DNS, refused, timeout: retried with backoff
  | 'certificate' // certificate not trusted for the account's domain: waits for the user
  | 'tls-unavailable' // server does not offer STARTTLS: never used in plaintext
  | 'conflict' // another client took our resource
  | 'needs-password' // no password known (not persisted): the user is asked once
  | 'protocol' // stream error or unexpected server behaviour
  | 'other';

export interface CertificateInfo {
  /** SHA-256 fingerprint as upper-case hex pairs separated by colons. */
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Why the certificate was not trusted. */
  problem: CertificateProblem;
  /** True when a different certificate had been pinned for this account before. */
  changedFromPinned: boolean;
}

/** Why a connection failed: its kind (what the UI offers to do), the reason and its parameters. */
export type ConnectionError = {
  kind: ConnectionErrorKind;
  certificate?: CertificateInfo;
} & Reasoned<ConnectionParams>;

export interface ConnectionView {
  status: ConnectionStatus;
  /** Epoch ms when this status began. */
  since: number;
  /** With 'reconnecting': epoch ms of the next attempt. */
  nextAttemptAt?: number;
  /** With 'reconnecting': how many attempts have failed in a row. */
  attempt?: number;
  /** With 'error', and with 'reconnecting' for the failure that caused it. */
  error?: ConnectionError;
  /** With 'online': our full JID. */
  boundJid?: string;
}

/** Whether and how the password is kept: in the OS keychain, for this run only, in a plain file, or not at all. */
export type PasswordState = 'keychain' | 'session' | 'plain-file' | 'missing';

export interface AccountView {
  id: string;
  jid: string;
  host: string | null;
  port: number | null;
  label: string;
  color: string;
  enabled: boolean;
  password: PasswordState;
  /** Fingerprints the user chose to trust for this account. */
  pinnedCertificates: string[];
  connection: ConnectionView;
}

export interface SecretStorageInfo {
  /** True when passwords can be kept encrypted by the OS (keychain, DPAPI, libsecret/kwallet). */
  encrypted: boolean;
  /** Short description for logs, e.g. "macOS Keychain" or "no keychain available". */
  description: string;
  /** Which OS store keeps them, for the UI to name in its language (absent without one). */
  backend?: SecretBackend;
}

/** The OS's encrypted password stores: macOS Keychain, Windows DPAPI, Secret Service, KWallet. */
export type SecretBackend = 'keychain' | 'dpapi' | 'secret-service' | 'kwallet';

export type Subscription = 'none' | 'to' | 'from' | 'both';

/** One roster item of one account (RFC 6121 §2.1.2). */
export interface RosterItemView {
  accountId: string;
  /** Normalized bare JID. */
  jid: string;
  /** The roster name as stored (capped at ROSTER_TEXT_MAX characters); null when the item has none. */
  name: string | null;
  subscription: Subscription;
  /** We asked to see their presence and they have not answered (ask='subscribe'). */
  pendingOut: boolean;
  /** Roster groups, each capped at ROSTER_TEXT_MAX characters; empty means the default group. */
  groups: string[];
}

/**
 * Whether an account's roster on screen is the server's: 'cached' comes from SQLite and has not been
 * confirmed in this session; 'syncing' while the roster request is out; 'synced' once answered.
 */
export interface RosterSyncView {
  accountId: string;
  state: 'cached' | 'syncing' | 'synced';
  /** XEP-0237 version we hold, if the server versions rosters. */
  version: string | null;
  /** Epoch ms of the last successful sync, in any session. */
  syncedAt: number | null;
}

/** Device type from a resource's entity capabilities (XEP-0115 + disco identity). */
export type Device = 'pc' | 'phone' | 'web' | 'bot' | 'console' | 'handheld' | 'unknown';

/** One available resource of a contact. */
export interface ResourceView {
  resource: string;
  show: Show;
  status: string | null;
  /** −128..127; messages to the bare JID go to the highest non-negative one. */
  priority: number;
  /** Epoch ms since this presence (its <delay/> stamp when it had one). */
  since: number;
  /** From entity capabilities once known; null while unknown or when the resource sent none. */
  client: { name: string | null; device: Device } | null;
  /** XEP-0319: since when its user has been idle (epoch ms); null or absent when it did not say. */
  idleSince?: number | null;
}

/** When a contact (or one of its resources) was last seen available. */
export interface LastSeenView {
  resource: string;
  at: number;
  status: string | null;
  device: Device | null;
}

/** Everything known about one JID's presence, from one account's point of view. */
export interface ContactPresenceView {
  accountId: string;
  jid: string;
  /** Available resources, most available first; empty when offline. */
  resources: ResourceView[];
  /** The last error presence, standing until the next available one. */
  error: { condition: string; text: string | null } | null;
  lastSeen: LastSeenView | null;
  /** We sent this JID directed presence (RFC 6121 §4.6); it ends when we go offline. */
  directed: boolean;
}

// ---------- presence history (a contact's timeline) ----------

/** Days of presence history an account keeps; 0: none is recorded (and none kept). */
export type HistoryRetention = 0 | 7 | 30 | 90;

export interface HistorySettingsView {
  accountId: string;
  retentionDays: HistoryRetention;
}

/** One device in one state, from `start` to `end` (epoch ms; null: it still is). */
export interface TimelineRunView {
  start: number;
  end: number | null;
  show: Show;
  status: string | null;
  priority: number;
  /** XEP-0319: the user idle since then (epoch ms) in this state; null or absent when not said. */
  idleSince?: number | null;
}

export interface TimelineDeviceView {
  resource: string;
  client: { name: string | null; device: Device } | null;
  /** When it was last seen online (epoch ms); null while it is online. */
  lastSeen: number | null;
  /** Its runs within the timeline's span, oldest first. */
  runs: TimelineRunView[];
}

/** Seconds in each quarter hour from `from` (epoch ms, a quarter-hour boundary), one entry per quarter. */
export interface QuarterHoursView {
  from: number;
  /** Seconds the contact had at least one device online. */
  online: number[];
  /** Seconds we were listening (online ourselves, recording on). */
  recorded: number[];
}

/** What we recorded of one contact's presence: devices and their runs over a span, and the hours over all kept. */
export interface TimelineView {
  accountId: string;
  jid: string;
  /** The span of the runs (epoch ms); `to` is now. */
  from: number;
  to: number;
  retentionDays: HistoryRetention;
  /** Online devices first, then the most recently seen. */
  devices: TimelineDeviceView[];
  /** When we were listening within the span: outside these stretches nothing is known. */
  recorded: { start: number; end: number }[];
  /** Over everything kept: for "usually online". */
  quarters: QuarterHoursView;
  /** The device that last received messages sent to the bare address, and until when (null: now). */
  lastTarget: { resource: string; until: number | null } | null;
}

/** Our own presence on one account. */
export interface OwnPresenceView {
  show: Show | 'offline';
  status: string | null;
  priority: number;
  /** Set by idle detection (auto-away/xa), not by the user. */
  auto: boolean;
}

/** The composer's spell checking in one conversation (Electron on Windows and Linux; macOS picks by itself). */
export interface SpellcheckView {
  /** Languages there are dictionaries for, e.g. ['de-DE', 'en-US']; empty when there is no choice to make. */
  available: string[];
  /** The language chosen for this conversation; null for the default languages. */
  language: string | null;
}

// ---------- subscriptions (RFC 6121 §3) ----------

/** What an account does with an incoming subscription request ('ask' shows it in the inbox). */
export type SubscriptionPolicy = 'ask' | 'accept' | 'accept-subscribe' | 'deny';

export interface SubscriptionPolicyView {
  accountId: string;
  incoming: SubscriptionPolicy;
  /** Accept a request from a JID we asked to subscribe to ourselves, whatever `incoming` says. */
  acceptAsked: boolean;
}

/** A pending incoming request ("pending in"), kept until answered here or by another of our clients. */
export interface SubscriptionRequestView {
  accountId: string;
  /** Normalized bare JID of the requester. */
  jid: string;
  /** XEP-0172 nick the requester sent, capped; never a substitute for the JID. */
  nick: string | null;
  /** The <status/> text sent with the request, capped. */
  message: string | null;
  /** Epoch ms when it first arrived (a redelivery after reconnect keeps it). */
  receivedAt: number;
  /** The nick looks like an existing contact's name or address: the UI shows the real JID prominently. */
  lookalikeOf: string | null;
}

/** What the roster alone cannot say about a contact's subscription, for the explainer. */
export interface SubscriptionNoteView {
  accountId: string;
  jid: string;
  /** When we last asked to see their status (sent subscribe); null when unknown. */
  askedAt: number | null;
  /** When they stopped sharing (or declined our request); null when they did not. */
  endedAt: number | null;
  /** 'declined': our request was refused; 'revoked': they stopped sharing after having shared. */
  ended: 'declined' | 'revoked' | null;
}

// ---------- group chat (XEP-0045) ----------

export type MucRole = 'moderator' | 'participant' | 'visitor' | 'none';

/** One occupant of a room, keyed by (account, room, nick). */
export interface OccupantView {
  accountId: string;
  /** Bare JID of the room. */
  room: string;
  /** Room nick as the room sent it (capped); may contain look-alike characters. */
  nick: string;
  role: MucRole;
  affiliation: MucAffiliation;
  /** The occupant's real JID when the room shows it (non-anonymous rooms, or to moderators). */
  jid: string | null;
  show: Show;
  status: string | null;
  /** This occupant is us. */
  self: boolean;
  /** When they joined in this session (epoch ms); null: they were there before we joined. */
  joinedAt?: number | null;
  /** Their role changes seen in this session, oldest first (the latest few). */
  roleChanges?: { role: MucRole; at: number }[];
}

export type RoomState = 'joining' | 'joined' | 'left' | 'error';

/** Why a join failed or we were removed, in a form the UI can act on. */
export type RoomErrorKind =
  | 'nick-conflict'
  | 'password'
  | 'members-only'
  | 'banned'
  | 'not-found'
  | 'service-unavailable'
  | 'nick-invalid'
  | 'other';

export interface RoomView {
  accountId: string;
  room: string;
  /** Our nick in the room (the one the room assigned, after 110/210). */
  nick: string;
  state: RoomState;
  subject: string | null;
  /** Nick of who set the subject, when known. */
  subjectBy: string | null;
  /** Our own role and affiliation once joined. */
  role: MucRole;
  affiliation: MucAffiliation;
  /** Every occupant's real JID is visible (status 100/172). */
  nonAnonymous: boolean;
  occupantCount: number;
  /** A room created for us with `configure`: locked to others until its configuration is submitted. */
  awaitingConfiguration?: boolean;
  /** With state 'error' or 'left' after a removal: what happened (the refusal or the removal). */
  error: RoomError | null;
}

/** Why we are not in a room: the join's refusal (muc.nickInUse, …) or our removal (muc.kicked, …). */
export type RoomError = AppError & { kind: RoomErrorKind };

/** A line the room shows about what happened (status codes, moderation), not a chat message. */
export type RoomNoticeView = { accountId: string; room: string; at: number } & RoomNotice;

/** A bookmarked room (XEP-0402, or XEP-0048 private storage when the server lacks it). */
export interface BookmarkView {
  accountId: string;
  room: string;
  name: string | null;
  nick: string | null;
  autojoin: boolean;
  /** A room password is stored with the bookmark (never sent to the renderer). */
  hasPassword: boolean;
}

/** An invitation to a room (direct XEP-0249 or mediated XEP-0045 §7.8.2), until answered. */
export interface RoomInviteView {
  accountId: string;
  id: string;
  room: string;
  /** The JID that actually sent the invitation (for a mediated one: the room itself). */
  from: string;
  /** Mediated only: who the room says invited us. A claim: name it as one. */
  claimedInviter: string | null;
  /** A direct invitation from someone not in the roster. */
  stranger: boolean;
  reason: string | null;
  kind: 'direct' | 'mediated';
  at: number;
}

/** One room found by browsing a MUC service (disco#items). */
export interface RoomListingView {
  room: string;
  name: string | null;
}

/** A room's configuration form (XEP-0045 §10.2), as the room sent it (a password stays in the core). */
export interface RoomConfigurationView {
  accountId: string;
  room: string;
  form: DataForm;
}

/** A visitor asks a moderated room for voice (XEP-0045 §8.6): the room forwards it to its moderators. */
export interface VoiceRequestView {
  accountId: string;
  /** Ours: names the request in muc.answerVoice. */
  id: string;
  room: string;
  /** The nick the room says asked. */
  nick: string;
  /** Their real JID when the room gave it. */
  jid: string | null;
  at: number;
}

/** What a room says about itself before we join (disco#info with muc#roominfo, XEP-0045 §6.4). */
export interface RoomInfoView {
  room: string;
  /** The room does not exist yet: joining creates it. */
  exists: boolean;
  name: string | null;
  description: string | null;
  subject: string | null;
  /** Occupants now, when the room says. */
  occupants: number | null;
  language: string | null;
  /** Its features as flags (muc_passwordprotected, muc_membersonly, …), each null when not said. */
  passwordProtected: boolean | null;
  membersOnly: boolean | null;
  moderated: boolean | null;
  /** Everyone sees real JIDs (muc_nonanonymous). */
  nonAnonymous: boolean | null;
  persistent: boolean | null;
  public: boolean | null;
  /** Where the room's public logs are (an https: address only). */
  logs: string | null;
  contacts: string[];
}

/** An entry of a room's affiliation list (members, admins, owners, outcasts). */
export interface AffiliationEntryView {
  jid: string;
  nick: string | null;
  reason: string | null;
}

// ---------- messaging ----------

/** A conversation is one contact (bare JID), one room, or one room occupant (private messages). */
export type ConversationKind = 'chat' | 'groupchat' | 'pm';

/**
 * queued: stored, not yet written to the stream (or waiting for a connection); sent: the server
 * acknowledged it (XEP-0198); delivered: the recipient's client confirmed it (XEP-0184), or, for a
 * room message, the room reflected it (it went out to the room; nobody confirmed it); failed: the
 * server refused it; received: an incoming message.
 */
export type MessageState = 'queued' | 'sent' | 'delivered' | 'failed' | 'received';

export interface MessageView {
  accountId: string;
  /** Local id, increasing in the conversation's order (older pages from the archive take ids below the rest). */
  id: number;
  /** Bare JID of the contact or room; room/nick for private messages. */
  conversation: string;
  kind: ConversationKind;
  direction: 'in' | 'out';
  /** Who wrote it: a bare JID in chats, a nick in rooms and private messages. */
  from: string;
  body: string;
  /** Epoch ms: the sender's time when a valid <delay/> said so, else when we received or sent it. */
  at: number;
  state: MessageState;
  /** The body was replaced by a correction (XEP-0308). */
  corrected: boolean;
  /** With state 'failed': the server's refusal, or why it could not be encrypted. */
  error: DeliveryError | null;
  /** Present when it travelled end-to-end encrypted (or must: an outgoing one is never sent in the clear). */
  encryption?: MessageEncryption;
  /** It shares a file: the body is exactly the address its jabber:x:oob (XEP-0066) names. */
  file?: true;
  /** With `file`: what the message says about the file (XEP-0446), each field checked; a claim only. */
  fileMeta?: FileMetadataView;
  /** XEP-0461: the message this one answers. */
  reply?: ReplyView;
  /** XEP-0444: reactions, one entry per emoji (first reacted first). */
  reactions?: ReactionView[];
  /** XEP-0424/0425: taken back by its sender or removed by a room moderator; the body is gone. */
  retracted?: 'sender' | 'moderator';
}

export interface ReplyView {
  /** Whom it quotes: a bare JID in chats, a nick in rooms. */
  to: string;
  /** The quote the reply carried (XEP-0428 fallback), for when the original is not loaded or not here. */
  quote: string;
  /** The original's local id, when it is stored and came from that author. */
  target: number | null;
}

export interface ReactionView {
  emoji: string;
  count: number;
  /** We are among those who reacted with it. */
  mine: boolean;
  /** Who reacted with it (bare JIDs in chats, nicks in rooms), us excluded; capped. */
  by: string[];
}

/** Distinct emojis kept per message (others' beyond it are dropped). */
export const REACTIONS_PER_MESSAGE_MAX = 64;

/** Older messages paged back from the server's archive, oldest first; `complete`: it holds no more. */
export interface OlderMessages {
  messages: MessageView[];
  complete: boolean;
}

/** XEP-0085 chat states. */
export type ChatState = 'active' | 'composing' | 'paused' | 'inactive' | 'gone';

export interface ConversationView {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
  /** Epoch ms of the last message. */
  lastAt: number;
  /** The start of the last message's body. */
  lastBody: string;
  unread: number;
  /** The local id of our newest message the contact marked displayed (XEP-0333): ours up to it are read. */
  peerDisplayed?: number;
}

// ---------- files and media ----------

/** A file waiting to be uploaded: picked in main's dialog or posted to the shell's staging route. */
export interface StagedFileView {
  /** Opaque; the renderer passes it to upload.start. */
  id: string;
  /** Safe display name (never a path). */
  name: string;
  size: number;
}

export type TransferState = 'waiting' | 'active' | 'done' | 'failed' | 'cancelled';

/** One upload or download, with its progress. */
export interface TransferView {
  id: string;
  accountId: string;
  direction: 'upload' | 'download';
  /** Uploads: where the file is sent; downloads: where the message came from (null when not from one). */
  conversation: string | null;
  kind: ConversationKind | null;
  /** Safe display name (downloads: the name it was saved under once done). */
  name: string;
  /** Bytes in all, when known. */
  size: number | null;
  transferred: number;
  /** Over the last few seconds; 0 when not moving. */
  bytesPerSecond: number;
  state: TransferState;
  /** With 'failed' (and 'waiting' for a reason such as offline). */
  error: TransferError | null;
  /** Uploads once done: the address the file can be fetched from (sent as the message). */
  url: string | null;
  /** Downloads: the message the file came from. */
  messageId: number | null;
  /** A picture or short video the core verified, to show beside the transfer. */
  preview: MediaRef | null;
  startedAt: number;
}

/** What a message says about the file it shares (XEP-0446 file metadata); null where it said nothing usable. */
export interface FileMetadataView {
  /** A safe file name. */
  name: string | null;
  size: number | null;
  /** A MIME type without parameters, lower case. */
  type: string | null;
}

/** What a HEAD request says about a shared file (before downloading it). */
export interface FileInfoView {
  /** Safe file name from the address. */
  name: string;
  size: number | null;
  /** As the server claims it (a hint only: previews take the type from the bytes). */
  type: string | null;
}
// ---------- app notices ----------

/**
 * Something about the app itself the user must know, until dismissed (the renderer words it). One per
 * code: a newer one replaces the older (same id).
 */
export type AppNoticeView = { id: string; at: number } & (
  | /** The data file was damaged: it was moved to `keptAs` and a fresh one made; contacts and messages come back from the server. */
    { code: 'store.recovered'; keptAs: string; accountsKept: number }
    /** A check found the data file damaged while running: the next start repairs it. */
  | { code: 'store.damaged' }
  /** Received data could not be saved (it is fetched again from the server once saving works). */
  | { code: 'store.writeFailed'; reason: StoreFailure }
  /**
   * The account's encryption key was kept for one run only and is gone after the restart: a new key
   * and device (`deviceId`) were made and published, the old device (`oldDeviceId`) left the list.
   */
  | { code: 'encryption.newKey'; accountId: string; jid: string; oldDeviceId: number; deviceId: number }
);

/** The roster column's first screen in the first snapshot (shared/roster-first-screen.ts). */
export interface RosterFirstScreen {
  /** The index view the column shows: '*' or an account id. */
  view: string;
  /** Distinct contacts of the view (all offline). */
  total: number;
  /** Every group of the view in display order with its number of contacts ('' = no group). */
  groups: { name: string; size: number }[];
  /** How many rows the first screen's contacts fill from the top (group headers included). */
  rows: number;
}

/** Who someone is, as their own client announced it: avatar (XEP-0084 or XEP-0153) and nickname (XEP-0172). */
export interface IdentityView {
  accountId: string;
  /** A contact's or account's bare JID, or a room occupant's room@service/nick. */
  jid: string;
  /** Verified against its hash, type from the bytes; null: none (or not fetched yet). */
  avatar: MediaRef | null;
  /** Capped; may imitate another contact's name (show it as theirs, never as a roster name). */
  nick: string | null;
}

/** A vCard as the profile panel shows it (XEP-0054, or XEP-0292 vCard4); each field capped, null when absent. */
export interface ProfileView {
  fullName: string | null;
  nickname: string | null;
  organisation: string | null;
  email: string | null;
  url: string | null;
  note: string | null;
  birthday: string | null;
}

/** [local part, domain index (-1: `local` is the whole JID), avatar's media id or null, nickname if any] */
export type IdentityTableRow = [string, number, string | null] | [string, number, string | null, string];

/**
 * The identities in the window's whole snapshot (encoded and decoded by shared/identity-table.ts):
 * what the window draws of each (the avatar's media id, the nickname), each JID domain written once.
 */
export interface IdentityTable {
  domains: string[];
  accounts: { accountId: string; rows: IdentityTableRow[] }[];
}

/** [local part, domain index (-1: `local` is the whole JID), name, subscription × 2 + pending, ...group indexes] */
export type RosterTableRow = [string, number, string | null, number, ...number[]];

/** The roster in the window's first snapshot (encoded and decoded by shared/roster-table.ts). */
export interface RosterTable {
  /** Group names and JID domains, each once; rows refer to them by index. */
  groups: string[];
  domains: string[];
  accounts: { accountId: string; rows: RosterTableRow[] }[];
}

export interface Snapshot {
  /** Events with seq above this number are newer than the snapshot. */
  seq: number;
  accounts: AccountView[];
  secretStorage: SecretStorageInfo;
  /** Empty when the snapshot was asked for with `compactRoster`: the items are in rosterTable then. */
  roster: RosterItemView[];
  /** The roster in its compact form (shared/roster-table.ts), when asked for with `compactRoster`. */
  rosterTable?: RosterTable;
  /**
   * Asked for with `firstScreen`: the roster holds only the contacts of the column's first rows
   * (presence and identities only theirs), and this gives the counts (shared/roster-first-screen.ts).
   */
  rosterFirstScreen?: RosterFirstScreen;
  rosterSync: RosterSyncView[];
  prefs: Prefs;
  /** Every JID we know presence, an error, last seen or directed presence for. */
  presence: ContactPresenceView[];
  /** Own presence per account id. */
  ownPresence: Record<string, OwnPresenceView>;
  /** Status texts used recently, newest first (for reuse in the status picker). */
  recentStatuses: string[];
  subscriptionRequests: SubscriptionRequestView[];
  subscriptionPolicies: SubscriptionPolicyView[];
  subscriptionNotes: SubscriptionNoteView[];
  /** Account ids whose server offers XEP-0191 blocking (known once connected). */
  blockingAccounts: string[];
  rooms: RoomView[];
  occupants: OccupantView[];
  /** The latest notices per room, oldest first. */
  roomNotices: RoomNoticeView[];
  bookmarks: BookmarkView[];
  roomInvites: RoomInviteView[];
  /** Voice requests waiting for a moderator's answer. */
  voiceRequests?: VoiceRequestView[];
  /** Every conversation with at least one message, most recent first. */
  conversations: ConversationView[];
  /** Uploads and downloads of this run, oldest first. */
  transfers: TransferView[];
  /** App notices not dismissed yet, oldest first. */
  notices: AppNoticeView[];
  /** Block lists (XEP-0191) fetched in this session, per account. */
  blocklists: BlocklistView[];
  /** An `xmpp:` link the operating system handed over before the window asked for this snapshot. */
  xmppUri?: XmppUriResult | null;
  /** Avatars and nicknames known so far (more follow as `identity` events); empty with `identityTable`. */
  identities: IdentityView[];
  /** The same in their compact form, when the whole snapshot was asked for with `compactRoster`. */
  identityTable?: IdentityTable;
}

// ---------- events ----------

export type AppEvent =
  | { type: 'account.upserted'; account: AccountView }
  | { type: 'account.removed'; id: string }
  | { type: 'account.connection'; id: string; connection: ConnectionView }
  /** An item was added or changed (from a fetch diff or a push). */
  | { type: 'roster.item'; item: RosterItemView }
  | { type: 'roster.removed'; accountId: string; jid: string }
  /** A roster fetch's whole difference in one event: `removed` JIDs first, then `items` (new or changed). */
  | { type: 'roster.items'; accountId: string; items: RosterItemView[]; removed: string[] }
  | { type: 'roster.sync'; sync: RosterSyncView }
  | { type: 'prefs.changed'; prefs: Prefs }
  | { type: 'presence.contact'; presence: ContactPresenceView }
  | { type: 'presence.own'; accountId: string; presence: OwnPresenceView; recentStatuses: string[] }
  | { type: 'subscription.request'; request: SubscriptionRequestView }
  | { type: 'subscription.requestRemoved'; accountId: string; jid: string }
  | { type: 'subscription.policy'; policy: SubscriptionPolicyView }
  | { type: 'subscription.note'; note: SubscriptionNoteView }
  | { type: 'subscription.blocking'; accountId: string; supported: boolean }
  | { type: 'muc.room'; room: RoomView }
  | { type: 'muc.roomRemoved'; accountId: string; room: string }
  /** Occupants that joined or changed, and nicks that left, in one room since the last batch. */
  | { type: 'muc.occupants'; accountId: string; room: string; changed: OccupantView[]; left: string[] }
  | { type: 'muc.notice'; notice: RoomNoticeView }
  /** The account's whole bookmark list, after any change. */
  | { type: 'muc.bookmarks'; accountId: string; bookmarks: BookmarkView[] }
  | { type: 'muc.invite'; invite: RoomInviteView }
  | { type: 'muc.inviteRemoved'; accountId: string; id: string }
  | { type: 'muc.voiceRequest'; request: VoiceRequestView }
  | { type: 'muc.voiceRequestRemoved'; accountId: string; id: string }
  /** A message was stored or changed (state, correction). */
  | { type: 'message'; message: MessageView }
  | { type: 'conversation'; conversation: ConversationView }
  /** Catching up from the server's archive (XEP-0313) after a new session. */
  | { type: 'archive.sync'; accountId: string; state: 'syncing' | 'done' | 'failed'; fetched: number }
  /** A contact's (or occupant's) chat state (XEP-0085). */
  | { type: 'chat.typing'; accountId: string; conversation: string; from: string; state: ChatState }
  /** The user clicked a notification: show this conversation. */
  | { type: 'ui.openConversation'; accountId: string; conversation: string; kind: ConversationKind }
  /** An upload or download started, moved on or ended (coalesced per transfer). */
  | { type: 'transfer'; transfer: TransferView }
  /** A finished transfer was cleared from the list. */
  | { type: 'transfer.removed'; id: string }
  /** A JID's devices or their trust changed (coalesced per account and JID). */
  | { type: 'encryption.devices'; devices: EncryptionDevicesView }
  /** A conversation's encryption changed (the user's choice, or the contact's devices). */
  | { type: 'encryption.conversation'; conversation: ConversationEncryptionView }
  /** An app notice appeared or changed (same id). */
  | { type: 'app.notice'; notice: AppNoticeView }
  | { type: 'app.noticeRemoved'; id: string }
  /** Someone's avatar or nickname changed (or was fetched). */
  | { type: 'identity'; identity: IdentityView }
  | ControlEvent;

export interface SubscriptionRespondResult {
  /** JIDs answered. */
  done: string[];
  /** JIDs that failed, each with its error (the request stays pending). */
  failed: { jid: string; error: AppError }[];
}

export interface EventBatch {
  seq: number;
  events: AppEvent[];
}

// ---------- input schemas ----------
// Their messages are codes ('check.*') the renderer words (lib/words/input.ts), never sentences.

const MAX_PASSWORD = 1024;

export const accountIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'check.accountId');

/** An address as `read` takes it: its normalized text, or the issue `read` names (a 'check.*' code). */
function jidSchema(read: (value: string) => { jid: string } | { error: string }) {
  return z
    .string()
    .max(3071)
    .transform((value, ctx) => {
      const result = read(value);
      if ('error' in result) {
        ctx.addIssue({ code: 'custom', message: result.error });
        return z.NEVER;
      }
      return result.jid;
    });
}

export const accountJidSchema = jidSchema(parseAccountJid);

// A DNS name or an IP literal; no scheme, no port, no path.
export const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?)$/,
    'check.host',
  );

export const portSchema = z.number().int('check.portWhole').min(1, 'check.portRange').max(65535, 'check.portRange');

export const passwordSchema = z.string().min(1, 'check.passwordEmpty').max(MAX_PASSWORD, 'check.passwordTooLong');

export const labelSchema = z.string().trim().max(64, 'check.labelTooLong');

export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'check.color');

export const fingerprintSchema = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'check.fingerprint');

export const contactJidSchema = jidSchema((value) => {
  const parsed = parseJid(value);
  if ('error' in parsed) return parsed;
  if (parsed.jid.resource !== '') return { error: 'check.jidWithResource' };
  return { jid: parsed.jid.local ? `${parsed.jid.local}@${parsed.jid.domain}` : parsed.jid.domain };
});

export const rosterNameSchema = z.string().trim().max(ROSTER_TEXT_MAX, 'check.rosterNameTooLong');

export const groupNameSchema = z.string().trim().min(1, 'check.groupEmpty').max(ROSTER_TEXT_MAX, 'check.groupTooLong');

/** A room's bare JID: a local part is required, no resource (shared/jid.ts's roomJidOf reads it alike, without zod). */
export const roomJidSchema = contactJidSchema.refine((jid) => jid.includes('@'), 'check.roomJid');

/** A room nick (XEP-0045 §7.2: a resource part, not empty). */
export const roomNickSchema = z
  .string()
  .trim()
  .min(1, 'check.nickEmpty')
  .max(MUC_NICK_MAX, 'check.nickTooLong')
  .refine((nick) => !/[\p{Cc}]/u.test(nick), 'check.nickControl');

/** Any address (a bare, full or domain JID), normalized. */
export const anyJidSchema = jidSchema((value) => {
  const parsed = parseJid(value);
  return 'error' in parsed ? parsed : { jid: formatJid(parsed.jid) };
});

/** The server to create an account on: a domain, no "@" or "/". */
export const registrationDomainSchema = anyJidSchema.refine(
  (jid) => !jid.includes('@') && !jid.includes('/'),
  'check.registrationDomain',
);

export const registrationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'check.registrationId');
export const adhocSessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'check.commandSession');

const prefsSchema = z
  .object({
    rosterSort: z.enum(['availability', 'name']),
    rosterHideOffline: z.boolean(),
    rosterCollapsed: z.array(z.string().max(ROSTER_TEXT_MAX + 80)).max(10_000),
    rosterView: z.union([z.literal('all'), accountIdSchema]),
    closeToTray: z.boolean(),
    startAtLogin: z.boolean(),
    startHidden: z.boolean(),
    idleEnabled: z.boolean(),
    idleAwayMinutes: z.number().int().min(1).max(240),
    idleXaMinutes: z.number().int().min(1).max(1440).nullable(),
    language: z.enum(LANGUAGE_CHOICES as [LanguageChoice, ...LanguageChoice[]]),
    filePreviews: z.enum(['contacts', 'everyone', 'never']),
    keepImageMetadata: z.boolean(),
    nameColours: z.boolean(),
  })
  .strict();

/** A dictionary's language tag as Chromium names them: 'en-US', 'de', 'pt-BR', 'sr-Latn'. */
export const spellcheckLanguageSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'check.languageTag');

export const showSchema = z.enum(SHOWS as [Show, ...Show[]]);

/** Ids of staged files and transfers (opaque base64url). */
/**
 * A stored message's local id: newer messages count up from 1, older ones paged back from the
 * archive count down from -1 (older-messages-repo.ts); 0 is never one.
 */
export const messageIdSchema = z
  .number()
  .int()
  .refine((id) => id !== 0 && Number.isSafeInteger(id), 'check.messageId');

export const transferIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'check.transferId');

/** One field of our own profile: trimmed, empty means none. */
const profileFieldSchema = z
  .string()
  .trim()
  .max(1024)
  .transform((value) => (value === '' ? null : value))
  .nullable();

export const profileSchema = z
  .object({
    fullName: profileFieldSchema,
    nickname: profileFieldSchema,
    organisation: profileFieldSchema,
    email: profileFieldSchema,
    url: profileFieldSchema,
    note: profileFieldSchema,
    birthday: profileFieldSchema,
  })
  .strict();

/** Output types are phantom: they exist only for the type checker. */
function returns<T>(): T {
  return undefined as unknown as T;
}

/** A command taking an object of `fields` (unknown keys are refused) and answering `output`. */
function command<T, S extends z.core.$ZodLooseShape>(output: T, fields: S) {
  return { input: z.strictObject({ ...fields }), output };
}

/** What most commands are about: an account, and a contact, an address or a room of it. */
const onAccount = { accountId: accountIdSchema };
const onContact = { ...onAccount, jid: contactJidSchema };
const onAddress = { ...onAccount, jid: anyJidSchema };
const inRoom = { ...onAccount, room: roomJidSchema };

export const commands = {
  // compactRoster: the roster as a RosterTable (the window's first paint), not as item objects.
  // firstScreen: N rows of the roster column only, answered at once; the whole snapshot is asked for too.
  'app.snapshot': command(returns<Snapshot>(), {
    compactRoster: z.literal(true).optional(),
    firstScreen: z.number().int().min(1).max(500).optional(),
  }),
  'app.dismissNotice': command(returns<null>(), { id: z.string().min(1).max(64) }),
  'account.add': command(returns<AccountView>(), {
    jid: accountJidSchema,
    password: passwordSchema,
    host: hostSchema.nullish(),
    port: portSchema.nullish(),
    label: labelSchema.optional(),
    color: colorSchema.optional(),
    /** Keep the password across restarts (in the keychain, or a plain file when no keychain exists). */
    rememberPassword: z.boolean().default(true),
    enabled: z.boolean().default(true),
  }),
  'account.update': command(returns<AccountView>(), {
    id: accountIdSchema,
    jid: accountJidSchema.optional(),
    /** Write-only: a new password. Omit to keep the current one. */
    password: passwordSchema.optional(),
    host: hostSchema.nullish(),
    port: portSchema.nullish(),
    label: labelSchema.optional(),
    color: colorSchema.optional(),
    rememberPassword: z.boolean().optional(),
  }),
  'account.remove': command(returns<null>(), { id: accountIdSchema }),
  'account.setEnabled': command(returns<AccountView>(), { id: accountIdSchema, enabled: z.boolean() }),
  'account.reconnectNow': command(returns<null>(), { id: accountIdSchema }),
  /** Pin the certificate the server presented on the last failed attempt; then reconnect. */
  'account.trustCertificate': command(returns<AccountView>(), { id: accountIdSchema, fingerprint: fingerprintSchema }),
  'account.forgetCertificate': command(returns<AccountView>(), { id: accountIdSchema, fingerprint: fingerprintSchema }),
  /** Sets a contact's roster name and/or groups (roster set); the change arrives as a push. */
  'roster.update': command(returns<null>(), {
    ...onContact,
    /** Empty string or null removes the name. */
    name: rosterNameSchema.nullable().optional(),
    groups: z.array(groupNameSchema).max(ROSTER_GROUPS_MAX).optional(),
  }),
  /** Removes a contact from the roster (which also cancels both subscriptions). */
  'roster.remove': command(returns<null>(), onContact),
  /** Renames a group on every contact of the account that is in it; returns how many contacts changed. */
  'roster.renameGroup': command(returns<{ changed: number }>(), {
    ...onAccount,
    from: groupNameSchema,
    to: groupNameSchema,
  }),
  /** Sets our presence on one account, or on every enabled account when accountId is omitted. */
  'presence.set': command(returns<null>(), {
    accountId: accountIdSchema.optional(),
    show: z.union([showSchema, z.literal('offline')]).optional(),
    /** null clears the status text; omitted keeps it. */
    status: z.string().max(STATUS_TEXT_MAX, 'check.statusTooLong').nullable().optional(),
    priority: z.number().int('check.priorityWhole').min(-128).max(127).optional(),
  }),
  /** Sends (or ends) directed presence to a JID outside our subscriptions (RFC 6121 §4.6). */
  'presence.directed': command(returns<null>(), {
    ...onAccount,
    jid: z
      .string()
      .max(3071)
      .refine((value) => !('error' in parseJid(value)), 'check.notAnAddress'),
    send: z.boolean(),
  }),
  /** A contact's presence history: its devices over the last `days`, and the hours over all that is kept. */
  'timeline.get': command(returns<TimelineView>(), { ...onContact, days: z.number().int().min(1).max(90).default(7) }),
  /** How long each account keeps presence history. */
  'timeline.settings': command(returns<HistorySettingsView[]>(), {}),
  /** Sets an account's retention; 0 stops recording and deletes what was kept. */
  'timeline.setRetention': command(returns<HistorySettingsView>(), {
    ...onAccount,
    retentionDays: z.union([z.literal(0), z.literal(7), z.literal(30), z.literal(90)]),
  }),
  /** Deletes the presence history kept of one contact, or of every contact of the account. */
  'timeline.clear': command(returns<null>(), { ...onAccount, jid: contactJidSchema.optional() }),
  /** Answers pending requests: several at once for deny and block; 'accept-add' also subscribes back. */
  'subscription.respond': command(returns<SubscriptionRespondResult>(), {
    ...onAccount,
    jids: z.array(contactJidSchema).min(1, 'check.chooseRequest').max(SUBSCRIPTION_BULK_MAX),
    action: z.enum(['accept', 'accept-add', 'deny', 'block']),
    /** With 'accept-add': the roster name and groups for the new contact. */
    name: rosterNameSchema.nullable().optional(),
    groups: z.array(groupNameSchema).max(ROSTER_GROUPS_MAX).optional(),
  }),
  /** Adds a contact (roster set) and asks to see their status; an existing contact is left as it is. */
  'subscription.add': command(returns<{ existing: boolean }>(), {
    ...onContact,
    name: rosterNameSchema.nullable().optional(),
    groups: z.array(groupNameSchema).max(ROSTER_GROUPS_MAX).optional(),
    /** XEP-0172: the nick we introduce ourselves with. */
    nick: z.string().trim().max(NICK_MAX, 'check.ownNickTooLong').optional(),
    message: z.string().max(STATUS_TEXT_MAX, 'check.requestMessageTooLong').optional(),
  }),
  /**
   * Changes one contact's subscription: 'request' asks (again) to see their status, 'unsubscribe'
   * stops seeing theirs, 'revoke' stops sharing ours (and cancels a pending request of theirs).
   */
  'subscription.change': command(returns<null>(), {
    ...onContact,
    action: z.enum(['request', 'unsubscribe', 'revoke']),
    message: z.string().max(STATUS_TEXT_MAX, 'check.requestMessageTooLong').optional(),
  }),
  'subscription.setPolicy': command(returns<SubscriptionPolicyView>(), {
    ...onAccount,
    incoming: z.enum(['ask', 'accept', 'accept-subscribe', 'deny']).optional(),
    acceptAsked: z.boolean().optional(),
  }),
  /** Joins a room; answers once the room confirms (status 110) or refuses, with the reason in words. */
  'muc.join': command(returns<RoomView>(), {
    ...inRoom,
    nick: roomNickSchema,
    password: z.string().max(1024).optional(),
    /** A room created by this join stays locked until muc.configure (else it takes the default). */
    configure: z.boolean().optional(),
  }),
  /** Reads the configuration form of a room we own (XEP-0045 §10.2). */
  'muc.configuration': command(returns<RoomConfigurationView>(), inRoom),
  /**
   * Submits the form muc.configuration read, with what the user entered; `instant` accepts the
   * room's default configuration instead (XEP-0045 §10.1.2).
   */
  'muc.configure': command(returns<null>(), {
    ...inRoom,
    values: formValuesSchema,
    instant: z.literal(true).optional(),
  }),
  /** Destroys a room we own (XEP-0045 §10.9), telling occupants why and where to go instead. */
  'muc.destroy': command(returns<null>(), {
    ...inRoom,
    reason: z.string().max(1024).optional(),
    venue: roomJidSchema.optional(),
  }),
  /** A visitor asks the room's moderators for voice (XEP-0045 §8.6). */
  'muc.requestVoice': command(returns<null>(), inRoom),
  /** A moderator grants or denies a voice request. */
  'muc.answerVoice': command(returns<null>(), { ...onAccount, id: z.string().min(1).max(64), allow: z.boolean() }),
  /** What a room says about itself (disco#info), before joining it. */
  'muc.roomInfo': command(returns<RoomInfoView>(), inRoom),
  'muc.leave': command(returns<null>(), inRoom),
  'muc.setNick': command(returns<null>(), { ...inRoom, nick: roomNickSchema }),
  /** Lists a MUC service's rooms (disco#items). */
  'muc.browse': command(returns<RoomListingView[]>(), { ...onAccount, service: contactJidSchema }),
  'muc.setSubject': command(returns<null>(), {
    ...inRoom,
    subject: z.string().max(MUC_SUBJECT_MAX, 'check.subjectTooLong'),
  }),
  /**
   * Changes an occupant's role by nick (XEP-0045 §8): 'none' kicks, 'participant' grants voice (or
   * takes moderator away), 'visitor' revokes voice, 'moderator' grants moderator.
   */
  'muc.setRole': command(returns<null>(), {
    ...inRoom,
    nick: roomNickSchema,
    role: z.enum(['moderator', 'participant', 'visitor', 'none']),
    reason: z.string().max(1024).optional(),
  }),
  /**
   * Changes an affiliation (XEP-0045 §9–§10) of a JID, or of an occupant by nick when the room shows
   * their real JID: 'outcast' bans, 'member', 'admin' and 'owner' grant, 'none' takes away.
   */
  'muc.setAffiliation': {
    input: z
      .object({
        ...inRoom,
        nick: roomNickSchema.optional(),
        jid: contactJidSchema.optional(),
        affiliation: z.enum(['owner', 'admin', 'member', 'outcast', 'none']),
        reason: z.string().max(1024).optional(),
      })
      .strict()
      .refine((v) => v.nick !== undefined || v.jid !== undefined, 'check.nameOccupant'),
    output: returns<null>(),
  },
  /** Reads one affiliation list of a room. */
  'muc.affiliations': command(returns<AffiliationEntryView[]>(), {
    ...inRoom,
    affiliation: z.enum(['owner', 'admin', 'member', 'outcast']),
  }),
  /** Adds, edits or removes (remove: true) a bookmark. A password given here stays in main. */
  'muc.bookmark': command(returns<null>(), {
    ...inRoom,
    remove: z.boolean().optional(),
    name: z.string().trim().max(ROSTER_TEXT_MAX).nullable().optional(),
    nick: roomNickSchema.nullable().optional(),
    autojoin: z.boolean().optional(),
    password: z.string().max(1024).nullable().optional(),
  }),
  /**
   * Invites a contact to a room we are in: directly (XEP-0249) when their client announces it and
   * the room is not members-only, else through the room (XEP-0045 §7.8.2: a members-only room adds
   * them). `direct` chooses the way instead (true: directly, false: through the room).
   */
  'muc.invite': command(returns<null>(), {
    ...inRoom,
    jid: contactJidSchema,
    reason: z.string().max(1024).optional(),
    direct: z.boolean().optional(),
  }),
  /** Accepts (joins with `nick`) or declines an invitation. */
  'muc.answerInvite': command(returns<RoomView | null>(), {
    ...onAccount,
    id: z.string().min(1).max(64),
    accept: z.boolean(),
    nick: roomNickSchema.optional(),
  }),
  /** Stores the message as queued, then sends it (now, or once the account is back online). */
  'message.send': command(returns<MessageView>(), {
    ...onAccount,
    conversation: z.string().max(3071),
    kind: z.enum(['chat', 'groupchat', 'pm']),
    body: z
      .string()
      .refine((body) => body.trim() !== '', 'check.typeMessage')
      .refine((body) => body.length <= MESSAGE_BODY_MAX, 'check.bodyTooLong'),
    /** A chat message to one device (resource) instead of the bare JID. */
    resource: z.string().min(1).max(1023).optional(),
    /** Corrects our last message in this conversation (XEP-0308): its local id. */
    replaces: messageIdSchema.optional(),
    /** Answers a message of this conversation (XEP-0461): its local id. */
    replyTo: messageIdSchema.optional(),
  }),
  /** Our reactions to a message (XEP-0444): the whole set, replacing the previous one (empty removes them). */
  'message.react': command(returns<MessageView>(), {
    ...onAccount,
    id: messageIdSchema,
    emojis: z.array(z.string().trim().min(1).max(REACTION_LENGTH_MAX)).max(REACTIONS_PER_REACTOR_MAX),
  }),
  /** Takes back one of our own messages (XEP-0424): it becomes "message removed" here and for others. */
  'message.retract': command(returns<MessageView>(), { ...onAccount, id: messageIdSchema }),
  /** A room moderator removes a message of the room (XEP-0425); the room tells everyone, us included. */
  'muc.moderate': command(returns<null>(), {
    ...onAccount,
    id: messageIdSchema,
    reason: z.string().max(1024).optional(),
  }),
  /** Tells the other side we are typing, paused, or looking (XEP-0085); chats and private messages only. */
  'chat.setState': command(returns<null>(), {
    ...onAccount,
    conversation: z.string().max(3071),
    kind: z.enum(['chat', 'pm']),
    state: z.enum(['active', 'composing', 'paused', 'inactive']),
  }),
  /**
   * Sends a failed message again. `withoutEncryption`: the user chose, when asked, to send a message
   * that could not be encrypted in the clear.
   */
  'message.retry': command(returns<MessageView>(), {
    ...onAccount,
    id: messageIdSchema,
    withoutEncryption: z.literal(true).optional(),
  }),
  /** A one-to-one conversation's encryption; the contact's device list is read (again) in the background. */
  'encryption.conversation': command(returns<ConversationEncryptionView>(), {
    ...onAccount,
    conversation: contactJidSchema,
  }),
  /** The user turns a conversation's encryption on or off (messages already queued keep theirs). */
  'encryption.setEncrypted': command(returns<ConversationEncryptionView>(), {
    ...onAccount,
    conversation: contactJidSchema,
    encrypted: z.boolean(),
  }),
  /** A contact's devices, or our own account's (its JID), with fingerprints and trust; missing keys are fetched. */
  'encryption.devices': command(returns<EncryptionDevicesView>(), onContact),
  /** The user compared a device's fingerprint (verified) or refused it (untrusted). */
  'encryption.setTrust': command(returns<EncryptionDevicesView>(), {
    ...onContact,
    fingerprint: z.string().regex(FINGERPRINT_PATTERN, 'check.omemoFingerprint'),
    trust: z.enum(['verified', 'untrusted']),
  }),
  /**
   * A verification link pasted into a contact's key panel (Conversations' QR code:
   * `xmpp:jid?omemo-sid-<id>=<hex>;…`): the devices it names are verified unless one of them is
   * known with another key (then nothing is marked).
   */
  'encryption.verifyLink': command(returns<LinkVerification>(), { ...onContact, link: z.string().max(8192) }),
  /**
   * Makes a new identity key and device for the account (the user asked, and confirmed): the old
   * device leaves our device list; contacts see a new, unverified device. Answers our own devices.
   */
  'encryption.newKey': command(returns<EncryptionDevicesView>(), onAccount),
  /** A page of a conversation's history, newest last: messages with id below `before` (or the latest). */
  'message.history': command(returns<MessageView[]>(), {
    ...onAccount,
    conversation: z.string().max(3071),
    // Messages paged back from the server's archive have ids below 1 (older than any stored before).
    before: z.number().int().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  /**
   * The page before the oldest stored message of a chat or room, from the server's archive
   * (XEP-0313): the messages it added, oldest first; `complete` when the archive has no more.
   */
  'history.older': command(returns<OlderMessages>(), {
    ...onAccount,
    conversation: z.string().min(1).max(3071),
    kind: z.enum(['chat', 'groupchat']),
  }),
  /** Full-text search over every conversation (or one account), best matches first. */
  'message.search': command(returns<MessageView[]>(), {
    accountId: accountIdSchema.optional(),
    query: z.string().trim().min(1, 'check.searchEmpty').max(256),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  'conversation.markRead': command(returns<null>(), { ...onAccount, conversation: z.string().max(3071) }),
  /** The draft the user left in a conversation's composer (kept across restarts); null for none. */
  'draft.get': command(returns<string | null>(), { ...onAccount, conversation: z.string().min(1).max(3071) }),
  /** Keeps the composer's text for the conversation; an empty text removes the draft. */
  'draft.set': command(returns<null>(), {
    ...onAccount,
    conversation: z.string().min(1).max(3071),
    text: z.string().max(MESSAGE_BODY_MAX),
  }),
  /** Opens main's file dialog (Electron); the chosen files are staged for upload. Empty when cancelled. */
  'upload.pick': command(returns<StagedFileView[]>(), {}),
  /**
   * Sends a staged file to a conversation: finds the upload service, refuses a file over its limit
   * at once (error detail upload.tooLarge with size and limit), asks for a slot, uploads it with
   * progress events, then sends its address as a message. Waits while the account is offline. A
   * picture whose metadata cannot be removed is refused (upload.metadataStays) unless keepMetadata.
   */
  'upload.start': command(returns<TransferView>(), {
    ...onAccount,
    conversation: z.string().min(1).max(3071),
    kind: z.enum(['chat', 'groupchat', 'pm']),
    file: transferIdSchema,
    /** Send a picture as it is, metadata included (the user's answer to upload.metadataStays). */
    keepMetadata: z.boolean().optional(),
  }),
  /** Stops an upload (nothing is sent) or a download (nothing is kept). */
  'transfer.cancel': command(returns<null>(), { id: transferIdSchema }),
  /** Starts a failed or cancelled upload again (its file must still be staged). */
  'transfer.retry': command(returns<TransferView>(), { id: transferIdSchema }),
  /** Clears a finished transfer from the list. */
  'transfer.dismiss': command(returns<null>(), { id: transferIdSchema }),
  /** The account's upload service and its limit (null: none found; maxFileSize null: no limit stated). */
  'upload.service': command(returns<{ maxFileSize: number | null } | null>(), onAccount),
  /** What the file a message shares is (HEAD request): name, size, claimed type. */
  'file.inspect': command(returns<FileInfoView>(), { ...onAccount, messageId: messageIdSchema }),
  /**
   * A preview of the picture or short video a message shares: fetched by the core, checked (type from
   * the bytes, size, dimensions) and kept; refused with a detail code (media.type, media.too-large,
   * media.dimensions, http.*) when it is not one to show.
   */
  'media.preview': command(returns<MediaRef>(), { ...onAccount, messageId: messageIdSchema }),
  /** Hands a finished download to the system, which opens it with the user's program for it (Electron only). */
  'file.open': command(returns<null>(), { id: transferIdSchema }),
  /** Downloads the file a message shares into the download folder (a new, safe name; never replaces a file). */
  'download.start': command(returns<TransferView>(), { ...onAccount, messageId: messageIdSchema }),
  'prefs.update': {
    input: prefsSchema.partial(),
    output: returns<Prefs>(),
  },
  /** The conversation's spell checking language, which is also put to use (its composer is in front). */
  'spellcheck.forConversation': command(returns<SpellcheckView>(), {
    ...onAccount,
    conversation: z.string().max(3071),
  }),
  /** Chooses (and puts to use) the conversation's spell checking language; null goes back to the default. */
  'spellcheck.setLanguage': command(returns<SpellcheckView>(), {
    ...onAccount,
    conversation: z.string().max(3071),
    language: spellcheckLanguageSchema.nullable(),
  }),
  // ---------- control and discovery ----------
  /** Fetches the account's block list (XEP-0191) from the server. */
  'blocklist.list': command(returns<string[]>(), onAccount),
  /** Blocks addresses (bare, full or domain JIDs); the list changes with `blocklist.changed`. */
  'blocklist.block': command(returns<null>(), {
    ...onAccount,
    jids: z.array(anyJidSchema).min(1, 'check.chooseAddress').max(SUBSCRIPTION_BULK_MAX),
  }),
  /** Unblocks the given addresses, or everyone with `all`. */
  'blocklist.unblock': {
    input: z
      .object({
        ...onAccount,
        jids: z.array(anyJidSchema).min(1).max(SUBSCRIPTION_BULK_MAX).optional(),
        all: z.literal(true).optional(),
      })
      .strict()
      .refine((v) => (v.jids === undefined) !== (v.all === undefined), 'check.addressesOrAll'),
    output: returns<null>(),
  },
  /**
   * Starts creating an account on a server (XEP-0077): connects (Direct TLS or STARTTLS, verified for
   * the domain), asks for the registration form, and answers with it. Nothing is stored yet.
   */
  'registration.start': command(returns<RegistrationView>(), {
    domain: registrationDomainSchema,
    host: hostSchema.nullish(),
    port: portSchema.nullish(),
  }),
  /** Submits the registration form; on success the account is added (and connects) like account.add. */
  'registration.submit': command(returns<AccountView>(), {
    id: registrationIdSchema,
    values: formValuesSchema,
    rememberPassword: z.boolean().default(true),
    label: labelSchema.optional(),
    color: colorSchema.optional(),
  }),
  'registration.cancel': command(returns<null>(), { id: registrationIdSchema }),
  /**
   * A CAPTCHA's picture (XEP-0158) the server sent with the registration form as bits of binary, by
   * its `cid:` address: a data URL of a PNG, JPEG, GIF or WebP (checked from its bytes), or null.
   */
  'registration.media': command(returns<{ mime: string; dataUrl: string } | null>(), {
    id: registrationIdSchema,
    uri: z.string().max(2048).startsWith('cid:'),
  }),
  /** Changes the account's password on the server (XEP-0077), then the one Jabberwock keeps; reconnects with it. */
  'account.changePassword': command(returns<AccountView>(), { id: accountIdSchema, password: passwordSchema }),
  /** Deletes the account on the server (XEP-0077), then here. */
  'account.deleteOnServer': command(returns<null>(), { id: accountIdSchema }),
  /** What an entity (or one of its nodes) is and offers (disco#info); only its own answer counts. */
  'disco.info': command(returns<DiscoInfoView>(), { ...onAddress, node: discoNodeSchema.optional() }),
  /** What an entity (or one of its nodes) lists (disco#items). */
  'disco.items': command(returns<DiscoItemsView>(), { ...onAddress, node: discoNodeSchema.optional() }),
  /** The ad-hoc commands (XEP-0050) an entity offers us. */
  'adhoc.list': command(returns<AdhocCommandView[]>(), onAddress),
  /** Runs an ad-hoc command: its first step (a form, notes, or done). */
  'adhoc.execute': command(returns<AdhocStepView>(), { ...onAddress, node: discoNodeSchema }),
  /** The next step of a running command: the form's values with next, prev, complete (or execute: the default). */
  'adhoc.continue': command(returns<AdhocStepView>(), {
    ...onAccount,
    sessionId: adhocSessionIdSchema,
    action: z.enum(['execute', 'next', 'prev', 'complete']),
    values: formValuesSchema.default({}),
  }),
  'adhoc.cancel': command(returns<null>(), { ...onAccount, sessionId: adhocSessionIdSchema }),
  /** The software behind an address (XEP-0092), asked when the user opens it. */
  'entity.version': command(returns<SoftwareVersionView>(), onAddress),
  /** Last activity (XEP-0012): offline since (account), idle for (client), up for (server). */
  'entity.lastActivity': command(returns<LastActivityView>(), onAddress),
  /** An entity's local time (XEP-0202). */
  'entity.time': command(returns<EntityTimeView>(), onAddress),
  /** Starts or stops recording the account's stanzas for the XML console; answers with what is recorded. */
  'console.setCapture': command(returns<ConsoleView>(), { ...onAccount, capture: z.boolean() }),
  'console.clear': command(returns<null>(), onAccount),
  /** Sends one raw stanza (iq, message or presence), checked as XML first. */
  'console.send': command(returns<null>(), {
    ...onAccount,
    xml: z.string().min(1).max(CONSOLE_STANZA_MAX, 'check.consoleStanzaTooLong'),
  }),
  /** Reads an `xmpp:` link a page was opened with (the bridge's ?xmpp= parameter), as the OS hand-over would. */
  'uri.open': command(returns<XmppUriResult>(), { uri: z.string().max(XMPP_URI_MAX) }),
  /** A contact's (or our own account's) profile, read from their vCard now. */
  'profile.get': command(returns<ProfileView>(), onContact),
  /** Replaces our own profile (vCard, and our nickname through XEP-0172); the photo stays. */
  'profile.setOwn': command(returns<ProfileView>(), { ...onAccount, profile: profileSchema }),
  /**
   * Publishes a staged picture as our avatar (XEP-0084, and the vCard photo for XEP-0153), or removes
   * it (null). The picture is checked like any avatar (type from the bytes, size, dimensions).
   */
  'avatar.setOwn': command(returns<IdentityView>(), { ...onAccount, file: transferIdSchema.nullable() }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What the renderer sends (before defaults and transforms are applied). */
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
/** What main receives after validation. */
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = Commands[K]['output'];

export const commandNames = Object.keys(commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

/**
 * A zod issue as errors carry it: the path, zod's code and its parameters (minimum, maximum, origin,
 * format, keys, …; plain values only), and the schema's own check code ('check.nickEmpty') when it
 * named one. zod's default messages are English sentences and are left out: the core sends codes
 * only, and the renderer words them (lib/words/input.ts) in the user's language.
 */
export function inputIssue(issue: z.core.$ZodIssue): InputIssue {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(issue)) {
    if (['code', 'path', 'message', 'input', 'inst', 'errors'].includes(key)) continue;
    if (typeof value === 'bigint') params[key] = String(value);
    else if (isPlain(value) || (Array.isArray(value) && value.every(isPlain))) params[key] = value;
  }
  return {
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    code: issue.code,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(isCheckCode(issue.message) ? { message: issue.message } : {}),
  };
}

/** The schemas' own messages are codes ('check.*', worded by the renderer), never sentences. */
function isCheckCode(message: string): boolean {
  return /^check\.[A-Za-z]+$/.test(message);
}

function isPlain(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** What both shells expose to the renderer (window.jabberwock in Electron). */
export interface JabberwockApi {
  invoke<K extends CommandName>(command: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  /** Registers the single batch listener; returns a function that removes it. */
  onEvents(listener: (batch: EventBatch) => void): () => void;
  /** The OS's language (Electron's app.getLocale(), e.g. 'de-DE'); absent where the page asks its browser. */
  readonly locale?: string;
}

export { IPC_EVENTS, IPC_INVOKE, LOCALE_ARGUMENT, LOCALE_TAG } from './ipc-channels';
export type {
  ConversationEncryptionView,
  EncryptionDevicesView,
  EncryptionDeviceView,
  EncryptionFailure,
  LinkVerification,
  MessageEncryption,
  TrustState,
  UndecryptableReason,
} from './encryption';
