/**
 * Group chat (XEP-0045): the feature the account manager and the commands talk to. It routes room
 * presence and room messages to the part that owns them and answers the commands:
 *
 *   rooms.ts        the rooms, occupants and notices of every account, their views and events
 *   joins.ts        join, leave, nick changes, rejoining after a new session, our presence to rooms
 *   occupants.ts    room presence: occupants, self-presence, status codes, removals
 *   roles.ts        roles and affiliations: notices, moderation, affiliation lists
 *   subject.ts      the subject
 *   invitations.ts  invitations in and out
 *   admin.ts        browsing services, the services we know, a new room's default configuration
 *   configuration.ts  a room's configuration form, read and submitted
 *   destroy.ts      destroying a room, and reading its destruction
 *   voice.ts        voice requests, asked and answered
 *   room-info.ts    what a room says about itself before we join
 *   self-ping.ts    whether a room still counts us in (XEP-0410), and joining again when not
 */
import type { Element } from '@xmpp/xml';
import { bareJid, normalizeBareJid } from '../../../../shared/jid';
import type {
  AffiliationEntryView,
  OccupantView,
  ParsedInput,
  RoomConfigurationView,
  RoomInfoView,
  RoomInviteView,
  RoomListingView,
  RoomNoticeView,
  RoomView,
  VoiceRequestView,
} from '../../../../shared/contract';
import type { Show } from '../../../../shared/presence';
import { fail, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener, AccountManager } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import type { SessionXmpp } from '../../accounts/client';
import type { EventBus } from '../../events';
import { rateLimited, type Logger } from '../../log';
import { MucAdmin } from './admin';
import { RoomConfiguration } from './configuration';
import { destroyRoom } from './destroy';
import { roomInfo } from './room-info';
import { VoiceRequests } from './voice';
import { RoomInvitations } from './invitations';
import { RoomJoins } from './joins';
import { RoomPresence } from './occupants';
import { RoomRoles } from './roles';
import { MucRooms } from './rooms';
import { SelfPing, type SelfPingTimes } from './self-ping';
import { RoomSubjects } from './subject';

export interface MucOptions {
  bus: EventBus;
  accounts: Pick<AccountManager, 'list'>;
  log: Logger;
  now?: () => number;
  /** Rooms the account has bookmarked (their services count as MUC services we know). */
  bookmarkedRooms?: (accountId: string) => Iterable<string>;
  inRoster?: (accountId: string, bare: string) => boolean;
  /** True when one of the contact's online devices announces direct invitations (XEP-0249) in its caps. */
  readsDirectInvitations?: (accountId: string, bare: string) => boolean;
  /** What our room presence carries besides show and status (our XEP-0153 avatar hash). */
  ownExtras?: (accountId: string) => Element[];
  /** Self-ping (XEP-0410) timing; the defaults are SELF_PING_TIMES. */
  selfPing?: Partial<SelfPingTimes>;
}

export class MucService implements AccountLifecycleListener {
  private readonly state: MucRooms;
  private readonly joins: RoomJoins;
  private readonly admin: MucAdmin;
  private readonly roles: RoomRoles;
  private readonly presence: RoomPresence;
  private readonly subjects: RoomSubjects;
  private readonly invitations: RoomInvitations;
  private readonly configuration: RoomConfiguration;
  private readonly voice: VoiceRequests;
  private readonly log: Logger;
  private readonly selfPing: SelfPing;

  constructor(options: MucOptions) {
    const now = options.now ?? Date.now;
    const log = (this.log = options.log);
    const floodLog = rateLimited(log, { now });
    const rooms = (this.state = new MucRooms(options.bus, now));
    const joins = (this.joins = new RoomJoins(rooms, options.accounts, log, options.ownExtras));
    const admin = (this.admin = new MucAdmin(rooms, log, options.bookmarkedRooms ?? (() => [])));
    const roles = (this.roles = new RoomRoles(rooms));
    const voice = (this.voice = new VoiceRequests(rooms, options.bus, floodLog, now));
    const occupantGone = voice.occupantGone.bind(voice);
    this.presence = new RoomPresence({ rooms, joins, roles, admin, log, floodLog, occupantGone });
    this.subjects = new RoomSubjects(rooms);
    this.configuration = new RoomConfiguration(rooms);
    this.selfPing = new SelfPing({ rooms, joins, log, now, times: options.selfPing });
    this.invitations = new RoomInvitations({
      rooms,
      joins,
      admin,
      bus: options.bus,
      floodLog,
      now,
      inRoster: options.inRoster ?? (() => false),
      readsDirectInvitations: options.readsDirectInvitations ?? (() => false),
      roomInfo: (accountId, room) => roomInfo(rooms, { accountId, room }),
    });
  }

  /** Called each time a room finishes joining (first join, or again after a new session). */
  onJoined(listener: (accountId: string, room: string) => void): () => void {
    return this.state.onJoined(listener);
  }

  // ---------- views ----------

  rooms(): RoomView[] {
    return this.state.rooms();
  }

  occupants(): OccupantView[] {
    return this.state.occupants();
  }

  notices(): RoomNoticeView[] {
    return this.state.notices();
  }

  invites(): RoomInviteView[] {
    return this.invitations.invites();
  }

  voiceRequests(): VoiceRequestView[] {
    return this.voice.requests();
  }

  /** True when `bare` is a room of the account (joined, joining, or left but still shown). */
  isRoom(accountId: string, bare: string): boolean {
    return this.state.existing(accountId)?.rooms.has(bare) ?? false;
  }

  /** Our nick in a room we are in (joined), else null. */
  joinedNick(accountId: string, room: string): string | null {
    const found = this.state.existing(accountId)?.rooms.get(room);
    return found?.state === 'joined' ? found.nick : null;
  }

  /** The room assigns occupant-ids (XEP-0421), so the one on a message names its sender. */
  providesOccupantIds(accountId: string, room: string): boolean {
    return this.state.existing(accountId)?.rooms.get(room)?.occupantIds ?? false;
  }

  /** An occupant's real bare JID, when the room shows it to us (a non-anonymous room), else null. */
  occupantJid(accountId: string, room: string, nick: string): string | null {
    const jid = this.state.existing(accountId)?.rooms.get(room)?.occupants.get(nick)?.jid;
    return jid ? bareJid(jid) : null;
  }

  /** Our role in a room we are in, or null. */
  ownRole(accountId: string, room: string): string | null {
    const found = this.state.existing(accountId)?.rooms.get(room);
    return found?.state === 'joined' ? found.role : null;
  }

  room(accountId: string, room: string): RoomView | null {
    const found = this.state.existing(accountId)?.rooms.get(room);
    return found ? this.state.view(found) : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    this.selfPing.watch(accountId, xmpp);
    xmpp.middleware.use((ctx, next) => {
      const stanza = ctx.stanza;
      if (stanza.name === 'presence') return this.onPresence(accountId, stanza) ? undefined : next();
      if (stanza.name === 'message') return this.onMessage(accountId, stanza) ? undefined : next();
      return next();
    });
    // Room presence of the common shape, read from the stream text (a 5,000-occupant join): the same
    // checks, without an Element or the middleware. What is not a room of ours goes on to the above.
    xmpp.hooks.onRawRoomPresence(
      (raw) => {
        const account = this.state.existing(accountId);
        return account ? this.presence.readRaw(account, raw) : false;
      },
      (error) => this.log.error('room presence could not be handled', { accountId, error }),
    );
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.state.account(accountId);
    account.xmpp = online.xmpp;
    if (!online.resumed) this.joins.rejoinAll(account);
    else this.selfPing.pingAll(accountId);
  }

  onOffline(accountId: string): void {
    const account = this.state.existing(accountId);
    if (account) this.joins.wentOffline(account);
  }

  onRemoved(accountId: string): void {
    this.invitations.forgetAccount(accountId);
    this.admin.forgetAccount(accountId);
    this.configuration.forgetAccount(accountId);
    this.voice.forgetAccount(accountId);
    const account = this.state.existing(accountId);
    if (!account) return;
    for (const room of account.rooms.values()) this.state.settle(room, fail('not_found', 'muc.accountRemoved'));
    this.state.forget(accountId);
  }

  /** The computer woke up: every room we are in is asked whether it still counts us in. */
  checkRooms(): void {
    this.selfPing.pingAll();
  }

  close(): void {
    this.selfPing.close();
    for (const account of this.state.all()) {
      for (const room of account.rooms.values()) this.state.settle(room, fail('not_connected', 'app.closing'));
    }
  }

  /** Our presence on the account changed: rooms we are in hear it too (offline is handled by the session). */
  ownPresenceChanged(accountId: string, show: Show | 'offline', status: string | null): void {
    this.joins.ownPresenceChanged(accountId, show, status);
  }

  /** Our avatar's hash changed: rooms we are in get our presence again, which carries it. */
  ownExtrasChanged(accountId: string): void {
    this.joins.ownExtrasChanged(accountId);
  }

  // ---------- commands ----------

  join(input: ParsedInput<'muc.join'>): Promise<Result<RoomView>> {
    return this.joins.join(input);
  }

  /** Autojoin of a bookmark: its nick (or the account's local part) and its password. */
  joinBookmarked(accountId: string, bookmark: { room: string; nick: string | null; password: string | null }) {
    return this.joins.joinBookmarked(accountId, bookmark);
  }

  leave(input: ParsedInput<'muc.leave'>): Result<null> {
    this.voice.forgetRoom(input.accountId, input.room);
    return this.joins.leave(input);
  }

  setNick(input: ParsedInput<'muc.setNick'>): Promise<Result<null>> {
    return this.joins.setNick(input);
  }

  browse(input: ParsedInput<'muc.browse'>): Promise<Result<RoomListingView[]>> {
    return this.admin.browse(input);
  }

  setSubject(input: ParsedInput<'muc.setSubject'>): Promise<Result<null>> {
    return this.subjects.set(input);
  }

  setRole(input: ParsedInput<'muc.setRole'>): Promise<Result<null>> {
    return this.roles.setRole(input);
  }

  setAffiliation(input: ParsedInput<'muc.setAffiliation'>): Promise<Result<null>> {
    return this.roles.setAffiliation(input);
  }

  affiliations(input: ParsedInput<'muc.affiliations'>): Promise<Result<AffiliationEntryView[]>> {
    return this.roles.list(input);
  }

  invite(input: ParsedInput<'muc.invite'>): Promise<Result<null>> {
    return this.invitations.invite(input);
  }

  answerInvite(input: ParsedInput<'muc.answerInvite'>): Promise<Result<RoomView | null>> {
    return this.invitations.answer(input);
  }

  configurationForm(input: ParsedInput<'muc.configuration'>): Promise<Result<RoomConfigurationView>> {
    return this.configuration.read(input);
  }

  configure(input: ParsedInput<'muc.configure'>): Promise<Result<null>> {
    return this.configuration.submit(input);
  }

  destroy(input: ParsedInput<'muc.destroy'>): Promise<Result<null>> {
    return destroyRoom(this.state, input);
  }

  requestVoice(input: ParsedInput<'muc.requestVoice'>): Promise<Result<null>> {
    return this.voice.request(input);
  }

  answerVoice(input: ParsedInput<'muc.answerVoice'>): Promise<Result<null>> {
    return this.voice.answer(input);
  }

  roomInfo(input: ParsedInput<'muc.roomInfo'>): Promise<Result<RoomInfoView>> {
    return roomInfo(this.state, input);
  }

  // ---------- incoming ----------

  /** Room presence; returns true when consumed. */
  private onPresence(accountId: string, stanza: Element): boolean {
    const account = this.state.existing(accountId);
    return account ? this.presence.read(account, stanza) : false;
  }

  /** Subjects, voice requests and invitations; returns true when consumed. Room chat messages are the messaging feature's. */
  private onMessage(accountId: string, stanza: Element): boolean {
    const account = this.state.existing(accountId);
    const from = stanza.attrs.from;
    if (!account || typeof from !== 'string') return false;
    const slash = from.indexOf('/');
    const bare = normalizeBareJid(slash === -1 ? from : from.slice(0, slash));
    if (bare === null) return false;
    const room = account.rooms.get(bare);
    if (room && this.subjects.read(room, stanza, slash === -1 ? null : from.slice(slash + 1))) return true;
    if (this.voice.read(account, stanza)) return true;
    return this.invitations.read(account, stanza);
  }
}
