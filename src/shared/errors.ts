/**
 * What the core reports when something fails, as codes and parameters: the renderer words them
 * (src/renderer/src/lib/words/), so no sentence of the core crosses to the renderer and a later
 * translation only replaces those words.
 *
 * An error is `{ code, reason, params?, field? }`: `code` is the small set the UI reacts to (ErrorCode),
 * `reason` a stable dotted name of what happened (`muc.nickInUse`), `params` what the words need
 * (`{ nick, suggestedNick }`), `field` the input field it concerns, if one. The same shape without a
 * `code` says why a connection failed (ConnectionFailure). A room's notices are records of the same
 * kind (RoomNotice). Text a server or a person sent (a room's reason, a server's error text) stays
 * as it came, in `params`; it is data, never our words.
 */

import type { FormIssue, FormProblem } from './forms';
import type { EncryptFailureReason, EncryptionFailure } from './encryption';

/** The small set of error codes the UI knows how to react to. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_connected'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'timeout'
  | 'untrusted_sender'
  /** The data could not be saved (disk full, I/O error, …): nothing was half-saved. */
  | 'storage'
  | 'internal';

/** Why a store write failed: the disk is full, it reported an I/O error, the file is read-only, locked or damaged. */
export type StoreFailure = 'full' | 'io' | 'readonly' | 'busy' | 'corrupt' | 'other';

/** A room member's standing, as XEP-0045 names it. */
export type MucAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

type None = Record<never, never>;

/**
 * Where a command's input was refused: the path into the input, zod's issue code and zod's
 * parameters for it (minimum, maximum, origin, format, …). The core sends no text: `message` is
 * the schema's own check code, which the renderer words.
 */
export interface InputIssue {
  path: (string | number)[];
  code: string;
  params?: Record<string, unknown>;
  /** The contract schema's check code for this issue ('check.nickEmpty'), when it named one. */
  message?: string;
}

/** What a request to the server was for (the words name it: "the room list", "the bookmark for …"). */
export type RequestAction =
  | 'roster.change'
  | 'roster.removal'
  | 'roster.rename'
  | 'muc.roomList'
  | 'muc.change'
  | 'muc.readList'
  | 'subscription.block'
  | 'bookmark.save'
  | 'bookmark.removal'
  | 'profile.read'
  | 'profile.save'
  | 'avatar.publish'
  | ControlRequestAction;

/** Requests of control and discovery (lib/words/control.ts names them). */
export type ControlRequestAction =
  | 'room.configuration'
  | 'room.configure'
  | 'room.destroy'
  | 'room.info'
  | 'blocking.list'
  | 'blocking.block'
  | 'blocking.unblock'
  | 'registration.form'
  | 'registration.submit'
  | 'registration.passwordChange'
  | 'registration.removal'
  | 'disco.info'
  | 'disco.items'
  | 'adhoc.list'
  | 'adhoc.execute'
  | 'entity.version'
  | 'entity.lastActivity'
  | 'entity.time';

export interface RequestParams {
  action: RequestAction;
  /** With the bookmark actions: the room. */
  room?: string;
}

/** What the room said with a refusal (its <text/>, capped), or null. */
export interface RoomSaid {
  text: string | null;
}

/** A removal from a room (XEP-0045 status codes): by whom and why, as the room told it. */
export interface RoomRemoval {
  /** Who was removed; null when it was us. */
  nick: string | null;
  actor: string | null;
  reason: string | null;
}

/** A room's destruction as its owner told it (both capped). */
export interface RoomDestroyed {
  reason: string | null;
  /** The room to go to instead (a bare room JID), if the owner named one. */
  venue: string | null;
}

/** The removals, by status code: 301 banned, 307 kicked, 321 affiliation, 322 members-only, 332 shutdown, 333 technical. */
export type RoomRemovalCode =
  | 'muc.banned'
  | 'muc.kicked'
  | 'muc.removedAffiliation'
  | 'muc.removedMembersOnly'
  | 'muc.removedShutdown'
  | 'muc.removedTechnical';

/** What the HTTPS transfer of a file or picture said: the status, the sizes in bytes, where they apply. */
export interface HttpParams {
  status?: number;
  size?: number;
  limit?: number;
}

/**
 * Why a transfer failed or waits (TransferView.error), and why an upload, a download or a preview
 * was refused; these are error reasons too.
 */
export interface TransferParams {
  /** The server has no upload service. */
  'upload.unavailable': None;
  /** The file is larger than the service takes (`size` when known). */
  'upload.tooLarge': { size?: number; limit: number };
  /** The upload service said no. */
  'upload.refused': { condition: string };
  /** The upload service's answer was unusable. */
  'upload.badSlot': None;
  'upload.timeout': None;
  /** The account is not connected: an upload waits for it. */
  'upload.offline': None;
  /** A picture would leave with its metadata (too large to rewrite, or not readable as its kind): asked first. */
  'upload.metadataStays': { why: 'tooLarge' | 'unreadable'; limit: number };
  'http.insecureUrl': HttpParams;
  'http.redirect': HttpParams;
  'http.status': HttpParams;
  'http.tooLarge': HttpParams;
  'http.truncated': HttpParams;
  'http.timeout': HttpParams;
  'http.cancelled': HttpParams;
  'http.network': HttpParams;
  /** The file to upload cannot be read (`errno` when the system said why). */
  'file.unreadable': { errno?: string };
  /** The file to upload changed since it was chosen. */
  'file.changed': None;
  /** The download folder could not be written. */
  'file.write': { errno?: string };
  /** The message carrying the uploaded file could not be stored. */
  'file.messageNotStored': { code: ErrorCode };
  /** An encrypted file's address (aesgcm:) carries no usable key and IV. */
  'file.encryptedKey': None;
  /** An encrypted file ended before its authentication tag. */
  'file.encryptedShort': None;
  /** An encrypted file's tag does not verify: it was changed on the way, or the key is wrong. Nothing was kept. */
  'file.encryptedTag': None;
  'transfer.internal': None;
}

/** Why a picture or video was not kept (the media store's limits). */
export interface MediaParams {
  'media.type': None;
  'media.tooLarge': None;
  'media.dimensions': None;
  'media.unknownDimensions': None;
  'media.hashMismatch': None;
  'media.io': None;
  'media.internal': None;
}

export type TransferReason = keyof TransferParams;
export type TransferError = Reasoned<TransferParams>;
export type HttpReason = Extract<TransferReason, `http.${string}`>;

/**
 * Control and discovery: data forms, the block list, the account on the server (XEP-0077),
 * service discovery and ad-hoc commands, the XML console.
 */
export interface ControlParams {
  /** What the user entered does not fit the form: one issue per field (the form shows each at its field). */
  'form.invalid': { issues: FormIssue[] };
  /** The entity sent a form Jabberwock cannot show. */
  'form.unusable': { problem: FormProblem };
  'blocking.unsupported': None;
  'blocking.notConnected': None;
  /** The connection for a registration failed (the account's connection words, and the certificate if it was the problem). */
  'registration.connectFailed': {
    connection: Reasoned<ConnectionParams>;
    certificate: { fingerprint256: string; problem: CertificateProblem } | null;
  };
  /** The server's answer held no registration form. */
  'registration.malformed': None;
  /** The server's registration form has nothing Jabberwock can fill in. */
  'registration.formUnsupported': None;
  /** The server registers accounts on a web page only (XEP-0077 with jabber:x:oob). */
  'registration.web': { url: string };
  /** The registration was canceled, timed out or replaced. */
  'registration.gone': None;
  /** The username would not make an account address (field: username). */
  'registration.usernameInvalid': None;
  /** Changing the password asks for more than the new password (a form). */
  'registration.formRequired': None;
  'registration.notConnected': None;
  'disco.notConnected': None;
  /** The answer to a request could not be read. */
  'disco.malformed': { action: ControlRequestAction };
  'adhoc.notConnected': None;
  /** The command ended, timed out or its account went offline. */
  'adhoc.gone': None;
  /** The command's answer was for another command or session. */
  'adhoc.mismatch': None;
  'adhoc.actionNotAllowed': { action: string };
  'console.notConnected': None;
  /** The connection dropped before the stanza was sent. */
  'console.notSent': None;
  /** What was typed is not one stanza the console may send. */
  'console.xmlMalformed': None;
  'console.xmlRestricted': None;
  'console.xmlNotOne': None;
  'console.xmlNotStanza': None;
  'console.xmlNamespace': None;
  'console.xmlIqType': None;
}

/** Every reason a command can fail for, with the parameters its words need. */
export interface ErrorParams extends TransferParams, MediaParams, ControlParams {
  'app.unknownCommand': None;
  /** The core failed unexpectedly (the details are in the log). */
  'app.unexpected': None;
  /** The Electron shell failed to carry the command. */
  'app.ipcFailed': None;
  /** The browser bridge failed to carry the command. */
  'app.bridgeFailed': None;
  'app.untrustedSender': None;
  /** The renderer's link to the core went down while the command was on its way (the browser bridge). */
  'app.linkLost': None;
  /** The renderer's link to the core is down (the browser bridge reconnects by itself). */
  'app.linkDown': None;
  'app.closing': None;
  'app.noticeGone': None;
  'input.invalid': { issues: InputIssue[] };
  'store.writeFailed': { failure: StoreFailure };
  /** A request got no answer in time; it may have been saved after all. */
  'request.timeout': RequestParams;
  /** The server refused a request with this condition (RFC 6120 §8.3) and maybe its own text. */
  'request.refused': RequestParams & { condition: string | null; text: string | null };
  /** The connection dropped before the server answered. */
  'request.dropped': RequestParams;

  'account.notFound': None;
  'account.exists': { jid: string };
  'account.jidTaken': { jid: string };
  'account.disabled': None;
  'account.passwordMissing': None;
  'account.certificateNotPresented': None;
  'account.certificateNotPinned': None;

  'presence.invalidAddress': None;
  'presence.notOnline': None;
  'presence.notSent': None;

  'roster.notConnected': None;
  /** A group rename changed some contacts, then failed for `cause`. */
  'roster.renamePartial': { changed: number; total: number; cause: AppError };

  'subscription.notConnected': None;
  'subscription.noBlocking': None;
  'subscription.requestGone': None;
  'subscription.answerNotSent': None;
  /** The request was refused, but blocking its sender failed for `cause`. */
  'subscription.notBlocked': { cause: AppError };
  'subscription.ownAddress': None;
  'subscription.requestNotSent': None;
  'subscription.changeNotSent': None;

  'bookmark.notConnected': None;
  /** Reading or changing a profile or avatar needs the account connected. */
  'profile.notConnected': None;
  'bookmark.notReadYet': None;
  'bookmark.unsupported': None;
  'bookmark.notFound': { room: string };

  'muc.notConnected': None;
  'muc.notInRoom': None;
  'muc.accountRemoved': None;
  'muc.joinTimeout': None;
  'muc.joinNotSent': None;
  'muc.left': None;
  'muc.nickChangePending': None;
  'muc.nickTimeout': None;
  'muc.nickNotSent': None;
  'muc.subjectNotSent': None;
  'muc.inviteNotSent': None;
  'muc.inviteGone': None;
  /** Configuring a room whose form was not read (or was read for another room). */
  'muc.configurationGone': None;
  'muc.voiceNotSent': None;
  'muc.voiceRequestGone': None;
  /** The room was destroyed (XEP-0045 §10.9): why, and the room its owner named instead. */
  'muc.destroyed': RoomDestroyed;
  /** An affiliation by nick, but the room does not show the occupant's address. */
  'muc.addressHidden': { nick: string };
  // A join (or nick change) refused (XEP-0045 §7.2.6–§7.2.11):
  'muc.nickInUse': { nick: string; suggestedNick: string };
  'muc.passwordRequired': RoomSaid;
  'muc.membersOnly': RoomSaid;
  'muc.joinBanned': RoomSaid;
  'muc.noSuchRoom': RoomSaid;
  'muc.cannotCreate': RoomSaid;
  'muc.nickRefused': RoomSaid & { nick: string };
  'muc.unavailable': RoomSaid;
  'muc.unreachable': RoomSaid;
  'muc.refused': RoomSaid & { condition: string | null };
  // We were removed while joining or in the room:
  'muc.banned': RoomRemoval;
  'muc.kicked': RoomRemoval;
  'muc.removedAffiliation': RoomRemoval;
  'muc.removedMembersOnly': RoomRemoval;
  'muc.removedShutdown': RoomRemoval;
  'muc.removedTechnical': RoomRemoval;

  'chat.invalidAddress': None;
  'chat.notAnAddress': None;
  'chat.notStored': None;
  'chat.notYours': None;
  'chat.correctOffline': None;
  'chat.correctionNotSent': None;
  'chat.messageGone': None;
  'chat.noSuchMessage': None;

  /** Replies, reactions, retractions and moderation (XEP-0461, 0444, 0424, 0425). */
  'replies.offline': None;
  'replies.notSent': None;
  /** The message has no id others know it by (e.g. a room message whose stanza-id the room never gave). */
  'replies.noReference': None;
  /** Only our own messages can be taken back. */
  'replies.notOwn': None;
  /** Moderation is for room messages, by a moderator. */
  'replies.notModerator': None;
  /** The room refused the moderation, or does not offer it. */
  'replies.moderationRefused': { condition: string | null };
  /** Older history from the server's archive: offline, no answer in time, or refused with a condition. */
  'history.offline': None;
  'history.timeout': None;
  'history.refused': { condition: string };

  /** The staged file is gone (sent, cleared, or from an earlier run). */
  'upload.fileGone': None;
  'upload.alreadySending': None;
  'upload.notConnected': None;
  /** The server did not say in time whether it offers file upload. */
  'upload.noAnswer': None;
  /** No file dialog in this shell (the browser bridge): drop or paste instead. */
  'upload.noDialog': None;
  /** The renderer could not hand a dropped or pasted file to the core (its own origin's staging route). */
  'upload.stageFailed': None;
  'upload.stageTooLarge': None;
  'upload.stageRefused': None;
  'transfer.notFound': None;
  'transfer.stillRunning': None;
  'file.notShared': None;
  /** A downloaded file could not be handed to the system (gone, no program for it, or no way to open files here). */
  'file.cannotOpen': None;

  /** End-to-end encryption is for one-to-one chats (not rooms or private messages in rooms). */
  'encryption.chatOnly': None;
  /** The account's encryption has not started (it was never online in this run). */
  'encryption.unavailable': None;
  /** No device of that JID has this fingerprint. */
  'encryption.unknownDevice': None;
  /** Only a message that failed because it could not be encrypted can be sent without. */
  'encryption.notEncrypted': None;
  /** A correction of an encrypted message could not be encrypted (it is never sent in the clear). */
  'encryption.notSent': { reason: EncryptFailureReason };
  /** An encrypted file's address carries its key: it is never sent in the clear. */
  'encryption.fileKeyInClear': None;
  /** A verification link (xmpp: with fingerprints) that cannot be read (`problem` names what is wrong). */
  'encryption.badLink': { problem: string };
  /** A verification link for someone else than the contact it was pasted for. */
  'encryption.linkForOther': { jid: string };

  'spellcheck.unavailable': None;
  'spellcheck.noDictionary': { language: string };
}

/** `{ reason, params }` for each reason of a table; `params` only where the reason has some. */
export type Reasoned<Table> = {
  [R in keyof Table]: keyof Table[R] extends never
    ? { reason: R; params?: undefined }
    : { reason: R; params: Table[R] };
}[keyof Table];

/** The arguments after the reason: its params, or none. */
export type ParamsArg<Table, R extends keyof Table> = keyof Table[R] extends never ? [] : [params: Table[R]];

export type ErrorReason = keyof ErrorParams;

export type AppError = { code: ErrorCode; field?: string } & Reasoned<ErrorParams>;

/** The AppError of one reason. */
export type AppErrorOf<R extends ErrorReason> = Extract<AppError, { reason: R }>;

/** The reasons of one domain, by prefix: DomainReason<'muc'>. */
export type DomainReason<D extends string> = Extract<ErrorReason, `${D}.${string}`>;

// ---------- connections ----------

/** The SASL conditions that mean the account or its password was refused (RFC 6120 §6.5). */
export type AuthCondition =
  | 'not-authorized'
  | 'account-disabled'
  | 'credentials-expired'
  | 'invalid-authzid'
  | 'encryption-required'
  | 'mechanism-too-weak'
  | 'invalid-mechanism';

/** Socket errors that mean the server cannot be reached now. */
export type UnreachableCode =
  | 'ECONNREFUSED'
  | 'ENOTFOUND'
  | 'EAI_AGAIN'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'ENETDOWN'
  | 'ECONNRESET'
  | 'EPIPE'
  | 'ECONNABORTED';

/** What the stream guard refused. */
export type RefusedConstruct =
  | 'doctype'
  | 'entity-declaration'
  | 'comment'
  | 'processing-instruction'
  | 'entity-reference'
  | 'invalid-utf8'
  | 'illegal-character'
  | 'duplicate-attribute'
  | 'mismatched-end-tag'
  | 'malformed'
  | 'stanza-size'
  | 'stanza-depth'
  | 'roster-item-size'
  | 'roster-items';

/** Why a connection failed, with what the words need. */
export interface ConnectionParams {
  'connection.authRefused': { condition: AuthCondition };
  'connection.authTemporary': None;
  'connection.noMechanism': None;
  'connection.authFailed': { condition: string | null };
  'connection.accountRefused': None;
  /** Another client signed in with our resource (stream conflict). */
  'connection.resourceTaken': None;
  /** The server refused our resource while binding (stanza conflict). */
  'connection.resourceInUse': None;
  'connection.policyViolation': None;
  'connection.serverShutdown': None;
  'connection.redirected': None;
  'connection.hostUnknown': None;
  'connection.streamError': { condition: string | null };
  'connection.unreachable': { code: UnreachableCode };
  'connection.timeout': None;
  'connection.malformedXml': None;
  'connection.tlsFailed': None;
  'connection.requestRefused': { condition: string | null };
  /** Anything else; `detail` is the error's own message (from Node or a library), if any. */
  'connection.failed': { detail: string | null };
  /** The stream guard ended the stream; `detail` is the code point or the limit crossed. */
  'connection.streamViolation': {
    construct: RefusedConstruct;
    condition: 'restricted-xml' | 'not-well-formed' | 'policy-violation';
    detail: number;
  };
  'connection.stoppedAnswering': None;
  'connection.badAck': None;
  'connection.tlsUnavailable': None;
  'connection.starttlsFailed': None;
  'connection.certificateUnverified': None;
  /** The TLS handshake failed; `detail` is Node's message. */
  'connection.tlsError': { detail: string };
  'connection.pinnedChanged': None;
  'connection.pinnedUsed': None;
  'connection.certificateCode': { code: string | null };
  /** Not trusted (the certificate, with its problem, goes with the error). */
  'connection.certificateNotTrusted': None;
  /** Not the certificate the user trusted before. */
  'connection.certificateChanged': None;
  'connection.scramChallenge': None;
  'connection.scramMismatch': None;
  'connection.closed': None;
  'connection.signInTimeout': None;
  'connection.signInStalled': None;
  'connection.lost': None;
  'connection.needsPassword': { jid: string };
}

export type ConnectionReason = keyof ConnectionParams;

/** Why a certificate was not trusted: the TLS error code, the domain it had to be for, its validity as presented. */
export interface CertificateProblem {
  code: string | null;
  domain: string;
  /** The certificate's validity as the TLS layer gives it (e.g. "Jan  1 00:00:00 2030 GMT"); null when absent. */
  notBefore: string | null;
  notAfter: string | null;
}

// ---------- room notices ----------

/** What happened in a room (status codes, moderation, subject), as a record the renderer words. */
export type RoomNotice =
  | ({ code: RoomRemovalCode } & RoomRemoval)
  /** The room gave us another nick than we asked for (210). */
  | { code: 'muc.nickAssigned'; nick: string }
  | { code: 'muc.selfRenamed'; nick: string }
  | { code: 'muc.renamed'; from: string; to: string }
  /** A technical removal (333): joining again once. */
  | { code: 'muc.rejoining' }
  /** A self-ping (XEP-0410) found that the room no longer counted us in: joining again. */
  | { code: 'muc.selfPingRejoining' }
  | { code: 'muc.moderatorGranted' | 'muc.moderatorRevoked' | 'muc.voiceGranted' | 'muc.voiceRevoked'; nick: string }
  | { code: 'muc.affiliationChanged'; nick: string; affiliation: MucAffiliation }
  | { code: 'muc.subjectChanged' | 'muc.subjectCleared'; nick: string }
  /** A room created for us: it took the default configuration, or refused it. */
  | { code: 'muc.created' | 'muc.createdUnconfigured' }
  /** The room was destroyed; occupants may follow the venue. */
  | ({ code: 'muc.destroyed' } & RoomDestroyed)
  /** We asked for voice; the moderators decide. */
  | { code: 'muc.voiceRequested' }
  /** A room created for us was configured with the form, or with the default. */
  | { code: 'muc.configured' };

/**
 * A message the server refused (an error reply): its condition and its text, if any; or one that
 * had to be encrypted and could not be (then `encryption` says why, and condition and text are null).
 */
export interface DeliveryError {
  condition: string | null;
  text: string | null;
  encryption?: EncryptionFailure;
}
