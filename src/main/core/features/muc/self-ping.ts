/**
 * MUC self-ping (XEP-0410): whether a room still counts us in, asked of our own occupant JID.
 *
 * - A joined room we have heard nothing from for `idleMs` is pinged; so is every joined room when
 *   the computer wakes or the stream resumed (the room may have dropped us meanwhile). An error
 *   message or presence from a room makes it due at the next look.
 * - Never more than one ping in flight per room. Only our occupant JID answers: the IQ guard drops
 *   a reply from anyone else, and the ping then waits for the real one or times out.
 * - A result, <service-unavailable/> or <feature-not-implemented/> (the ping reached a client of
 *   ours that does not answer pings) and <item-not-found/> (our nick just changed) mean we are in.
 * - No answer, <remote-server-not-found/>, <remote-server-timeout/>, an error without a defined
 *   condition or a ping that could not be sent decide nothing: asked again after `retryMs`.
 * - Any other error (<not-acceptable/>: not an occupant) means the room dropped us: we join again
 *   with the stored nick and password, and the room's timeline says so.
 */
import xml, { type Element } from '@xmpp/xml';
import { jidOf } from '../../../../shared/jid';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { Logger } from '../../log';
import { background } from '../../util/background';
import { isTimeout, readStanzaError } from '../../util/stanza-errors';
import { NS_PING } from '../../xmpp/ns';
import { SELF_PING_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { RoomJoins } from './joins';
import type { AccountRooms, MucRooms, Room } from './rooms';

export interface SelfPingTimes {
  /** A room silent this long is pinged. */
  idleMs: number;
  /** After a ping that decided nothing, the room is not pinged again before this. */
  retryMs: number;
  /** How long a ping waits for its answer. */
  timeoutMs: number;
  /** How often the rooms are looked at. */
  checkEveryMs: number;
}

export const SELF_PING_TIMES: SelfPingTimes = {
  idleMs: 15 * 60_000,
  retryMs: 5 * 60_000,
  timeoutMs: SELF_PING_TIMEOUT_MS,
  checkEveryMs: 60_000,
};

/** What a ping's answer says: still in, dropped, or nothing either way. */
export type SelfPingOutcome = 'joined' | 'dropped' | 'undecided';

/** Conditions that mean we are still in the room (XEP-0410 §3.2). */
const STILL_JOINED = new Set(['service-unavailable', 'feature-not-implemented', 'item-not-found']);
/** Conditions that say nothing about the room: its server is out of reach. */
const UNDECIDED = new Set(['remote-server-not-found', 'remote-server-timeout']);

/** The outcome of a ping that failed (xmpp.js rejects with a StanzaError, a TimeoutError or the send's error). */
export function selfPingOutcome(error: unknown): SelfPingOutcome {
  if (isTimeout(error)) return 'undecided';
  const failure = error as { name?: string; element?: Element } | null;
  if (failure?.name !== 'StanzaError') return 'undecided';
  // Only a condition in the stanzas namespace counts; anything else is noise from the other end.
  const { condition } = readStanzaError(failure.element);
  if (condition === undefined || UNDECIDED.has(condition)) return 'undecided';
  return STILL_JOINED.has(condition) ? 'joined' : 'dropped';
}

interface RoomPing {
  /** When we last heard from the room (or joined it); -Infinity: due now. */
  lastHeard: number;
  inFlight: boolean;
  /** No ping before this (after one that decided nothing). */
  notBefore: number;
}

export interface SelfPingOptions {
  rooms: MucRooms;
  joins: RoomJoins;
  log: Logger;
  now: () => number;
  times?: Partial<SelfPingTimes>;
}

export class SelfPing {
  private readonly times: SelfPingTimes;
  /** Per joined room, keyed by account and room JID. */
  private readonly pings = new Map<string, RoomPing>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly stopJoined: () => void;

  constructor(private readonly options: SelfPingOptions) {
    this.times = { ...SELF_PING_TIMES, ...options.times };
    this.stopJoined = options.rooms.onJoined((accountId, room) => {
      this.pings.set(key(accountId, room), { lastHeard: options.now(), inFlight: false, notBefore: 0 });
    });
    this.timer = setInterval(() => this.check(), this.times.checkEveryMs);
    this.timer.unref?.();
  }

  /** Every presence and message from a room is a sign of life (one map lookup per stanza). */
  watch(accountId: string, xmpp: SessionXmpp): void {
    xmpp.middleware.use((ctx, next) => {
      const { stanza } = ctx;
      if (stanza.name === 'presence' || stanza.name === 'message') this.heard(accountId, stanza);
      return next();
    });
  }

  /** Pings every joined room of the account (every account without one) now: we may have been away. */
  pingAll(accountId?: string): void {
    for (const [roomKey, ping] of this.pings) {
      if (accountId !== undefined && !roomKey.startsWith(`${accountId}\n`)) continue;
      ping.lastHeard = -Infinity;
      ping.notBefore = 0;
    }
    this.check();
  }

  /** Pings the rooms that are due; forgets rooms we are no longer in. */
  check(): void {
    const now = this.options.now();
    for (const account of this.options.rooms.all()) {
      const xmpp = onlineClient(account.xmpp);
      for (const room of account.rooms.values()) {
        const ping = this.pings.get(key(account.accountId, room.room));
        if (!ping || !xmpp || room.state !== 'joined' || ping.inFlight || now < ping.notBefore) continue;
        if (now - ping.lastHeard < this.times.idleMs) continue;
        background(this.ping(account, room, ping, xmpp), this.options.log, 'self-ping');
      }
    }
    for (const [roomKey, ping] of this.pings) {
      const [accountId, roomJid] = roomKey.split('\n');
      const room = this.options.rooms.existing(accountId)?.rooms.get(roomJid);
      if (!ping.inFlight && room?.state !== 'joined') this.pings.delete(roomKey);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.stopJoined();
    this.pings.clear();
  }

  private heard(accountId: string, stanza: Element): void {
    const from = stanza.attrs.from;
    if (typeof from !== 'string') return;
    const slash = from.indexOf('/');
    const ping = this.pings.get(key(accountId, slash === -1 ? from : from.slice(0, slash)));
    if (!ping) return;
    // An error from the room (a message refused: "you are not in this room") is a reason to ask.
    ping.lastHeard = stanza.attrs.type === 'error' ? -Infinity : this.options.now();
  }

  private async ping(account: AccountRooms, room: Room, ping: RoomPing, xmpp: SessionXmpp): Promise<void> {
    const nick = room.nick;
    ping.inFlight = true;
    let outcome: SelfPingOutcome = 'joined';
    try {
      await xmpp.iqCaller.get(xml('ping', { xmlns: NS_PING }), jidOf(room.room, nick), this.times.timeoutMs);
    } catch (error) {
      outcome = selfPingOutcome(error);
    } finally {
      ping.inFlight = false;
    }
    const now = this.options.now();
    // The answer is about the room as it was asked: left, rejoined or renamed since, it says nothing.
    const current = account.rooms.get(room.room);
    if (current !== room || room.state !== 'joined' || room.nick !== nick) return;
    if (outcome === 'joined') {
      ping.lastHeard = now;
    } else if (outcome === 'undecided') {
      ping.notBefore = now + this.times.retryMs;
      this.options.log.info('self-ping undecided; asking again later', { room: room.room });
    } else {
      this.rejoin(account, room);
    }
  }

  /** The room no longer counts us in: join again as before (nick, password), and say so. */
  private rejoin(account: AccountRooms, room: Room): void {
    const { rooms, joins, log } = this.options;
    log.info('self-ping: not in the room any more; joining again', { room: room.room });
    this.pings.delete(key(account.accountId, room.room));
    rooms.clearOccupants(room);
    room.state = 'joining';
    rooms.notice(room, { code: 'muc.selfPingRejoining' });
    rooms.changedRoom(room);
    background(joins.sendJoin(account, room), log, 'join');
  }
}

function key(accountId: string, room: string): string {
  return `${accountId}\n${room}`;
}
