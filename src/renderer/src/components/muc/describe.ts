/**
 * Group chat in words for the UI, and what our role and affiliation allow (XEP-0045 §5.1–§5.2:
 * moderators kick and grant or revoke voice; admins and owners ban, grant or revoke moderator and
 * set affiliations up to member; owners also make owners and admins). The server has the last
 * word: its refusal is shown where the action was taken.
 */
import type { MucAffiliation, MucRole, OccupantView, RoomView } from '../../../../shared/contract';
import type { ContactName } from '../../lib/muc-nick';
import type { AffiliationGroup, RoleGroup } from '../../lib/muc-occupants';
import { cap, DISPLAY_MAX } from '../../lib/text';
import { currentLocale, t } from '../../i18n';
import { showLabel } from '../presence/describe';

/** "moderator", "no role". */
export function roleWord(role: MucRole): string {
  return t(`muc.role.${role}`);
}

/** "owner", "banned", "no affiliation". */
export function affiliationWord(affiliation: MucAffiliation): string {
  return t(`muc.affiliation.${affiliation}`);
}

/** An occupant group's heading: "Moderators", "No affiliation". */
export function occupantGroupLabel(group: RoleGroup | AffiliationGroup): string {
  return t(`muc.group.${group}`);
}

/** The local part of a room (or account) JID, else the whole JID. */
export function localPart(jid: string): string {
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}

/** A room's short name for lists: its bookmark name, else its local part. */
export function roomName(room: string, bookmarkName?: string | null): string {
  return cap(bookmarkName?.trim() || localPart(room), DISPLAY_MAX);
}

export function roomStateText(view: Pick<RoomView, 'state' | 'occupantCount'>): string {
  if (view.state === 'joined') return t('muc.state.joined', view.occupantCount);
  return t(`muc.state.${view.state}`);
}

/** "moderator, owner" for our own standing in a room. */
export function standingText(role: MucRole, affiliation: MucAffiliation): string {
  return t('muc.standing', { role: roleWord(role), affiliation: affiliationWord(affiliation) });
}

/**
 * An occupant row's accessible name: the nick as shown, whether it is us, the role and the
 * affiliation (what they may do, always said: "no affiliation" too), the presence, a hidden-character
 * or look-alike warning, the real address when the room shows it, and the status text.
 * "Bob, participant, no affiliation, available, bob@example.org".
 */
export function occupantLabel(
  view: Pick<OccupantView, 'self' | 'role' | 'affiliation' | 'show' | 'jid' | 'status'>,
  shown: { text: string; hidden: boolean },
  imitates: ContactName | null,
): string {
  const parts = [shown.text];
  if (view.self) parts.push(t('muc.occupantLabel.you'));
  parts.push(
    roleWord(view.role),
    affiliationWord(view.affiliation),
    showLabel(view.show).toLocaleLowerCase(currentLocale()),
  );
  if (shown.hidden) parts.push(t('muc.occupantLabel.hidden'));
  const address = view.jid ? view.jid.split('/')[0] : null;
  if (imitates) {
    parts.push(
      address
        ? t('muc.occupantLabel.imitates', { name: imitates.name, address })
        : t('muc.occupantLabel.imitatesUnknown', { name: imitates.name }),
    );
  } else if (address) parts.push(address);
  if (view.status) parts.push(cap(view.status.trim(), 200));
  return parts.join(', ');
}

const AFFILIATION_RANK: Readonly<Record<MucAffiliation, number>> = {
  outcast: 0,
  none: 1,
  member: 2,
  admin: 3,
  owner: 4,
};

export type ModerationKind = 'kick' | 'voice' | 'devoice' | 'moderator' | 'unmoderator' | 'affiliation';

export interface ModerationAction {
  kind: ModerationKind;
  label: string;
  role?: MucRole;
  affiliation?: MucAffiliation;
  /** Asks "are you sure" styling. */
  danger?: boolean;
}

export interface Standing {
  role: MucRole;
  affiliation: MucAffiliation;
}

/** The affiliations we may give `target` (empty when we may not change theirs). */
export function assignableAffiliations(us: Standing, target: Pick<OccupantView, 'affiliation'>): MucAffiliation[] {
  if (us.affiliation === 'owner') return ['owner', 'admin', 'member', 'none', 'outcast'];
  if (us.affiliation === 'admin' && AFFILIATION_RANK[target.affiliation] < AFFILIATION_RANK.admin) {
    return ['member', 'none', 'outcast'];
  }
  return [];
}

/** What we may do to `target`, in menu order; empty when nothing (the menu is then hidden). */
export function moderationActions(us: Standing, target: OccupantView): ModerationAction[] {
  if (target.self) return [];
  const actions: ModerationAction[] = [];
  const moderator = us.role === 'moderator';
  const targetRank = AFFILIATION_RANK[target.affiliation];
  const ourRank = AFFILIATION_RANK[us.affiliation];
  // Nobody kicks, silences or demotes an admin or owner; nor anyone of a higher affiliation.
  const protectedTarget = targetRank >= AFFILIATION_RANK.admin || targetRank > ourRank;
  if (moderator && !protectedTarget) {
    actions.push({ kind: 'kick', label: t('muc.action.kick'), role: 'none', danger: true });
    if (target.role === 'visitor') {
      actions.push({ kind: 'voice', label: t('muc.action.voice'), role: 'participant' });
    }
    if (target.role === 'participant') {
      actions.push({ kind: 'devoice', label: t('muc.action.devoice'), role: 'visitor' });
    }
  }
  if (ourRank >= AFFILIATION_RANK.admin) {
    if (target.role !== 'moderator') {
      actions.push({ kind: 'moderator', label: t('muc.action.moderator'), role: 'moderator' });
    } else if (targetRank < AFFILIATION_RANK.admin) {
      actions.push({ kind: 'unmoderator', label: t('muc.action.unmoderator'), role: 'participant' });
    }
  }
  for (const affiliation of assignableAffiliations(us, target)) {
    if (affiliation === target.affiliation) continue;
    actions.push({
      kind: 'affiliation',
      label: t(`muc.action.${affiliation}`),
      affiliation,
      danger: affiliation === 'outcast',
    });
  }
  return actions;
}

/** The affiliation lists we may view and edit (admins: members and outcasts; owners: all four). */
export function editableLists(us: Standing): ('member' | 'admin' | 'owner' | 'outcast')[] {
  if (us.affiliation === 'owner') return ['member', 'admin', 'owner', 'outcast'];
  if (us.affiliation === 'admin') return ['member', 'outcast'];
  return [];
}

/** An affiliation list's name: "Members", "Banned". */
export function listLabel(list: 'member' | 'admin' | 'owner' | 'outcast'): string {
  return t(`muc.list.${list}`);
}

/** The subject may be changed by moderators (rooms may also allow participants; the server decides). */
export function canEditSubject(us: Standing): boolean {
  return us.role === 'moderator';
}

/** The MUC service to browse first: conference.<the account's domain>. */
export function defaultService(accountJid: string): string {
  const domain = accountJid.slice(accountJid.indexOf('@') + 1).split('/')[0];
  return `conference.${domain}`;
}
