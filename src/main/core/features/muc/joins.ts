/**
 * Entering and leaving rooms, our nick in them, and the presence we send them (XEP-0045 §7.1–§7.7).
 *
 * - A join completes on self-presence (status 110), which comes after every other occupant; each room
 *   answers its own join, so autojoined rooms become usable one by one. A second join command for a
 *   room whose join is out waits for the same answer.
 * - After a new session (not a resumed stream) every room we were in is joined again.
 * - Rooms we are in hear our show and status whenever they change.
 */
import xml, { type Element } from '@xmpp/xml';
import { jidOf } from '../../../../shared/jid';
import type { ParsedInput, RoomView } from '../../../../shared/contract';
import type { Show } from '../../../../shared/presence';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountManager } from '../../accounts/account-manager';
import { onlineClient } from '../../accounts/client';
import type { Logger } from '../../log';
import { background } from '../../util/background';
import { NS_MUC } from '../../xmpp/ns';
import { newRoom, notConnected, type AccountRooms, type MucRooms, type PendingNick, type Room } from './rooms';

export const JOIN_TIMEOUT_MS = 30_000;

export class RoomJoins {
  constructor(
    private readonly rooms: MucRooms,
    private readonly accounts: Pick<AccountManager, 'list'>,
    private readonly log: Logger,
    /** What our room presence carries besides show and status (our XEP-0153 avatar hash). */
    private readonly ownExtras: (accountId: string) => Element[] = () => [],
  ) {}

  async join(input: ParsedInput<'muc.join'>): Promise<Result<RoomView>> {
    const account = this.rooms.account(input.accountId);
    if (!onlineClient(account.xmpp)) return notConnected();
    let room = account.rooms.get(input.room);
    if (room && room.state === 'joined' && room.nick === input.nick) return ok(this.rooms.view(room));
    if (!room) {
      room = newRoom(account.accountId, input.room, input.nick);
      account.rooms.set(input.room, room);
    }
    room.nick = input.nick;
    if (input.password !== undefined) room.password = input.password || null;
    room.configureOnCreate = input.configure === true;
    const wasJoining = room.state === 'joining' && room.joinSent;
    room.state = 'joining';
    room.error = null;
    this.rooms.changedRoom(room);
    const answer = this.rooms.waitForJoin(room, JOIN_TIMEOUT_MS, () => fail('timeout', 'muc.joinTimeout'));
    if (!wasJoining) {
      const sent = await this.sendJoin(account, room);
      if (!sent) this.rooms.settle(room, fail('not_connected', 'muc.joinNotSent'));
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
    if (!result.ok) this.log.warn('autojoin failed', { room: bookmark.room, error: result.error.reason });
  }

  leave(input: ParsedInput<'muc.leave'>): Result<null> {
    const account = this.rooms.existing(input.accountId);
    const room = account?.rooms.get(input.room);
    if (!account || !room) return ok(null);
    const xmpp = onlineClient(account.xmpp);
    if (xmpp && (room.state === 'joined' || room.state === 'joining')) {
      void xmpp.send(xml('presence', { to: jidOf(room.room, room.nick), type: 'unavailable' })).catch(() => {});
    }
    this.rooms.settle(room, fail('not_found', 'muc.left'));
    if (room.nickChange) clearTimeout(room.nickChange.timer);
    this.rooms.remove(account, room);
    return ok(null);
  }

  /** A nick change answers on the room's 303 (renamed) or its error for the new nick. */
  async setNick(input: ParsedInput<'muc.setNick'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    if (room.nick === input.nick) return ok(null);
    if (room.nickChange) return fail('conflict', 'muc.nickChangePending');
    const answer = new Promise<Result<null>>((resolve) => {
      const timer = setTimeout(() => {
        room.nickChange = null;
        resolve(fail('timeout', 'muc.nickTimeout'));
      }, JOIN_TIMEOUT_MS);
      room.nickChange = { nick: input.nick, resolve, timer };
    });
    try {
      await xmpp.send(xml('presence', { to: jidOf(room.room, input.nick) }));
    } catch {
      const pending = room.nickChange as PendingNick | null;
      if (pending) clearTimeout(pending.timer);
      room.nickChange = null;
      return fail('not_connected', 'muc.nickNotSent');
    }
    return answer;
  }

  /** A new session is in no room: join again every room we were in or joining. */
  rejoinAll(account: AccountRooms): void {
    for (const room of account.rooms.values()) {
      if (room.state === 'joined' || room.state === 'joining')
        background(this.sendJoin(account, room), this.log, 'join');
    }
  }

  /** The connection went away: rooms are joined again on the next session; until then occupants are stale. */
  wentOffline(account: AccountRooms): void {
    account.xmpp = null;
    for (const room of account.rooms.values()) {
      if (room.state !== 'joined' && room.state !== 'joining') continue;
      room.state = 'joining';
      room.joinSent = false;
      this.rooms.clearOccupants(room);
      this.rooms.changedRoom(room);
    }
  }

  /** Our presence on the account changed: rooms we are in hear it too (offline is handled by the session). */
  ownPresenceChanged(accountId: string, show: Show | 'offline', status: string | null): void {
    if (show === 'offline') return;
    const account = this.rooms.account(accountId);
    if (account.own.show === show && account.own.status === status) return;
    account.own = { show, status };
    this.sendOwnToRooms(account);
  }

  /** What else our room presence carries changed (our avatar's hash, XEP-0153): rooms we are in hear it. */
  ownExtrasChanged(accountId: string): void {
    this.sendOwnToRooms(this.rooms.account(accountId));
  }

  private sendOwnToRooms(account: AccountRooms): void {
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return;
    for (const room of account.rooms.values()) {
      if (room.state !== 'joined') continue;
      const children = [...ownChildren(account.own), ...this.ownExtras(account.accountId)];
      void xmpp.send(xml('presence', { to: jidOf(room.room, room.nick) }, ...children)).catch(() => {});
    }
  }

  /** Sends the join presence (with the password, if any, and our show and status). */
  async sendJoin(account: AccountRooms, room: Room): Promise<boolean> {
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
          ...this.ownExtras(account.accountId),
        ),
      );
      return true;
    } catch (error) {
      this.log.warn('join could not be sent', { room: room.room, error });
      room.joinSent = false;
      return false;
    }
  }

  /** The nick used when none is given: the account's local part. */
  defaultNick(accountId: string): string {
    const jid = this.accounts.list().find((account) => account.id === accountId)?.jid ?? 'me';
    return jid.split('@')[0] || 'me';
  }
}

function ownChildren(own: { show: Show; status: string | null }): Element[] {
  const children: Element[] = [];
  if (own.show !== 'available') children.push(xml('show', {}, own.show));
  if (own.status) children.push(xml('status', {}, own.status));
  return children;
}
