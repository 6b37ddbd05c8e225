/**
 * The rooms of every account and what is known of them: state, occupants by nick, notices, the
 * joins waiting for an answer. It owns the views and their events: a room's view is rebuilt once
 * per flush, and occupant changes are marked per room and sent once per flush (EventBus.emitLazy),
 * so a 5,000-occupant join is a handful of events, not 5,000.
 */
import type {
  MucAffiliation,
  MucRole,
  OccupantView,
  RoomNotice,
  RoomNoticeView,
  RoomView,
} from '../../../../shared/contract';
import type { Show } from '../../../../shared/presence';
import { fail, type Result } from '../../../../shared/result';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { EventBus, LazyEvent } from '../../events';

/** Notices kept per room (the latest). */
export const NOTICES_PER_ROOM = 50;

export type Occupant = Pick<OccupantView, 'nick' | 'role' | 'affiliation' | 'jid' | 'show' | 'status'> & {
  /** When they joined in this session (epoch ms); null: they were there before we were. */
  joinedAt: number | null;
  /** Their role changes seen in this session, the latest few (a new array on each change). */
  roleChanges: { role: MucRole; at: number }[] | null;
  view: OccupantView | null;
};

interface PendingJoin {
  resolve(result: Result<RoomView>): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface PendingNick {
  nick: string;
  resolve(result: Result<null>): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface Room {
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
  /** Joined with `configure`: a room this join creates waits for its configuration. */
  configureOnCreate: boolean;
  /** Created for us and locked until configured (status 201 with configureOnCreate). */
  awaitingConfiguration: boolean;
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
  /** The room assigns occupant-ids (XEP-0421): our own self-presence carried one. */
  occupantIds: boolean;
  view: RoomView | null;
}

export interface AccountRooms {
  accountId: string;
  xmpp: SessionXmpp | null;
  /** Our show and status, sent to every room we are in (XEP-0045 §7.7). */
  own: { show: Show; status: string | null };
  rooms: Map<string, Room>;
}

/** A room we are in, with the client to reach it: what every in-room command needs. */
export type InRoom =
  | { account: AccountRooms; room: Room; xmpp: SessionXmpp; error: null }
  | { error: Result<never>; account?: never; room?: never; xmpp?: never };

export class MucRooms {
  private readonly accounts = new Map<string, AccountRooms>();
  private readonly joinedListeners = new Set<(accountId: string, room: string) => void>();
  private readonly roomEvents = new WeakMap<Room, RoomEvents>();

  constructor(
    private readonly bus: EventBus,
    private readonly now: () => number,
  ) {}

  /** The account's rooms, created on first use. */
  account(accountId: string): AccountRooms {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { accountId, xmpp: null, own: { show: 'available', status: null }, rooms: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  /** The account's rooms when it has any state yet. */
  existing(accountId: string): AccountRooms | undefined {
    return this.accounts.get(accountId);
  }

  all(): Iterable<AccountRooms> {
    return this.accounts.values();
  }

  forget(accountId: string): void {
    this.accounts.delete(accountId);
  }

  /** A room we are in (joined) and an online client, or the error a command returns. */
  inRoom(accountId: string, roomJid: string): InRoom {
    const account = this.accounts.get(accountId);
    const xmpp = account ? onlineClient(account.xmpp) : null;
    if (!account || !xmpp) return { error: notConnected() };
    const room = account.rooms.get(roomJid);
    if (!room || room.state !== 'joined') return { error: fail('not_found', 'muc.notInRoom') };
    return { account, room, xmpp, error: null };
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

  view(room: Room): RoomView {
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
      ...(room.awaitingConfiguration ? { awaitingConfiguration: true } : {}),
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
      joinedAt: occupant.joinedAt,
      roleChanges: occupant.roleChanges ?? [],
    };
    return occupant.view;
  }

  // ---------- joins ----------

  /** Called each time a room finishes joining (first join, or again after a new session). */
  onJoined(listener: (accountId: string, room: string) => void): () => void {
    this.joinedListeners.add(listener);
    return () => this.joinedListeners.delete(listener);
  }

  /** The room confirmed our join (self-presence): tells whoever waits for joined rooms. */
  joinedNow(room: Room): void {
    for (const listener of this.joinedListeners) listener(room.accountId, room.room);
  }

  /** Waits for the answer to a join; `timeout` answers it if the room does not. */
  waitForJoin(room: Room, timeoutMs: number, timeout: () => Result<RoomView>): Promise<Result<RoomView>> {
    return new Promise<Result<RoomView>>((resolve) => {
      const timer = setTimeout(() => {
        room.joins = room.joins.filter((join) => join.timer !== timer);
        resolve(timeout());
      }, timeoutMs);
      room.joins.push({ resolve, timer });
    });
  }

  /** Answers every join command waiting for this room. */
  settle(room: Room, result: Result<RoomView>): void {
    room.joinSent = false;
    const joins = room.joins;
    room.joins = [];
    for (const join of joins) {
      clearTimeout(join.timer);
      join.resolve(result);
    }
  }

  // ---------- changes ----------

  notice(room: Room, what: RoomNotice): void {
    const notice: RoomNoticeView = { accountId: room.accountId, room: room.room, at: this.now(), ...what };
    room.notices.push(notice);
    if (room.notices.length > NOTICES_PER_ROOM) room.notices.splice(0, room.notices.length - NOTICES_PER_ROOM);
    this.bus.emit({ type: 'muc.notice', notice });
  }

  occupantChanged(room: Room, nick: string): void {
    room.left.delete(nick);
    room.changed.add(nick);
    this.scheduleOccupants(room);
  }

  removeOccupant(room: Room, nick: string): void {
    room.occupants.delete(nick);
    room.changed.delete(nick);
    room.left.add(nick);
    this.scheduleOccupants(room);
  }

  clearOccupants(room: Room): void {
    for (const nick of [...room.occupants.keys()]) this.removeOccupant(room, nick);
  }

  /** The room's view (occupant count included) is rebuilt once per flush. */
  changedRoom(room: Room): void {
    room.view = null;
    const events = this.eventsOf(room);
    this.bus.emitLazy(events.roomKey, events.roomEvent);
  }

  /** Forgets a room we left: its view goes away. */
  remove(account: AccountRooms, room: Room): void {
    account.rooms.delete(room.room);
    this.bus.emit({ type: 'muc.roomRemoved', accountId: account.accountId, room: room.room });
  }

  /** One muc.occupants event per room per flush, built when the batch goes out. */
  private scheduleOccupants(room: Room): void {
    const events = this.eventsOf(room);
    this.bus.emitLazy(events.occupantsKey, events.occupantsEvent);
    this.changedRoom(room);
  }

  /**
   * The room's two lazy events, their keys and factories made once per room: a join of 5,000
   * occupants marks both 5,000 times, and the same key string is hashed once.
   */
  private eventsOf(room: Room): RoomEvents {
    let events = this.roomEvents.get(room);
    if (events) return events;
    events = {
      roomKey: `mucRoom:${room.accountId}\n${room.room}`,
      roomEvent: () => {
        const account = this.accounts.get(room.accountId);
        if (account?.rooms.get(room.room) !== room) return null;
        return { type: 'muc.room', room: this.view(room) };
      },
      occupantsKey: `muc:${room.accountId}\n${room.room}`,
      occupantsEvent: () => {
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
      },
    };
    this.roomEvents.set(room, events);
    return events;
  }
}

interface RoomEvents {
  roomKey: string;
  roomEvent: LazyEvent;
  occupantsKey: string;
  occupantsEvent: LazyEvent;
}

export function newRoom(accountId: string, roomJid: string, nick: string): Room {
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
    configureOnCreate: false,
    awaitingConfiguration: false,
    error: null,
    occupants: new Map(),
    changed: new Set(),
    left: new Set(),
    notices: [],
    joins: [],
    nickChange: null,
    rejoinedAfter333: false,
    joinSent: false,
    occupantIds: false,
    view: null,
  };
}

export function notConnected(): Result<never> {
  return fail('not_connected', 'muc.notConnected');
}
