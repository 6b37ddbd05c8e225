/**
 * Which room invitations become a prompt, and what the prompt may say about who sent them.
 *
 * - A mediated invitation (XEP-0045 §7.8.2, `<x xmlns='…muc#user'><invite from='…'/>`) is written by
 *   the room: it counts only when the stanza comes from a bare JID that is a room we are in or
 *   joining, or a room on a service we know as a MUC service (one we have a room on, bookmarked,
 *   or browsed). Who the room says invited us is its claim, kept apart from the sender.
 * - A direct invitation (XEP-0249) may come from anyone; from someone not in our roster it is
 *   marked as from a stranger.
 * - At most one prompt per sender per hour, however many rooms they name.
 * The prompt always names the JID that actually sent the stanza. One prompt per room; accepting joins
 * (with the invitation's password), declining a mediated one tells the room.
 *
 * Sending: directly (XEP-0249) when one of the invitee's online devices says in its caps that it
 * reads direct invitations, else through the room (XEP-0045 §7.8.2), which reaches any client and
 * offline storage. A members-only room adds whom it invites to its members, so there the
 * invitation goes through the room whatever the caps say. The command may name the way instead.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { bareJid, domainOf, normalizeBareJid, normalizeJid } from '../../../../shared/jid';
import type { ParsedInput, RoomInfoView, RoomInviteView, RoomView } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { EventBus } from '../../events';
import type { RateLimitedLogger } from '../../log';
import { capText } from '../../util/text';
import { NS_CONFERENCE, NS_MUC_USER } from '../../xmpp/ns';
import type { MucAdmin } from './admin';
import type { RoomJoins } from './joins';
import type { AccountRooms, MucRooms } from './rooms';

/** Pending invitations kept per account. */
export const INVITES_MAX = 100;
/** One prompt per sender per this long. */
export const INVITE_INTERVAL_MS = 60 * 60_000;
/** Senders remembered for the interval; past this the oldest are forgotten (a flood of senders). */
const SENDERS_MAX = 10_000;

/** What the gate asks of the account's state. */
export interface InvitationContext {
  /** True when we are in `room` or joining it. */
  inOrJoining(room: string): boolean;
  /** True when `domain` is a MUC service we know. */
  isMucService(domain: string): boolean;
  inRoster(bare: string): boolean;
}

export interface Invitation {
  room: string;
  /** The bare JID that sent the stanza (for a mediated invitation: the room). */
  sender: string;
  /** Who the room says invited us (mediated only): a claim, never checked. */
  claimedInviter: string | null;
  /** A direct invitation from someone not in our roster. */
  stranger: boolean;
  reason: string | null;
  password: string | null;
  kind: 'direct' | 'mediated';
}

export type InvitationRead =
  { kind: 'none' } | { kind: 'invitation'; invitation: Invitation } | { kind: 'refused'; why: string; from: string };

/** Reads an invitation from a message and checks its sender; 'none' when the message has none. */
export function readInvitation(stanza: Element, context: InvitationContext): InvitationRead {
  const rawFrom = typeof stanza.attrs.from === 'string' ? stanza.attrs.from : '';
  const userX = stanza.getChild('x', NS_MUC_USER);
  const mediated = userX?.getChild('invite');
  if (mediated) {
    const from = normalizeJid(rawFrom);
    const refused = (why: string) => ({ kind: 'refused', why, from: rawFrom.slice(0, 200) }) as const;
    if (from === null || from.includes('/') || !from.includes('@'))
      return refused('mediated invitation not from a room');
    if (!context.inOrJoining(from) && !context.isMucService(domainOf(from))) {
      return refused('mediated invitation from a service we do not know as a MUC service');
    }
    const claimed = typeof mediated.attrs.from === 'string' ? normalizeJid(mediated.attrs.from) : null;
    return {
      kind: 'invitation',
      invitation: {
        room: from,
        sender: from,
        claimedInviter: claimed,
        stranger: false,
        reason: capOrNull(mediated.getChildText('reason')),
        password: userX?.getChildText('password') ?? null,
        kind: 'mediated',
      },
    };
  }
  const direct = stanza.getChild('x', NS_CONFERENCE);
  if (!direct) return { kind: 'none' };
  const full = normalizeJid(rawFrom);
  const sender = full === null ? null : bareJid(full);
  const room = typeof direct.attrs.jid === 'string' ? normalizeBareJid(direct.attrs.jid) : null;
  if (sender === null)
    return { kind: 'refused', why: 'direct invitation from an invalid JID', from: rawFrom.slice(0, 200) };
  if (room === null || !room.includes('@'))
    return { kind: 'refused', why: 'invitation to an invalid room', from: sender };
  return {
    kind: 'invitation',
    invitation: {
      room,
      sender,
      claimedInviter: null,
      stranger: !context.inRoster(sender),
      reason: capOrNull(typeof direct.attrs.reason === 'string' ? direct.attrs.reason : null),
      password: typeof direct.attrs.password === 'string' ? direct.attrs.password : null,
      kind: 'direct',
    },
  };
}

function capOrNull(text: string | null | undefined): string | null {
  return text ? capText(text, 1024) : null;
}

/** At most one prompt per (account, sender's bare JID) per INVITE_INTERVAL_MS. */
export class InvitationLimiter {
  private readonly lastPrompt = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly intervalMs = INVITE_INTERVAL_MS,
  ) {}

  /** True (and counted) when `sender` may prompt now. */
  allow(accountId: string, sender: string): boolean {
    const key = `${accountId}\0${bareJid(sender)}`;
    const t = this.now();
    const last = this.lastPrompt.get(key);
    if (last !== undefined && t - last < this.intervalMs) return false;
    this.lastPrompt.delete(key); // re-inserted last: the map's order is the eviction order
    this.lastPrompt.set(key, t);
    if (this.lastPrompt.size > SENDERS_MAX) this.lastPrompt.delete(this.lastPrompt.keys().next().value as string);
    return true;
  }

  forgetAccount(accountId: string): void {
    for (const key of this.lastPrompt.keys()) if (key.startsWith(`${accountId}\0`)) this.lastPrompt.delete(key);
  }
}

type StoredInvite = RoomInviteView & { password: string | null };

export interface InvitationOptions {
  rooms: MucRooms;
  joins: RoomJoins;
  admin: MucAdmin;
  bus: EventBus;
  floodLog: RateLimitedLogger;
  now: () => number;
  inRoster: (accountId: string, bare: string) => boolean;
  /** True when one of the contact's online devices announces jabber:x:conference in its caps. */
  readsDirectInvitations: (accountId: string, bare: string) => boolean;
  /** What the room says about itself (members-only, among others); an error: not known. */
  roomInfo: (accountId: string, room: string) => Promise<Result<RoomInfoView>>;
}

/**
 * How an invitation goes: as the user chose, else directly when the invitee reads direct
 * invitations and the room is not members-only (only a mediated one makes them a member).
 */
export function invitationWay(choice: {
  direct: boolean | undefined;
  readsDirect: boolean;
  membersOnly: boolean | null;
}): 'direct' | 'mediated' {
  if (choice.direct !== undefined) return choice.direct ? 'direct' : 'mediated';
  return choice.readsDirect && choice.membersOnly !== true ? 'direct' : 'mediated';
}

/** The invitations waiting for an answer, per account, and the commands that send and answer them. */
export class RoomInvitations {
  private readonly pending = new Map<string, Map<string, StoredInvite>>();
  private readonly prompts: InvitationLimiter;

  constructor(private readonly options: InvitationOptions) {
    this.prompts = new InvitationLimiter(options.now);
  }

  invites(): RoomInviteView[] {
    const all: RoomInviteView[] = [];
    for (const invites of this.pending.values()) {
      for (const { password: _password, ...invite } of invites.values()) all.push(invite);
    }
    return all;
  }

  /** Reads an invitation in a message; returns true when the message was one (taken or refused). */
  read(account: AccountRooms, stanza: Element): boolean {
    const { admin, floodLog, inRoster } = this.options;
    const read = readInvitation(stanza, {
      inOrJoining: (room) => ['joined', 'joining'].includes(account.rooms.get(room)?.state ?? ''),
      isMucService: (domain) => admin.knownServices(account).has(domain),
      inRoster: (jid) => inRoster(account.accountId, jid),
    });
    if (read.kind === 'refused') floodLog.warn(`invite.${read.why}`, `${read.why}; ignored`, { from: read.from });
    else if (read.kind === 'invitation') this.invited(account, read.invitation);
    return read.kind !== 'none';
  }

  /**
   * Invites a contact to a room we are in, directly (XEP-0249, with the room's password if any) or
   * through the room (XEP-0045 §7.8.2); see invitationWay.
   */
  async invite(input: ParsedInput<'muc.invite'>): Promise<Result<null>> {
    const { rooms, readsDirectInvitations, roomInfo } = this.options;
    const { room, xmpp, error } = rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    const readsDirect = input.direct === undefined && readsDirectInvitations(input.accountId, bareJid(input.jid));
    // Asked only when it decides something: a members-only room must invite through itself.
    const info = readsDirect ? await roomInfo(input.accountId, room.room) : null;
    const way = invitationWay({
      direct: input.direct,
      readsDirect,
      membersOnly: info?.ok ? info.value.membersOnly : null,
    });
    try {
      if (way === 'direct') {
        const attrs: Record<string, string> = { xmlns: NS_CONFERENCE, jid: room.room };
        if (input.reason) attrs.reason = input.reason;
        if (room.password) attrs.password = room.password;
        await xmpp.send(xml('message', { to: input.jid }, xml('x', attrs)));
      } else {
        const reason = input.reason ? xml('reason', {}, input.reason) : null;
        const invite = xml('x', { xmlns: NS_MUC_USER }, xml('invite', { to: input.jid }, reason));
        await xmpp.send(xml('message', { to: room.room }, invite));
      }
      return ok(null);
    } catch {
      return fail('not_connected', 'muc.inviteNotSent');
    }
  }

  async answer(input: ParsedInput<'muc.answerInvite'>): Promise<Result<RoomView | null>> {
    const { rooms, joins, bus } = this.options;
    const account = rooms.account(input.accountId);
    const invites = this.pending.get(input.accountId);
    const invite = invites?.get(input.id);
    if (!invites || !invite) return fail('not_found', 'muc.inviteGone');
    invites.delete(input.id);
    bus.emit({ type: 'muc.inviteRemoved', accountId: account.accountId, id: input.id });
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
    const nick = input.nick ?? joins.defaultNick(account.accountId);
    return joins.join({
      accountId: account.accountId,
      room: invite.room,
      nick,
      password: invite.password ?? undefined,
    });
  }

  forgetAccount(accountId: string): void {
    this.prompts.forgetAccount(accountId);
    this.pending.delete(accountId);
  }

  private invited(account: AccountRooms, invite: Invitation): void {
    const { bus, floodLog, now } = this.options;
    const room = account.rooms.get(invite.room);
    if (room && (room.state === 'joined' || room.state === 'joining')) return; // already there
    let invites = this.pending.get(account.accountId);
    if (!invites) this.pending.set(account.accountId, (invites = new Map()));
    for (const existing of invites.values()) {
      if (existing.room === invite.room) return; // one prompt per room
    }
    if (invites.size >= INVITES_MAX) {
      floodLog.warn('invite.too-many', 'too many pending invitations; ignored', { room: invite.room });
      return;
    }
    if (!this.prompts.allow(account.accountId, invite.sender)) {
      floodLog.info('invite.rate', 'more than one invitation from a sender within an hour; ignored', {
        from: invite.sender,
      });
      return;
    }
    const { sender, password, ...rest } = invite;
    const stored = { accountId: account.accountId, id: randomUUID(), ...rest, from: sender, at: now(), password };
    invites.set(stored.id, stored);
    const { password: _password, ...view } = stored;
    bus.emit({ type: 'muc.invite', invite: view });
  }
}
