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
 * The prompt always names the JID that actually sent the stanza.
 */
import type { Element } from '@xmpp/xml';
import { bareJid, domainOf, normalizeBareJid, normalizeJid } from '../../../shared/jid';
import { capText } from '../util/text';
import { NS_CONFERENCE, NS_MUC_USER } from '../xmpp/ns';

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
