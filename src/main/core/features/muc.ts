/**
 * Group chat (XEP-0045): joining, leaving, nick changes, occupants by (room, nick) with
 * role and affiliation, status codes, moderation, subject, invitations.
 *
 * - Only presence whose bare `from` is a room we are in (or joining) is read as room presence, and
 *   only then are status codes believed; everything else (a 110 from a stranger) goes on to the
 *   presence feature, which drops MUC presence. Room presence never touches roster presence.
 * - A join completes on self-presence (status 110), which comes after every other occupant. Each
 *   room answers its own join, so autojoined rooms become usable one by one.
 * - Occupant changes are marked per room and sent once per flush (EventBus.emitLazy): a
 *   5,000-occupant join is a handful of events, not 5,000.
 * - After a new session (not a resumed stream) every room we were in is joined again; 333
 *   (technical removal) rejoins once.
 */
import { bareJid, domainOf, jidOf } from '../../../shared/jid';
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import {
  MUC_NICK_MAX,
  MUC_SUBJECT_MAX,
  type AffiliationEntryView,
  type MucAffiliation,
  type MucRole,
  type OccupantView,
  type ParsedInput,
  type RoomErrorKind,
  type RoomInviteView,
  type RoomListingView,
  type RoomNoticeView,
  type RoomView,
} from '../../../shared/contract';
import { parseShow, type Show } from '../../../shared/presence';
import { fail, ok, type ErrorCode, type Result } from '../../../shared/result';
import type { AccountLifecycleListener, AccountManager } from '../accounts/account-manager';
import type { SessionOnline } from '../accounts/session-api';
import type { EventBus } from '../events';
import { rateLimited, type Logger, type RateLimitedLogger } from '../log';
import { normalizeBareJid, normalizeJid } from '../../../shared/jid';
import { capText } from '../util/text';
import { requestError } from '../util/stanza-errors';
import { NS_DATA, NS_DISCO_ITEMS, NS_MUC, NS_MUC_ADMIN, NS_MUC_OWNER, NS_MUC_USER, NS_STANZAS } from '../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../xmpp/timeouts';
import { InvitationLimiter, readInvitation, type Invitation } from './muc-invitations';
import { background } from '../util/background';
import { onlineClient, type SessionXmpp } from '../accounts/client';

export const JOIN_TIMEOUT_MS = 30_000;
/** Notices kept per room (the latest). */
export const NOTICES_PER_ROOM = 50;
/** Pending invitations kept per account. */
export const INVITES_MAX = 100;
/** A nick longer than this many bytes is not a valid resourcepart (RFC 7622): the occupant is ignored. */
const NICK_BYTES_MAX = 1023;

const ROLES: ReadonlySet<string> = new Set<MucRole>(['moderator', 'participant', 'visitor', 'none']);
const AFFILIATIONS: ReadonlySet<string> = new Set<MucAffiliation>(['owner', 'admin', 'member', 'outcast', 'none']);

interface Occupant {
  nick: string;
  role: MucRole;
  affiliation: MucAffiliation;
  jid: string | null;
  show: Show;
  status: string | null;
  view: OccupantView | null;
}

interface PendingJoin {
  resolve(result: Result<RoomView>): void;
  timer: ReturnType<typeof setTimeout>;
}

interface PendingNick {
  nick: string;
  resolve(result: Result<null>): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Room {
  accountId: string;
  room: string;
  nick: string;
  password: string | null;
  state: RoomView['state'];
  subject: string | null;
  subjectBy: string | null;
  role: MucRole;
  affiliation: MucAffiliation;
  nonAnonymous: boolean;
  error: RoomView['error'];
  occupants: Map<string, Occupant>;
  /** Nicks changed or left since the last flush. */
  changed: Set<string>;
  left: Set<string>;
  notices: RoomNoticeView[];
  joins: PendingJoin[];
  nickChange: PendingNick | null;
  /** 333 rejoins once; reset by a successful join. */
  rejoinedAfter333: boolean;
  /** A join presence is out in this session and unanswered: a second join command waits for it. */
  joinSent: boolean;
  view: RoomView | null;
}

interface AccountRooms {
  accountId: string;
  xmpp: SessionXmpp | null;
  /** Our show and status, sent to every room we are in (XEP-0045 §7.7). */
  own: { show: Show; status: string | null };
  rooms: Map<string, Room>;
  invites: Map<string, RoomInviteView & { password: string | null }>;
  /** MUC services the user browsed (their rooms' invitations count). */
  browsed: Set<string>;
}

export interface MucOptions {
  bus: EventBus;
  accounts: Pick<AccountManager, 'list'>;
  log: Logger;
  now?: () => number;
  /** Rooms the account has bookmarked (their services count as MUC services we know). */
  bookmarkedRooms?: (accountId: string) => Iterable<string>;
  inRoster?: (accountId: string, bare: string) => boolean;
}

export class MucService implements AccountLifecycleListener {
  private readonly bus: EventBus;
  private readonly accountManager: Pick<AccountManager, 'list'>;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly accounts = new Map<string, AccountRooms>();
  private readonly joinedListeners = new Set<(accountId: string, room: string) => void>();
  private readonly floodLog: RateLimitedLogger;
  private readonly invitePrompts: InvitationLimiter;

  constructor(private readonly options: MucOptions) {
    this.bus = options.bus;
    this.accountManager = options.accounts;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.floodLog = rateLimited(options.log, { now: this.now });
    this.invitePrompts = new InvitationLimiter(this.now);
  }

  /** Called each time a room finishes joining (first join, or again after a new session). */
  onJoined(listener: (accountId: string, room: string) => void): () => void {
    this.joinedListeners.add(listener);
    return () => this.joinedListeners.delete(listener);
  }

  // ---------- views ----------

  rooms(): RoomView[] {
    const all: RoomView[] = [];
    for (const account of this.accounts.values()) for (const room of account.rooms.values()) all.push(this.view(room));
    return all;
  }

  occupants(): OccupantView[] {
    const all: OccupantView[] = [];
    for (const account of this.accounts.values()) {
      for (const room of account.rooms.values()) {
        for (const occupant of room.occupants.values()) all.push(this.occupantView(room, occupant));
      }
    }
    return all;
  }

  notices(): RoomNoticeView[] {
    const all: RoomNoticeView[] = [];
    for (const account of this.accounts.values()) for (const room of account.rooms.values()) all.push(...room.notices);
    return all;
  }

  invites(): RoomInviteView[] {
    const all: RoomInviteView[] = [];
    for (const account of this.accounts.values()) {
      for (const { password: _password, ...invite } of account.invites.values()) all.push(invite);
    }
    return all;
  }

  /** True when `bare` is a room of the account (joined, joining, or left but still shown). */
  isRoom(accountId: string, bare: string): boolean {
    return this.accounts.get(accountId)?.rooms.has(bare) ?? false;
  }

  /** Our nick in a room we are in (joined), else null. */
  joinedNick(accountId: string, room: string): string | null {
    const found = this.accounts.get(accountId)?.rooms.get(room);
    return found?.state === 'joined' ? found.nick : null;
  }

  room(accountId: string, room: string): RoomView | null {
    const found = this.accounts.get(accountId)?.rooms.get(room);
    return found ? this.view(found) : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    xmpp.middleware.use((ctx, next) => {
      const stanza = ctx.stanza;
      if (stanza.name === 'presence') return this.onPresence(accountId, stanza) ? undefined : next();
      if (stanza.name === 'message') return this.onMessage(accountId, stanza) ? undefined : next();
      return next();
    });
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.account(accountId);
    account.xmpp = online.xmpp;
    if (online.resumed) return;
    // A new session is in no room: join again every room we were in or joining.
    for (const room of account.rooms.values()) {
      if (room.state === 'joined' || room.state === 'joining')
        background(this.sendJoin(account, room), this.log, 'join');
    }
  }

  onOffline(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.xmpp = null;
    for (const room of account.rooms.values()) {
      if (room.state !== 'joined' && room.state !== 'joining') continue;
      // Rejoined on the next session; until then what we knew of the occupants is stale.
      room.state = 'joining';
      room.joinSent = false;
      this.clearOccupants(room);
      this.changedRoom(room);
    }
  }

  onRemoved(accountId: string): void {
    this.invitePrompts.forgetAccount(accountId);
    const account = this.accounts.get(accountId);
    if (!account) return;
    for (const room of account.rooms.values()) this.settle(room, fail('not_found', 'The account was removed.'));
    this.accounts.delete(accountId);
  }

  close(): void {
    for (const account of this.accounts.values()) {
      for (const room of account.rooms.values()) this.settle(room, fail('not_connected', 'Jabberwock is closing.'));
    }
  }

  /** Our presence on the account changed: rooms we are in hear it too (offline is handled by the session). */
  ownPresenceChanged(accountId: string, show: Show | 'offline', status: string | null): void {
    if (show === 'offline') return;
    const account = this.account(accountId);
    if (account.own.show === show && account.own.status === status) return;
    account.own = { show, status };
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return;
    for (const room of account.rooms.values()) {
      if (room.state !== 'joined') continue;
      void xmpp.send(xml('presence', { to: jidOf(room.room, room.nick) }, ...ownChildren(account.own))).catch(() => {});
    }
  }

  // ---------- incoming presence ----------

  /** Returns true when the presence was a room's (consumed). */
  private onPresence(accountId: string, stanza: Element): boolean {
    const account = this.accounts.get(accountId);
    const from = stanza.attrs.from;
    if (!account || typeof from !== 'string') return false;
    const slash = from.indexOf('/');
    const bare = normalizeBareJid(slash === -1 ? from : from.slice(0, slash));
    const room = bare === null ? undefined : account.rooms.get(bare);
    if (!room) return false;
    // A room we left (or could not enter) still shows, but what it sends now is not ours to apply.
    if (room.state === 'left' || room.state === 'error') return true;
    const nick = slash === -1 ? null : from.slice(slash + 1);
    try {
      if (stanza.attrs.type === 'error') this.onError(room, nick, stanza);
      else if (nick !== null) this.onOccupantPresence(account, room, nick, stanza);
    } catch (error) {
      this.log.error('room presence could not be handled', { room: room.room, error });
    }
    return true;
  }

  private onError(room: Room, nick: string | null, stanza: Element): void {
    const error = stanza.getChild('error');
    const condition = error?.children.find(
      (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_STANZAS,
    )?.name;
    const text = error?.getChildText('text', NS_STANZAS) ?? null;
    if (room.nickChange && nick === room.nickChange.nick) {
      const change = room.nickChange;
      room.nickChange = null;
      clearTimeout(change.timer);
      const described = describeJoinError(condition, text, change.nick);
      change.resolve(fail(described.code, described.message));
      return;
    }
    if (room.state !== 'joining') {
      this.floodLog.info('muc.room-error', 'error from a room we are in', { room: room.room, condition });
      return;
    }
    const described = describeJoinError(condition, text, room.nick);
    room.state = 'error';
    room.error = {
      kind: described.kind,
      message: described.message,
      ...(described.suggestedNick ? { suggestedNick: described.suggestedNick } : {}),
    };
    this.clearOccupants(room);
    this.changedRoom(room);
    this.settle(room, fail(described.code, described.message));
  }

  private onOccupantPresence(account: AccountRooms, room: Room, rawNick: string, stanza: Element): void {
    if (Buffer.byteLength(rawNick) > NICK_BYTES_MAX) {
      this.floodLog.warn('muc.long-nick', 'occupant with an oversized nick ignored', {
        room: room.room,
        bytes: Buffer.byteLength(rawNick),
      });
      return;
    }
    const x = stanza.getChild('x', NS_MUC_USER);
    const codes = new Set((x?.getChildren('status') ?? []).map((s) => s.attrs.code as string));
    const item = x?.getChild('item');
    const rawRole: unknown = item?.attrs.role;
    const rawAffiliation: unknown = item?.attrs.affiliation;
    const role = typeof rawRole === 'string' && ROLES.has(rawRole) ? (rawRole as MucRole) : 'none';
    const affiliation =
      typeof rawAffiliation === 'string' && AFFILIATIONS.has(rawAffiliation)
        ? (rawAffiliation as MucAffiliation)
        : 'none';
    const self = codes.has('110');
    const reason = item?.getChildText('reason') ?? null;
    const actor = item?.getChild('actor')?.attrs.nick ?? null;

    if (stanza.attrs.type === 'unavailable') {
      const newNick = codes.has('303') ? item?.attrs.nick : undefined;
      if (typeof newNick === 'string' && newNick !== '') {
        this.renamed(room, rawNick, newNick, self);
        return;
      }
      if (self) {
        this.selfLeft(account, room, codes, reason, actor);
        return;
      }
      this.occupantLeft(room, rawNick, codes, reason, actor);
      return;
    }

    let occupant = room.occupants.get(rawNick);
    const jid = typeof item?.attrs.jid === 'string' ? normalizeJid(item.attrs.jid) : null;
    const status = stanza.getChildText('status');
    const fields = {
      role,
      affiliation,
      jid: jid ?? occupant?.jid ?? null,
      show: parseShow(stanza.getChildText('show')),
      status: status ? capText(status, 1024) : null,
    };
    if (occupant) {
      if (room.state === 'joined' && !self) this.roleNotices(room, occupant, fields.role, fields.affiliation);
      Object.assign(occupant, fields);
      occupant.view = null;
    } else {
      occupant = { nick: rawNick, ...fields, view: null };
      room.occupants.set(rawNick, occupant);
    }
    this.occupantChanged(room, rawNick);

    if (!self) return;
    if (codes.has('210') || rawNick !== room.nick) {
      if (room.state === 'joined') this.notice(room, `The room changed your nickname to ${rawNick}.`);
      if (room.occupants.has(room.nick) && room.nick !== rawNick) this.removeOccupant(room, room.nick);
      room.nick = rawNick;
    }
    room.role = role;
    room.affiliation = affiliation;
    if (codes.has('100') || codes.has('172')) room.nonAnonymous = true;
    if (codes.has('173')) room.nonAnonymous = false;
    if (room.state !== 'joined') {
      room.state = 'joined';
      room.error = null;
      room.rejoinedAfter333 = false;
      this.changedRoom(room);
      for (const listener of this.joinedListeners) listener(room.accountId, room.room);
      if (codes.has('201')) {
        // A new room stays locked to others until configured: answer the join once it is open.
        const setUp = this.acceptDefaultConfiguration(account, room).finally(() =>
          this.settle(room, ok(this.view(room))),
        );
        background(setUp, this.log, 'room setup');
      } else {
        this.settle(room, ok(this.view(room)));
      }
      return;
    }
    this.changedRoom(room);
  }

  private renamed(room: Room, from: string, to: string, self: boolean): void {
    if (Buffer.byteLength(to) > NICK_BYTES_MAX) return;
    const occupant = room.occupants.get(from);
    if (occupant) {
      this.removeOccupant(room, from);
      occupant.nick = to;
      occupant.view = null;
      room.occupants.set(to, occupant);
      this.occupantChanged(room, to);
    }
    if (self) {
      room.nick = to;
      if (room.nickChange) {
        clearTimeout(room.nickChange.timer);
        room.nickChange.resolve(ok(null));
        room.nickChange = null;
      }
      this.notice(room, `You are now known as ${to}.`);
      this.changedRoom(room);
    } else {
      this.notice(room, `${from} is now known as ${to}.`);
    }
  }

  private occupantLeft(
    room: Room,
    nick: string,
    codes: Set<string>,
    reason: string | null,
    actor: string | null,
  ): void {
    if (!room.occupants.has(nick)) return;
    this.removeOccupant(room, nick);
    const removal = removalText(codes, reason, actor);
    if (removal) this.notice(room, `${nick} ${removal.third}`);
    this.changedRoom(room);
  }

  private selfLeft(
    account: AccountRooms,
    room: Room,
    codes: Set<string>,
    reason: string | null,
    actor: string | null,
  ): void {
    this.clearOccupants(room);
    if (codes.has('333') && !room.rejoinedAfter333) {
      // A technical removal (XEP-0045 §9.9 / XEP-0410): try once to get back in.
      room.rejoinedAfter333 = true;
      this.notice(room, 'The room lost track of you; joining again.');
      room.state = 'joining';
      this.changedRoom(room);
      background(this.sendJoin(account, room), this.log, 'join');
      return;
    }
    const removal = removalText(codes, reason, actor);
    if (!removal) {
      // Not removed, and not our leave (that forgets the room): our unavailable broadcast as we go
      // offline. The room is joined again with the next session.
      room.state = 'joining';
      this.changedRoom(room);
      return;
    }
    room.state = 'left';
    room.role = 'none';
    room.error = { kind: removal.kind, message: `You ${removal.second}` };
    this.notice(room, `You ${removal.second}`);
    this.changedRoom(room);
    this.settle(room, fail('forbidden', room.error.message));
  }

  /** Lines for role and affiliation changes the way XEP-0045 §8–§10 describes them. */
  private roleNotices(room: Room, occupant: Occupant, role: MucRole, affiliation: MucAffiliation): void {
    if (occupant.role !== role) {
      if (role === 'moderator') this.notice(room, `${occupant.nick} is now a moderator.`);
      else if (occupant.role === 'moderator') this.notice(room, `${occupant.nick} is no longer a moderator.`);
      else if (role === 'visitor') this.notice(room, `${occupant.nick} can no longer speak (voice revoked).`);
      else if (role === 'participant' && occupant.role === 'visitor')
        this.notice(room, `${occupant.nick} can speak now (voice granted).`);
    }
    if (occupant.affiliation !== affiliation)
      this.notice(room, `${occupant.nick} is now ${affiliationWords(affiliation)}.`);
  }

  // ---------- incoming messages ----------

  /** Subjects and invitations; returns true when consumed. Room chat messages are the messaging feature's. */
  private onMessage(accountId: string, stanza: Element): boolean {
    const account = this.accounts.get(accountId);
    const from = stanza.attrs.from;
    if (!account || typeof from !== 'string') return false;
    const slash = from.indexOf('/');
    const bare = normalizeBareJid(slash === -1 ? from : from.slice(0, slash));
    if (bare === null) return false;

    const room = account.rooms.get(bare);
    if (room && stanza.attrs.type === 'groupchat' && stanza.getChild('subject') && !stanza.getChild('body')) {
      const subject = stanza.getChildText('subject') ?? '';
      room.subject = subject === '' ? null : capText(subject, MUC_SUBJECT_MAX);
      room.subjectBy = slash === -1 ? null : from.slice(slash + 1);
      if (room.state === 'joined' && room.subjectBy) {
        this.notice(
          room,
          room.subject ? `${room.subjectBy} changed the subject.` : `${room.subjectBy} cleared the subject.`,
        );
      }
      this.changedRoom(room);
      return true;
    }

    const read = readInvitation(stanza, {
      inOrJoining: (room) => ['joined', 'joining'].includes(account.rooms.get(room)?.state ?? ''),
      isMucService: (domain) => this.knownServices(account).has(domain),
      inRoster: (jid) => this.options.inRoster?.(accountId, jid) ?? false,
    });
    if (read.kind === 'refused') this.floodLog.warn(`invite.${read.why}`, `${read.why}; ignored`, { from: read.from });
    else if (read.kind === 'invitation') this.invited(account, read.invitation);
    return read.kind !== 'none';
  }

  /** Services of the rooms we have (in any state), have bookmarked, or browsed. */
  private knownServices(account: AccountRooms): Set<string> {
    const services = new Set(account.browsed);
    for (const room of account.rooms.keys()) services.add(domainOf(room));
    for (const room of this.options.bookmarkedRooms?.(account.accountId) ?? []) services.add(domainOf(room));
    return services;
  }

  private invited(account: AccountRooms, invite: Invitation): void {
    const room = account.rooms.get(invite.room);
    if (room && (room.state === 'joined' || room.state === 'joining')) return; // already there
    for (const existing of account.invites.values()) {
      if (existing.room === invite.room) return; // one prompt per room
    }
    if (account.invites.size >= INVITES_MAX) {
      this.floodLog.warn('invite.too-many', 'too many pending invitations; ignored', { room: invite.room });
      return;
    }
    if (!this.invitePrompts.allow(account.accountId, invite.sender)) {
      this.floodLog.info('invite.rate', 'more than one invitation from a sender within an hour; ignored', {
        from: invite.sender,
      });
      return;
    }
    const { sender, password, ...rest } = invite;
    const stored = { accountId: account.accountId, id: randomUUID(), ...rest, from: sender, at: this.now(), password };
    account.invites.set(stored.id, stored);
    const { password: _password, ...view } = stored;
    this.bus.emit({ type: 'muc.invite', invite: view });
  }

  // ---------- commands ----------

  async join(input: ParsedInput<'muc.join'>): Promise<Result<RoomView>> {
    const account = this.account(input.accountId);
    if (!onlineClient(account.xmpp)) return notConnected();
    let room = account.rooms.get(input.room);
    if (room && room.state === 'joined' && room.nick === input.nick) return ok(this.view(room));
    if (!room) {
      room = this.newRoom(account.accountId, input.room, input.nick);
      account.rooms.set(input.room, room);
    }
    room.nick = input.nick;
    if (input.password !== undefined) room.password = input.password || null;
    const wasJoining = room.state === 'joining' && room.joinSent;
    room.state = 'joining';
    room.error = null;
    this.changedRoom(room);
    const target = room;
    const answer = new Promise<Result<RoomView>>((resolve) => {
      const timer = setTimeout(() => {
        target.joins = target.joins.filter((join) => join.timer !== timer);
        resolve(fail('timeout', 'The room did not answer in time.'));
      }, JOIN_TIMEOUT_MS);
      target.joins.push({ resolve, timer });
    });
    if (!wasJoining) {
      const sent = await this.sendJoin(account, room);
      if (!sent) this.settle(room, fail('not_connected', 'The connection dropped before the join was sent.'));
    }
    return answer;
  }

  /** Autojoin of a bookmark: its nick (or the account's local part) and its password. */
  async joinBookmarked(accountId: string, bookmark: { room: string; nick: string | null; password: string | null }) {
    const result = await this.join({
      accountId,
      room: bookmark.room,
      nick: bookmark.nick ?? this.defaultNick(accountId),
      password: bookmark.password ?? undefined,
    });
    if (!result.ok) this.log.warn('autojoin failed', { room: bookmark.room, error: result.error.message });
  }

  leave(input: ParsedInput<'muc.leave'>): Result<null> {
    const account = this.accounts.get(input.accountId);
    const room = account?.rooms.get(input.room);
    if (!account || !room) return ok(null);
    const xmpp = onlineClient(account.xmpp);
    if (xmpp && (room.state === 'joined' || room.state === 'joining')) {
      void xmpp.send(xml('presence', { to: jidOf(room.room, room.nick), type: 'unavailable' })).catch(() => {});
    }
    this.settle(room, fail('not_found', 'You left the room.'));
    if (room.nickChange) clearTimeout(room.nickChange.timer);
    account.rooms.delete(room.room);
    this.bus.emit({ type: 'muc.roomRemoved', accountId: account.accountId, room: room.room });
    return ok(null);
  }

  async setNick(input: ParsedInput<'muc.setNick'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.joined(input.accountId, input.room);
    if (error) return error;
    if (room.nick === input.nick) return ok(null);
    if (room.nickChange) return fail('conflict', 'A nickname change is already under way.');
    const answer = new Promise<Result<null>>((resolve) => {
      const timer = setTimeout(() => {
        room.nickChange = null;
        resolve(fail('timeout', 'The room did not answer in time.'));
      }, JOIN_TIMEOUT_MS);
      room.nickChange = { nick: input.nick, resolve, timer };
    });
    try {
      await xmpp.send(xml('presence', { to: jidOf(room.room, input.nick) }));
    } catch {
      const pending = room.nickChange as PendingNick | null;
      if (pending) clearTimeout(pending.timer);
      room.nickChange = null;
      return fail('not_connected', 'The connection dropped before the change was sent.');
    }
    return answer;
  }

  async browse(input: ParsedInput<'muc.browse'>): Promise<Result<RoomListingView[]>> {
    const account = this.account(input.accountId);
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return notConnected();
    try {
      const query = (await xmpp.iqCaller.get(
        xml('query', { xmlns: NS_DISCO_ITEMS }),
        input.service,
        IQ_TIMEOUT_MS,
      )) as Element;
      const rooms: RoomListingView[] = [];
      for (const item of query.getChildren('item')) {
        const jid = typeof item.attrs.jid === 'string' ? normalizeBareJid(item.attrs.jid) : null;
        if (jid === null || !jid.includes('@')) continue;
        rooms.push({ room: jid, name: typeof item.attrs.name === 'string' ? capText(item.attrs.name, 256) : null });
      }
      account.browsed.add(input.service.toLowerCase());
      return ok(rooms);
    } catch (error) {
      return requestError(error, 'the room list');
    }
  }

  async setSubject(input: ParsedInput<'muc.setSubject'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.joined(input.accountId, input.room);
    if (error) return error;
    try {
      await xmpp.send(xml('message', { to: room.room, type: 'groupchat' }, xml('subject', {}, input.subject)));
      return ok(null);
    } catch {
      return fail('not_connected', 'The connection dropped before the subject was sent.');
    }
  }

  async moderate(input: ParsedInput<'muc.moderate'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.joined(input.accountId, input.room);
    if (error) return error;
    const attrs: Record<string, string> = {};
    if (input.nick !== undefined) attrs.nick = input.nick;
    if (input.jid !== undefined) attrs.jid = input.jid;
    else if (input.affiliation !== undefined) {
      // Affiliations belong to real JIDs: find the occupant's.
      const jid = room.occupants.get(input.nick!)?.jid;
      if (!jid) return fail('not_found', `The room does not show ${input.nick}'s address; use the address instead.`);
      delete attrs.nick;
      attrs.jid = bareJid(jid);
    }
    if (input.role !== undefined) attrs.role = input.role;
    if (input.affiliation !== undefined) attrs.affiliation = input.affiliation;
    const item = xml('item', attrs, input.reason ? xml('reason', {}, input.reason) : null);
    try {
      await xmpp.iqCaller.set(xml('query', { xmlns: NS_MUC_ADMIN }, item), room.room, IQ_TIMEOUT_MS);
      return ok(null);
    } catch (err) {
      return requestError(err, 'this change');
    }
  }

  async affiliations(input: ParsedInput<'muc.affiliations'>): Promise<Result<AffiliationEntryView[]>> {
    const { room, xmpp, error } = this.joined(input.accountId, input.room);
    if (error) return error;
    try {
      const query = (await xmpp.iqCaller.get(
        xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation: input.affiliation })),
        room.room,
        IQ_TIMEOUT_MS,
      )) as Element;
      const entries: AffiliationEntryView[] = [];
      for (const item of query.getChildren('item')) {
        const jid = typeof item.attrs.jid === 'string' ? normalizeJid(item.attrs.jid) : null;
        if (jid === null) continue;
        entries.push({
          jid,
          nick: typeof item.attrs.nick === 'string' ? capText(item.attrs.nick, MUC_NICK_MAX) : null,
          reason: item.getChildText('reason'),
        });
      }
      return ok(entries);
    } catch (err) {
      return requestError(err, 'reading the list');
    }
  }

  async invite(input: ParsedInput<'muc.invite'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.joined(input.accountId, input.room);
    if (error) return error;
    try {
      // Mediated through the room (XEP-0045 §7.8.2): a members-only room can add the invitee.
      await xmpp.send(
        xml(
          'message',
          { to: room.room },
          xml(
            'x',
            { xmlns: NS_MUC_USER },
            xml('invite', { to: input.jid }, input.reason ? xml('reason', {}, input.reason) : null),
          ),
        ),
      );
      return ok(null);
    } catch {
      return fail('not_connected', 'The connection dropped before the invitation was sent.');
    }
  }

  async answerInvite(input: ParsedInput<'muc.answerInvite'>): Promise<Result<RoomView | null>> {
    const account = this.account(input.accountId);
    const invite = account.invites.get(input.id);
    if (!invite) return fail('not_found', 'That invitation is gone (it may have been answered).');
    account.invites.delete(input.id);
    this.bus.emit({ type: 'muc.inviteRemoved', accountId: account.accountId, id: input.id });
    if (!input.accept) {
      const xmpp = onlineClient(account.xmpp);
      if (xmpp && invite.kind === 'mediated') {
        void xmpp
          .send(
            xml(
              'message',
              { to: invite.room },
              xml(
                'x',
                { xmlns: NS_MUC_USER },
                xml('decline', invite.claimedInviter ? { to: invite.claimedInviter } : {}),
              ),
            ),
          )
          .catch(() => {});
      }
      return ok(null);
    }
    const nick = input.nick ?? this.defaultNick(account.accountId);
    return this.join({ accountId: account.accountId, room: invite.room, nick, password: invite.password ?? undefined });
  }

  // ---------- helpers ----------

  private async sendJoin(account: AccountRooms, room: Room): Promise<boolean> {
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return false;
    room.joinSent = true;
    try {
      await xmpp.send(
        xml(
          'presence',
          { to: jidOf(room.room, room.nick) },
          xml('x', { xmlns: NS_MUC }, room.password ? xml('password', {}, room.password) : null),
          ...ownChildren(account.own),
        ),
      );
      return true;
    } catch (error) {
      this.log.warn('join could not be sent', { room: room.room, error });
      room.joinSent = false;
      return false;
    }
  }

  /** Status 201: the room was created for us; accept the default configuration (an instant room). */
  private async acceptDefaultConfiguration(account: AccountRooms, room: Room): Promise<void> {
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return;
    try {
      await xmpp.iqCaller.set(
        xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: NS_DATA, type: 'submit' })),
        room.room,
        IQ_TIMEOUT_MS,
      );
      this.notice(room, 'You created this room; it uses the default configuration.');
    } catch (error) {
      this.log.warn('the new room refused its default configuration', { room: room.room, error });
      this.notice(room, 'You created this room, but it did not accept the default configuration.');
    }
  }

  private joined(
    accountId: string,
    roomJid: string,
  ):
    | { account: AccountRooms; room: Room; xmpp: SessionXmpp; error: null }
    | { error: Result<never>; account?: never; room?: never; xmpp?: never } {
    const account = this.accounts.get(accountId);
    const xmpp = account ? onlineClient(account.xmpp) : null;
    if (!account || !xmpp) return { error: notConnected() };
    const room = account.rooms.get(roomJid);
    if (!room || room.state !== 'joined') return { error: fail('not_found', 'You are not in that room.') };
    return { account, room, xmpp, error: null };
  }

  private settle(room: Room, result: Result<RoomView>): void {
    room.joinSent = false;
    const joins = room.joins;
    room.joins = [];
    for (const join of joins) {
      clearTimeout(join.timer);
      join.resolve(result);
    }
  }

  private notice(room: Room, text: string): void {
    const notice: RoomNoticeView = { accountId: room.accountId, room: room.room, at: this.now(), text };
    room.notices.push(notice);
    if (room.notices.length > NOTICES_PER_ROOM) room.notices.splice(0, room.notices.length - NOTICES_PER_ROOM);
    this.bus.emit({ type: 'muc.notice', notice });
  }

  private occupantChanged(room: Room, nick: string): void {
    room.left.delete(nick);
    room.changed.add(nick);
    this.scheduleOccupants(room);
  }

  private removeOccupant(room: Room, nick: string): void {
    room.occupants.delete(nick);
    room.changed.delete(nick);
    room.left.add(nick);
    this.scheduleOccupants(room);
  }

  private clearOccupants(room: Room): void {
    for (const nick of [...room.occupants.keys()]) this.removeOccupant(room, nick);
  }

  /** One muc.occupants event per room per flush, built when the batch goes out. */
  private scheduleOccupants(room: Room): void {
    this.bus.emitLazy(`muc:${room.accountId}\n${room.room}`, () => {
      const changed: OccupantView[] = [];
      for (const nick of room.changed) {
        const occupant = room.occupants.get(nick);
        if (occupant) changed.push(this.occupantView(room, occupant));
      }
      const left = [...room.left];
      room.changed.clear();
      room.left.clear();
      if (changed.length === 0 && left.length === 0) return null;
      return { type: 'muc.occupants', accountId: room.accountId, room: room.room, changed, left };
    });
    this.changedRoom(room);
  }

  /** The room's view (occupant count included) is rebuilt once per flush. */
  private changedRoom(room: Room): void {
    room.view = null;
    this.bus.emitLazy(`mucRoom:${room.accountId}\n${room.room}`, () => {
      const account = this.accounts.get(room.accountId);
      if (account?.rooms.get(room.room) !== room) return null;
      return { type: 'muc.room', room: this.view(room) };
    });
  }

  private view(room: Room): RoomView {
    room.view ??= {
      accountId: room.accountId,
      room: room.room,
      nick: room.nick,
      state: room.state,
      subject: room.subject,
      subjectBy: room.subjectBy,
      role: room.role,
      affiliation: room.affiliation,
      nonAnonymous: room.nonAnonymous,
      occupantCount: room.occupants.size,
      error: room.error,
    };
    return room.view;
  }

  private occupantView(room: Room, occupant: Occupant): OccupantView {
    occupant.view ??= {
      accountId: room.accountId,
      room: room.room,
      nick: occupant.nick,
      role: occupant.role,
      affiliation: occupant.affiliation,
      jid: occupant.jid,
      show: occupant.show,
      status: occupant.status,
      self: occupant.nick === room.nick,
    };
    return occupant.view;
  }

  private newRoom(accountId: string, roomJid: string, nick: string): Room {
    return {
      accountId,
      room: roomJid,
      nick,
      password: null,
      state: 'joining',
      subject: null,
      subjectBy: null,
      role: 'none',
      affiliation: 'none',
      nonAnonymous: false,
      error: null,
      occupants: new Map(),
      changed: new Set(),
      left: new Set(),
      notices: [],
      joins: [],
      nickChange: null,
      rejoinedAfter333: false,
      joinSent: false,
      view: null,
    };
  }

  private defaultNick(accountId: string): string {
    const jid = this.accountManager.list().find((account) => account.id === accountId)?.jid ?? 'me';
    return jid.split('@')[0] || 'me';
  }

  private account(accountId: string): AccountRooms {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = {
        accountId,
        xmpp: null,
        own: { show: 'available', status: null },
        rooms: new Map(),
        invites: new Map(),
        browsed: new Set(),
      };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}

/** Why a join (or nick change) was refused, in words (XEP-0045 §7.2.6–§7.2.11). */
export function describeJoinError(
  condition: string | undefined,
  text: string | null,
  nick: string,
): { kind: RoomErrorKind; code: ErrorCode; message: string; suggestedNick?: string } {
  const said = text ? ` The room said: ${text.slice(0, 200)}` : '';
  switch (condition) {
    case 'conflict':
      return {
        kind: 'nick-conflict',
        code: 'conflict',
        message: `The nickname ${nick} is already taken in this room.`,
        suggestedNick: `${nick.slice(0, MUC_NICK_MAX - 1)}_`,
      };
    case 'not-authorized':
      return {
        kind: 'password',
        code: 'forbidden',
        message: `This room needs a password, or the one given is wrong.${said}`,
      };
    case 'registration-required':
      return { kind: 'members-only', code: 'forbidden', message: `Only members can enter this room.${said}` };
    case 'forbidden':
      return { kind: 'banned', code: 'forbidden', message: `You are banned from this room.${said}` };
    case 'item-not-found':
      return { kind: 'not-found', code: 'not_found', message: `There is no such room.${said}` };
    case 'not-allowed':
      return {
        kind: 'not-found',
        code: 'forbidden',
        message: `The room does not exist and this service does not let you create it.${said}`,
      };
    case 'jid-malformed':
    case 'not-acceptable':
      return {
        kind: 'nick-invalid',
        code: 'invalid_input',
        message: `The room does not accept the nickname ${nick}.${said}`,
      };
    case 'service-unavailable':
      return {
        kind: 'service-unavailable',
        code: 'not_connected',
        message: `The room is full or the service is unavailable.${said}`,
      };
    case 'remote-server-not-found':
    case 'remote-server-timeout':
      return {
        kind: 'service-unavailable',
        code: 'not_connected',
        message: `The room's server cannot be reached.${said}`,
      };
    default:
      return { kind: 'other', code: 'internal', message: `The room refused (${condition ?? 'unknown error'}).${said}` };
  }
}

/** How a removal is told, in the second person and in the third (XEP-0045 status codes). */
function removalText(
  codes: Set<string>,
  reason: string | null,
  actor: string | null,
): { kind: RoomErrorKind; second: string; third: string } | null {
  const by = actor ? ` by ${actor}` : '';
  const because = reason ? `: ${reason.slice(0, 500)}` : '.';
  if (codes.has('301'))
    return { kind: 'banned', second: `were banned${by}${because}`, third: `was banned${by}${because}` };
  if (codes.has('307'))
    return { kind: 'other', second: `were kicked${by}${because}`, third: `was kicked${by}${because}` };
  if (codes.has('321'))
    return {
      kind: 'members-only',
      second: `were removed because your affiliation changed${because}`,
      third: `was removed because their affiliation changed${because}`,
    };
  if (codes.has('322'))
    return {
      kind: 'members-only',
      second: `were removed because the room is now members-only${because}`,
      third: `was removed because the room is now members-only${because}`,
    };
  if (codes.has('332'))
    return {
      kind: 'service-unavailable',
      second: `were removed because the service is shutting down${because}`,
      third: `was removed because the service is shutting down${because}`,
    };
  if (codes.has('333'))
    return {
      kind: 'service-unavailable',
      second: `were removed after a technical problem${because}`,
      third: `was removed after a technical problem${because}`,
    };
  return null;
}

function affiliationWords(affiliation: MucAffiliation): string {
  switch (affiliation) {
    case 'owner':
      return 'an owner';
    case 'admin':
      return 'an admin';
    case 'member':
      return 'a member';
    case 'outcast':
      return 'banned';
    case 'none':
      return 'without affiliation';
  }
}

function ownChildren(own: { show: Show; status: string | null }): Element[] {
  const children: Element[] = [];
  if (own.show !== 'available') children.push(xml('show', {}, own.show));
  if (own.status) children.push(xml('status', {}, own.status));
  return children;
}

function notConnected(): Result<never> {
  return fail('not_connected', 'This account is not connected; connect it to use group chats.');
}
