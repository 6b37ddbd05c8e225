/**
 * Roles and affiliations (XEP-0045 §5, §8–§10): reading them from room presence, the notices a
 * change gives, and moderation: a role is changed by nick (kick = none, voice = participant, revoke
 * voice = visitor, moderator), an affiliation by real JID (ban = outcast, member, admin, owner, none),
 * and an affiliation list is read from the room. The room has the last word: its refusal comes back.
 */
import xml from '@xmpp/xml';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import {
  MUC_NICK_MAX,
  type AffiliationEntryView,
  type MucAffiliation,
  type MucRole,
  type ParsedInput,
} from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import type { SessionXmpp } from '../../accounts/client';
import { requestError } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_MUC_ADMIN } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { MucRooms, Occupant, Room } from './rooms';

const ROLES: ReadonlySet<string> = new Set<MucRole>(['moderator', 'participant', 'visitor', 'none']);
const AFFILIATIONS: ReadonlySet<string> = new Set<MucAffiliation>(['owner', 'admin', 'member', 'outcast', 'none']);

/** The role and affiliation the attributes of an occupant's <item/> give; anything unknown is 'none'. */
export function standing(rawRole: unknown, rawAffiliation: unknown): { role: MucRole; affiliation: MucAffiliation } {
  return {
    role: typeof rawRole === 'string' && ROLES.has(rawRole) ? (rawRole as MucRole) : 'none',
    affiliation:
      typeof rawAffiliation === 'string' && AFFILIATIONS.has(rawAffiliation)
        ? (rawAffiliation as MucAffiliation)
        : 'none',
  };
}

export class RoomRoles {
  constructor(private readonly rooms: MucRooms) {}

  /** Lines for role and affiliation changes the way XEP-0045 §8–§10 describes them. */
  changed(room: Room, occupant: Occupant, role: MucRole, affiliation: MucAffiliation): void {
    const nick = occupant.nick;
    if (occupant.role !== role) {
      if (role === 'moderator') this.rooms.notice(room, { code: 'muc.moderatorGranted', nick });
      else if (occupant.role === 'moderator') this.rooms.notice(room, { code: 'muc.moderatorRevoked', nick });
      else if (role === 'visitor') this.rooms.notice(room, { code: 'muc.voiceRevoked', nick });
      else if (role === 'participant' && occupant.role === 'visitor')
        this.rooms.notice(room, { code: 'muc.voiceGranted', nick });
    }
    if (occupant.affiliation !== affiliation)
      this.rooms.notice(room, { code: 'muc.affiliationChanged', nick, affiliation });
  }

  /** Changes an occupant's role by nick. */
  async setRole(input: ParsedInput<'muc.setRole'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    return this.change(xmpp, room, { nick: input.nick, role: input.role }, input.reason);
  }

  /** Changes the affiliation of a JID, or of an occupant by nick (the room must show their real JID). */
  async setAffiliation(input: ParsedInput<'muc.setAffiliation'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    let jid = input.jid;
    if (jid === undefined) {
      // Affiliations belong to real JIDs: find the occupant's.
      const real = room.occupants.get(input.nick!)?.jid;
      if (!real) return fail('not_found', 'muc.addressHidden', { nick: input.nick! });
      jid = bareJid(real);
    }
    return this.change(xmpp, room, { jid, affiliation: input.affiliation }, input.reason);
  }

  /** Reads one affiliation list of a room. */
  async list(input: ParsedInput<'muc.affiliations'>): Promise<Result<AffiliationEntryView[]>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    try {
      const query = await iqGet(
        xmpp,
        xml('query', { xmlns: NS_MUC_ADMIN }, xml('item', { affiliation: input.affiliation })),
        room.room,
      );
      const entries: AffiliationEntryView[] = [];
      for (const item of query?.getChildren('item') ?? []) {
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
      return requestError(err, { action: 'muc.readList' });
    }
  }

  private async change(
    xmpp: SessionXmpp,
    room: Room,
    attrs: Record<string, string>,
    reason: string | undefined,
  ): Promise<Result<null>> {
    const item = xml('item', attrs, reason ? xml('reason', {}, reason) : null);
    try {
      await xmpp.iqCaller.set(xml('query', { xmlns: NS_MUC_ADMIN }, item), room.room, IQ_TIMEOUT_MS);
      return ok(null);
    } catch (err) {
      return requestError(err, { action: 'muc.change' });
    }
  }
}
