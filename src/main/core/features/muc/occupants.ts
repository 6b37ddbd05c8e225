/**
 * Room presence (XEP-0045 §7): occupants by nick, our self-presence and the status codes.
 *
 * - Only presence whose bare `from` is a room we are in (or joining) is read as room presence, and
 *   only then are status codes believed; everything else (a 110 from a stranger) goes on to the
 *   presence feature, which drops MUC presence. Room presence never touches roster presence.
 * - Self-presence (110) completes a join; 201 (a room created for us) answers it once the room
 *   accepted its default configuration. 210 or another nick in it is the nick the room assigned.
 * - 303 renames; 301, 307, 321, 322, 332 and 333 remove (ours too); 333 (a technical removal)
 *   rejoins once.
 */
import type { Element } from '@xmpp/xml';
import { normalizeBareJid, normalizeJid } from '../../../../shared/jid';
import { parseShow } from '../../../../shared/presence';
import { ok, type Result } from '../../../../shared/result';
import type { Logger, RateLimitedLogger } from '../../log';
import { background } from '../../util/background';
import type { RawPresence } from '../../accounts/stream/raw-presence';
import { capText, detach } from '../../util/text';
import { NS_STANZAS } from '../../xmpp/ns';
import type { MucAdmin } from './admin';
import { readDestroyed, roomDestroyed } from './destroy';
import type { RoomJoins } from './joins';
import { joinRefusal, removal, removalOf } from './room-errors';
import { occupantPresenceOf, rawOccupantPresence, type OccupantPresence } from './occupant-presence';
import { standing, type RoomRoles } from './roles';
import type { AccountRooms, MucRooms, Room } from './rooms';

/** A nick longer than this many bytes is not a valid resourcepart (RFC 7622): the occupant is ignored. */
const NICK_BYTES_MAX = 1023;
/** Role changes kept per occupant (this session only, in memory). */
const ROLE_CHANGES_MAX = 5;

export interface RoomPresenceOptions {
  rooms: MucRooms;
  joins: RoomJoins;
  roles: RoomRoles;
  admin: MucAdmin;
  log: Logger;
  floodLog: RateLimitedLogger;
  now?: () => number;
  /** Another occupant left (renamedTo null) or changed nick. */
  occupantGone?: (room: Room, nick: string, renamedTo: string | null) => void;
}

export class RoomPresence {
  private readonly rooms: MucRooms;

  constructor(private readonly options: RoomPresenceOptions) {
    this.rooms = options.rooms;
  }

  /** Returns true when the presence was a room's (consumed). */
  read(account: AccountRooms, stanza: Element): boolean {
    return this.receive(account, stanza.attrs.from, stanza, null);
  }

  /** The same for room presence the lean stream parser read from the text (no type, or unavailable). */
  readRaw(account: AccountRooms, raw: RawPresence): boolean {
    return this.receive(account, raw.from, null, raw);
  }

  private receive(account: AccountRooms, from: unknown, stanza: Element | null, raw: RawPresence | null): boolean {
    if (typeof from !== 'string') return false;
    const slash = from.indexOf('/');
    const bare = normalizeBareJid(slash === -1 ? from : from.slice(0, slash));
    const room = bare === null ? undefined : account.rooms.get(bare);
    if (!room) return false;
    // A room we left (or could not enter) still shows, but what it sends now is not ours to apply.
    if (room.state === 'left' || room.state === 'error') return true;
    const nick = slash === -1 ? null : from.slice(slash + 1);
    try {
      if (stanza?.attrs.type === 'error') this.onError(room, nick, stanza);
      else if (nick !== null) {
        const presence = stanza ? occupantPresenceOf(stanza) : rawOccupantPresence(raw!);
        this.onOccupantPresence(account, room, nick, presence);
      }
    } catch (error) {
      this.options.log.error('room presence could not be handled', { room: room.room, error });
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
      const { kind: _kind, ...refused } = joinRefusal(condition, text, change.nick);
      change.resolve({ ok: false, error: refused });
      return;
    }
    if (room.state !== 'joining') {
      this.options.floodLog.info('muc.room-error', 'error from a room we are in', { room: room.room, condition });
      return;
    }
    const refusal = joinRefusal(condition, text, room.nick);
    room.state = 'error';
    room.error = refusal;
    this.rooms.clearOccupants(room);
    this.rooms.changedRoom(room);
    const { kind: _kind, ...refused } = refusal;
    this.rooms.settle(room, { ok: false, error: refused } as Result<never>);
  }

  private onOccupantPresence(account: AccountRooms, room: Room, viewNick: string, presence: OccupantPresence): void {
    if (Buffer.byteLength(viewNick) > NICK_BYTES_MAX) {
      this.options.floodLog.warn('muc.long-nick', 'occupant with an oversized nick ignored', {
        room: room.room,
        bytes: Buffer.byteLength(viewNick),
      });
      return;
    }
    // From here on kept: a copy that does not pin the parser's input chunk (the raw path's strings are views).
    const rawNick = detach(viewNick);
    const { codes, item, x } = presence;
    const { role, affiliation } = standing(item?.role, item?.affiliation);
    const self = codes.has('110');
    const reason = item?.reason != null ? detach(item.reason) : null;
    const actor = item?.actor != null ? detach(item.actor) : null;

    if (presence.type === 'unavailable') {
      const newNick = codes.has('303') ? item?.nick : undefined;
      if (typeof newNick === 'string' && newNick !== '') {
        this.renamed(room, rawNick, detach(newNick), self);
        return;
      }
      // A destroyed room may tell us without 110: our own nick with <destroy/> is ours.
      if (self || (rawNick === room.nick && x?.getChild('destroy'))) {
        this.selfLeft(account, room, x, codes, reason, actor);
        return;
      }
      this.occupantLeft(room, rawNick, codes, reason, actor);
      return;
    }

    let occupant = room.occupants.get(rawNick);
    const jid = typeof item?.jid === 'string' ? normalizeJid(item.jid) : null;
    const status = presence.status;
    const fields = {
      role,
      affiliation,
      jid: jid === null ? (occupant?.jid ?? null) : detach(jid),
      show: parseShow(presence.show),
      status: status ? detach(capText(status, 1024)) : null,
    };
    const now = this.options.now?.() ?? Date.now();
    if (occupant) {
      if (room.state === 'joined' && !self) this.options.roles.changed(room, occupant, fields.role, fields.affiliation);
      if (room.state === 'joined' && occupant.role !== fields.role) {
        occupant.roleChanges = [...(occupant.roleChanges ?? []), { role: fields.role, at: now }].slice(
          -ROLE_CHANGES_MAX,
        );
      }
      Object.assign(occupant, fields);
      occupant.view = null;
    } else {
      // Those already there when we join: when they came is not ours to know.
      const joinedAt = room.state === 'joined' || self ? now : null;
      occupant = { nick: rawNick, ...fields, joinedAt, roleChanges: null, view: null };
      room.occupants.set(rawNick, occupant);
    }
    this.rooms.occupantChanged(room, rawNick);

    if (!self) return;
    if (codes.has('210') || rawNick !== room.nick) {
      if (room.state === 'joined') this.rooms.notice(room, { code: 'muc.nickAssigned', nick: rawNick });
      if (room.occupants.has(room.nick) && room.nick !== rawNick) this.rooms.removeOccupant(room, room.nick);
      room.nick = rawNick;
    }
    room.role = role;
    room.affiliation = affiliation;
    // A room that assigns occupant-ids (XEP-0421) puts one on our own presence and replaces any an occupant sends.
    room.occupantIds = presence.occupantId;
    if (codes.has('100') || codes.has('172')) room.nonAnonymous = true;
    if (codes.has('173')) room.nonAnonymous = false;
    if (room.state !== 'joined') {
      room.state = 'joined';
      room.error = null;
      room.rejoinedAfter333 = false;
      this.rooms.changedRoom(room);
      this.rooms.joinedNow(room);
      if (codes.has('201') && room.configureOnCreate) {
        // Locked until the user submits its form (or the default): muc.configure opens it.
        room.awaitingConfiguration = true;
        this.rooms.settle(room, ok(this.rooms.view(room)));
      } else if (codes.has('201')) {
        // A new room stays locked to others until configured: answer the join once it is open.
        const setUp = this.options.admin
          .acceptDefaultConfiguration(account, room)
          .finally(() => this.rooms.settle(room, ok(this.rooms.view(room))));
        background(setUp, this.options.log, 'room setup');
      } else {
        this.rooms.settle(room, ok(this.rooms.view(room)));
      }
      return;
    }
    this.rooms.changedRoom(room);
  }

  private renamed(room: Room, from: string, to: string, self: boolean): void {
    if (Buffer.byteLength(to) > NICK_BYTES_MAX) return;
    const occupant = room.occupants.get(from);
    if (occupant) {
      this.rooms.removeOccupant(room, from);
      occupant.nick = to;
      occupant.view = null;
      room.occupants.set(to, occupant);
      this.rooms.occupantChanged(room, to);
    }
    if (self) {
      room.nick = to;
      if (room.nickChange) {
        clearTimeout(room.nickChange.timer);
        room.nickChange.resolve(ok(null));
        room.nickChange = null;
      }
      this.rooms.notice(room, { code: 'muc.selfRenamed', nick: to });
      this.rooms.changedRoom(room);
    } else {
      this.rooms.notice(room, { code: 'muc.renamed', from, to });
      this.options.occupantGone?.(room, from, to);
    }
  }

  private occupantLeft(
    room: Room,
    nick: string,
    codes: ReadonlySet<string>,
    reason: string | null,
    actor: string | null,
  ): void {
    if (!room.occupants.has(nick)) return;
    this.rooms.removeOccupant(room, nick);
    this.options.occupantGone?.(room, nick, null);
    const removed = removalOf(codes);
    if (removed) this.rooms.notice(room, { code: removed.code, ...removal(nick, actor, reason) });
    this.rooms.changedRoom(room);
  }

  private selfLeft(
    account: AccountRooms,
    room: Room,
    x: Element | undefined,
    codes: ReadonlySet<string>,
    reason: string | null,
    actor: string | null,
  ): void {
    this.rooms.clearOccupants(room);
    if (codes.has('333') && !room.rejoinedAfter333) {
      // A technical removal (XEP-0045 §9.9 / XEP-0410): try once to get back in.
      room.rejoinedAfter333 = true;
      this.rooms.notice(room, { code: 'muc.rejoining' });
      room.state = 'joining';
      this.rooms.changedRoom(room);
      background(this.options.joins.sendJoin(account, room), this.options.log, 'join');
      return;
    }
    const destroyed = readDestroyed(x);
    const removed = destroyed ? null : removalOf(codes);
    if (destroyed) {
      roomDestroyed(this.rooms, room, destroyed);
      return;
    }
    if (!removed) {
      // Not removed, and not our leave (that forgets the room): our unavailable broadcast as we go
      // offline. The room is joined again with the next session.
      room.state = 'joining';
      this.rooms.changedRoom(room);
      return;
    }
    room.state = 'left';
    room.role = 'none';
    const ours = removal(null, actor, reason);
    room.error = { kind: removed.kind, code: 'forbidden', reason: removed.code, params: ours };
    this.rooms.notice(room, { code: removed.code, ...ours });
    this.rooms.changedRoom(room);
    this.rooms.settle(room, { ok: false, error: { code: 'forbidden', reason: removed.code, params: ours } });
  }
}
