/**
 * Which rooms allow end-to-end encryption, and to whom a room message is encrypted (what
 * Conversations and Dino do): only a members-only, non-anonymous room qualifies, because only there
 * is every member's real JID known, and its messages go to every device of every member.
 *
 * - The room's configuration is read from its disco#info when we join it, and again when it says
 *   its configuration changed (status 104, 170–174).
 * - The members are its owners, admins and members (admin queries at join), kept current from the
 *   room's own stanzas: occupant presence with an affiliation and real JID, and the room's
 *   messages announcing an absent user's new affiliation. Only stanzas from the room itself count:
 *   presence from room/nick, configuration and affiliation notices from the room's bare JID (an
 *   occupant's message may carry anything). An occupant who is not a member is never a recipient;
 *   a member who loses the affiliation stops being one at once.
 */
import type { Element } from '@xmpp/xml';
import type { AffiliationEntryView, ParsedInput, RoomInfoView } from '../../../../shared/contract';
import { bareJid, normalizeBareJid, normalizeJid } from '../../../../shared/jid';
import type { Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionXmpp } from '../../accounts/client';
import type { EncryptedRooms, RoomRecipients } from '../../encryption/rooms';
import type { Logger } from '../../log';
import { background } from '../../util/background';
import { NS_MUC_USER } from '../../xmpp/ns';

/** Status codes that tell occupants the room's configuration changed (XEP-0045 §10.2.1). */
const CONFIG_CHANGED = new Set(['104', '170', '171', '172', '173', '174']);
const MEMBER_AFFILIATIONS = ['owner', 'admin', 'member'] as const;
const NOT_MEMBER = new Set(['none', 'outcast']);

type RoomConfig = 'unknown' | 'not-members-only' | 'anonymous' | 'eligible';

interface RoomMembership {
  config: RoomConfig;
  /** Members by bare JID (without ours). */
  members: Set<string>;
  /** Bumped by each check: an older check's answer is dropped. */
  generation: number;
  /** A check is under way (until its answer, the last configuration read stands). */
  checking: boolean;
  /**
   * Members the room's stanzas added (true) or dropped (false) while a check was under way: they
   * are newer than the lists it fetched, so they stand over its answer.
   */
  seenDuringCheck: Map<string, boolean>;
}

/** What this needs of the MUC feature. */
export interface RoomsForEncryption {
  isRoom(accountId: string, bare: string): boolean;
  roomInfo(input: ParsedInput<'muc.roomInfo'>): Promise<Result<RoomInfoView>>;
  affiliations(input: ParsedInput<'muc.affiliations'>): Promise<Result<AffiliationEntryView[]>>;
  onJoined(listener: (accountId: string, room: string) => void): () => void;
}

export interface RoomEncryptionOptions {
  rooms: RoomsForEncryption;
  log: Logger;
  /** The account's bare JID (we are not our own recipient). */
  accountJid(accountId: string): string | null;
  /** A room's configuration or members changed (its lock's state may have). */
  onChanged?(accountId: string, room: string): void;
  /** A member to encrypt to: read their device list (and keys) ahead of the first message. */
  refreshDevices?(accountId: string, jid: string): Promise<void>;
  /** A room's configuration was read: messages that waited for it can be encrypted now. */
  onReady?(accountId: string): void;
}

/** An <item/> of muc#user: the real JID and affiliation it names, as given. */
interface MemberItem {
  jid?: unknown;
  affiliation?: unknown;
}

export class RoomEncryption implements AccountLifecycleListener, EncryptedRooms {
  private readonly accounts = new Map<string, Map<string, RoomMembership>>();

  constructor(private readonly options: RoomEncryptionOptions) {
    options.rooms.onJoined((accountId, room) => background(this.check(accountId, room), options.log, 'room check'));
  }

  // ---------- lifecycle ----------

  /** Registered before the MUC feature, which consumes room presence: reads, never consumes. */
  onClient(accountId: string, xmpp: SessionXmpp): void {
    xmpp.middleware.use((ctx, next) => {
      const stanza = ctx.stanza;
      if ((stanza.name === 'presence' || stanza.name === 'message') && stanza.getChild('x', NS_MUC_USER)) {
        try {
          this.read(accountId, stanza);
        } catch (error) {
          this.options.log.warn('room stanza not read for encryption', { accountId, error });
        }
      }
      return next();
    });
    // Occupant presence of our rooms is read from the stream text and never reaches the middleware.
    xmpp.hooks.onRawRoomPresenceTaken(
      (raw) => {
        if (raw.type === 'error' || typeof raw.from !== 'string') return;
        const items = raw.mucItem ? [{ jid: raw.itemJid, affiliation: raw.itemAffiliation }] : [];
        this.readPresenceItems(accountId, raw.from, items);
      },
      (error) => this.options.log.warn('room presence not read for encryption', { accountId, error }),
    );
  }

  onRemoved(accountId: string): void {
    this.accounts.delete(accountId);
  }

  // ---------- for the encryption layer ----------

  isRoom(accountId: string, jid: string): boolean {
    return this.options.rooms.isRoom(accountId, jid) || (this.accounts.get(accountId)?.has(jid) ?? false);
  }

  recipients(accountId: string, room: string): RoomRecipients {
    const state = this.accounts.get(accountId)?.get(room);
    // Not read yet, or being read: worth waiting for; read and unreadable (no member list): not.
    if (!state || state.config === 'unknown') return { blocked: 'unknown', pending: !state || state.checking };
    if (state.config !== 'eligible') return { blocked: state.config };
    return { members: [...state.members] };
  }

  roomsOf(accountId: string, member: string): string[] {
    const rooms: string[] = [];
    for (const [room, state] of this.accounts.get(accountId) ?? []) if (state.members.has(member)) rooms.push(room);
    return rooms;
  }

  // ---------- reading the room ----------

  /** Reads the room's configuration and, when it qualifies, its member lists. */
  async check(accountId: string, room: string): Promise<void> {
    const state = this.state(accountId, room);
    const generation = ++state.generation;
    state.checking = true;
    state.seenDuringCheck.clear();
    const info = await this.options.rooms.roomInfo({ accountId, room });
    if (generation !== state.generation) return;
    let config: RoomConfig = 'unknown';
    if (info.ok) {
      config =
        info.value.membersOnly !== true
          ? 'not-members-only'
          : info.value.nonAnonymous !== true
            ? 'anonymous'
            : 'eligible';
    } else {
      this.options.log.info('room configuration not read', { room, reason: info.error.reason });
    }
    const members = new Set<string>();
    for (const affiliation of config === 'eligible' ? MEMBER_AFFILIATIONS : []) {
      const list = await this.options.rooms.affiliations({ accountId, room, affiliation });
      if (generation !== state.generation) return;
      if (!list.ok) {
        // Without the full list we do not know whom to encrypt to.
        this.options.log.info('room member list not read', { room, affiliation, reason: list.error.reason });
        config = 'unknown';
        break;
      }
      for (const entry of list.value) this.addMember(accountId, members, entry.jid);
    }
    // Whether the room can be encrypted to depends on its members' devices too: read before it is decided.
    await this.readDevices(accountId, [...members]);
    if (generation !== state.generation) return;
    for (const [jid, member] of config === 'eligible' ? state.seenDuringCheck : []) {
      if (member) this.addMember(accountId, members, jid);
      else members.delete(jid);
    }
    state.seenDuringCheck.clear();
    state.config = config;
    state.members = members;
    state.checking = false;
    this.changed(accountId, room, []);
    this.options.onReady?.(accountId);
  }

  /** Room presence and the room's own notices: affiliations of real JIDs and configuration changes. */
  private read(accountId: string, stanza: Element): void {
    const from = typeof stanza.attrs.from === 'string' ? normalizeJid(stanza.attrs.from) : null;
    if (from === null) return;
    const room = bareJid(from);
    const state = this.accounts.get(accountId)?.get(room);
    if (!state) return;
    const fromRoom = from === room;
    // Presence comes from an occupant's room JID; notices from the room's bare JID, never from an occupant.
    if (stanza.name === 'presence' ? fromRoom : !fromRoom || stanza.attrs.type === 'error') return;
    const x = stanza.getChild('x', NS_MUC_USER)!;
    const codes = x.getChildren('status').map((status) => String(status.attrs.code));
    if (stanza.name === 'message' && codes.some((code) => CONFIG_CHANGED.has(code))) {
      background(this.check(accountId, room), this.options.log, 'room check');
    }
    this.readItems(
      accountId,
      room,
      state,
      x.getChildren('item').map((item) => item.attrs),
    );
  }

  /** Occupant presence read from the stream text: the same rule as above (from an occupant's room JID). */
  private readPresenceItems(accountId: string, fromAttr: string, items: MemberItem[]): void {
    const rooms = this.accounts.get(accountId);
    // Most occupant presence is from rooms that are not read for encryption: nothing to parse then.
    if (!rooms || rooms.size === 0) return;
    const from = normalizeJid(fromAttr);
    if (from === null) return;
    const room = bareJid(from);
    const state = rooms.get(room);
    if (!state || from === room) return;
    this.readItems(accountId, room, state, items);
  }

  /** Affiliations of real JIDs: members added, those who lost it dropped. */
  private readItems(accountId: string, room: string, state: RoomMembership, items: readonly MemberItem[]): void {
    const added: string[] = [];
    let changed = false;
    for (const item of items) {
      const jid = typeof item.jid === 'string' ? normalizeBareJid(item.jid.split('/')[0]) : null;
      const affiliation = String(item.affiliation ?? '');
      if (jid === null) continue;
      const member = (MEMBER_AFFILIATIONS as readonly string[]).includes(affiliation);
      if (state.checking && (member || NOT_MEMBER.has(affiliation))) state.seenDuringCheck.set(jid, member);
      if (member && !state.members.has(jid)) {
        if (this.addMember(accountId, state.members, jid)) added.push(jid);
      } else if (NOT_MEMBER.has(affiliation) && state.members.delete(jid)) {
        changed = true;
      }
    }
    if (added.length > 0 || changed) this.changed(accountId, room, added);
  }

  private addMember(accountId: string, members: Set<string>, jid: string): boolean {
    const bare = normalizeBareJid(jid.split('/')[0]);
    if (bare === null || !bare.includes('@') || bare === this.options.accountJid(accountId)) return false;
    members.add(bare);
    return true;
  }

  /** The members' device lists, read again (one that cannot be read leaves that member without devices). */
  private async readDevices(accountId: string, members: string[]): Promise<void> {
    const refresh = this.options.refreshDevices;
    if (!refresh) return;
    await Promise.all(
      members.map((member) =>
        refresh(accountId, member).catch((error: unknown) =>
          this.options.log.info('a member’s device list not read', { accountId, error }),
        ),
      ),
    );
  }

  private changed(accountId: string, room: string, newMembers: string[]): void {
    this.options.onChanged?.(accountId, room);
    const refresh = this.options.refreshDevices;
    if (!refresh) return;
    for (const member of newMembers) background(refresh(accountId, member), this.options.log, 'reading a device list');
  }

  private state(accountId: string, room: string): RoomMembership {
    let rooms = this.accounts.get(accountId);
    if (!rooms) this.accounts.set(accountId, (rooms = new Map()));
    let state = rooms.get(room);
    if (!state)
      rooms.set(
        room,
        (state = { config: 'unknown', members: new Set(), generation: 0, checking: false, seenDuringCheck: new Map() }),
      );
    return state;
  }
}

/**
 * The real JID a room's archive gives an archived message's sender (in a non-anonymous room the
 * archive adds it). An occupant can put an element of that namespace in its own message, so a
 * message with more than one is not believed: null.
 */
export function archivedSenderJid(inner: Element): string | null {
  const xs = inner.getChildren('x', NS_MUC_USER);
  if (xs.length !== 1) return null;
  const items = xs[0].getChildren('item');
  const jid = items.length === 1 ? items[0].attrs.jid : undefined;
  return typeof jid === 'string' ? normalizeBareJid(jid.split('/')[0]) : null;
}
