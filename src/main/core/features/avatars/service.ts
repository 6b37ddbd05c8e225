/**
 * Who is who: avatars (XEP-0084 first, XEP-0153 as the fallback) and nicknames (XEP-0172) of
 * contacts, room occupants and our own accounts, kept per account and JID (repo.ts), with their
 * pictures in the media store under their SHA-1.
 *
 * Whom we believe:
 * - PEP events (avatar metadata, nick) only from a bare JID: the PEP service of the account it is
 *   about (no `from` is our own account). A full JID's event is dropped.
 * - A presence's XEP-0153 hash is about its sender only: the contact (bare) or the occupant
 *   (room@service/nick). When the contact announced an XEP-0084 avatar this session, that one wins.
 * - Avatar bytes are fetched once per hash (the media fetcher: a few at a time, each with the IQ
 *   timeout, a failure not retried for a while) and kept only when their SHA-1 is the announced one,
 *   their type (from the bytes), size and dimensions fit the avatar limits. An avatar at a URL is
 *   fetched only over https:, and only when the data node does not have it.
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { IdentityView, MediaRef } from '../../../../shared/contract';
import { parseJid } from '../../../../shared/jid';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionXmpp } from '../../accounts/client';
import { takeStanzas } from '../../accounts/take-stanzas';
import type { SessionOnline } from '../../accounts/session-api';
import type { EventBus } from '../../events';
import { rateLimited, type Logger } from '../../log';
import type { MediaFetcher, MediaSource } from '../../media/fetcher';
import type { HttpsClient } from '../../media/https-client';
import { AVATAR_LIMITS } from '../../media/limits';
import { mediaKey, type MediaStore } from '../../media/store';
import { background } from '../../util/background';
import {
  NS_AVATAR_DATA,
  NS_AVATAR_METADATA,
  NS_MUC_USER,
  NS_NICK,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_VCARD,
} from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { AvatarSource, IdentitiesRepository } from './repo';
import { IdentityWriter, type WrittenIdentity } from './identity-writer';
import { loadKeptAvatars } from './kept-avatars';
import { detach } from '../../util/text';
import { serverConvertsAvatars } from './conversion';
import {
  isLowerSha1Hex,
  photoHash,
  readAvatarData,
  readAvatarMetadata,
  readNick,
  readVcardPhoto,
  readVcardUpdate,
  vcardUpdateElement,
} from './stanzas';

/** What the service needs of the media layer (read when first used: the media service is built later). */
export interface AvatarMedia {
  store: MediaStore;
  fetcher: MediaFetcher;
  http: HttpsClient;
}

export interface IdentityServiceOptions {
  bus: EventBus;
  log: Logger;
  repo: IdentitiesRepository;
  media: () => AvatarMedia;
  /** The account's bare JID. */
  accountJid: (accountId: string) => string | null;
  /** Sends our presence again (our XEP-0153 hash changed). */
  resendPresence: (accountId: string) => void;
  now?: () => number;
}

interface Entry extends WrittenIdentity {
  /** Whose it is (the map's key and account): the writer and the fetch queue need nothing else. */
  readonly accountId: string;
  readonly jid: string;
  /** Undefined: not known; null: none. */
  hash: string | null | undefined;
  source: AvatarSource | null;
  /** Where an XEP-0084 avatar's bytes are when not in the data node (https: only). */
  url: string | null;
  nick: string | null;
  ref: MediaRef | null;
  /** An XEP-0084 announcement came this session: presence hashes no longer replace it. */
  pepThisSession: boolean;
  /** A fetch of its picture is under way; it waits for a slot (in `waiting`). Fields: a flood asks often. */
  fetching: boolean;
  waiting: boolean;
}

/** Where the presence feature keeps a contact's entry while the contact is online (its tracker entry). */
export interface PhotoHolder {
  photoState: object | null;
}

interface AccountIdentities {
  entries: Map<string, Entry>;
  xmpp: SessionXmpp | null;
  online: boolean;
  /** Our own vCard photo's hash for our presence (XEP-0153 §4.2): undefined until read, '' for none. */
  ownPhotoHash: string | undefined;
  /** Releases the fetcher's hold taken while this session's roster loads. */
  releaseHold: (() => void) | null;
  /** The account's bare JID while this client lasts (a new JID comes with a new client); null/undefined: not known yet. */
  jid: string | null | undefined;
}

/**
 * How long a room occupant's identity is kept after it last changed. Occupants come and go by the
 * thousand in big rooms; their room presence announces the hash again when they are seen, and the
 * picture itself stays in the media store (by hash, evicted by its own limit), so forgetting them
 * costs one row when they come back.
 */
export const OCCUPANT_KEEP_MS = 14 * 24 * 60 * 60 * 1000;
/** Avatar fetches handed to the media fetcher at once (it runs a few of them on the network at a time). */
const FETCHES_AT_ONCE = 16;

/** The longest the roster holds avatar fetches back (a roster that never answers must not stop them). */
const ROSTER_HOLD_MAX_MS = 30_000;
export class IdentityService implements AccountLifecycleListener {
  private readonly accounts = new Map<string, AccountIdentities>();
  private readonly now: () => number;
  private readonly floodLog: ReturnType<typeof rateLimited>;
  private closed = false;
  /** Changed entries to the store, a flood's thousands coalesced and chunked. */
  private readonly writer: IdentityWriter<Entry>;
  /** Entries waiting for a FETCHES_AT_ONCE slot, in order (not pending fetches: a flood announces thousands). */
  private readonly waiting = new Set<Entry>();
  private fetchesUnderWay = 0;

  constructor(private readonly options: IdentityServiceOptions) {
    this.now = options.now ?? Date.now;
    this.floodLog = rateLimited(options.log, { now: this.now });
    this.writer = new IdentityWriter(options.repo, this.now, (error) =>
      this.floodLog.warn('identity.save', 'an avatar or nickname could not be stored', { error }),
    );
    const pruned = options.repo.pruneOccupants(this.now() - OCCUPANT_KEEP_MS);
    if (pruned > 0) options.log.info('forgot room occupants not seen for a while', { pruned });
    for (const record of options.repo.all()) {
      const entry = blankEntry(record.accountId, record.jid);
      entry.hash = record.avatarHash;
      entry.source = record.source;
      entry.nick = record.nick;
      this.account(record.accountId).entries.set(record.jid, entry);
    }
  }

  /** Pictures kept from earlier runs, before any connection; settles once they are in (or could not be). */
  start(): Promise<void> {
    const kept = this.loadKept();
    background(kept, this.options.log, 'kept avatars');
    return kept.catch(() => {});
  }

  // ---------- views ----------

  views(): IdentityView[] {
    const views: IdentityView[] = [];
    for (const [accountId, account] of this.accounts)
      for (const [jid, entry] of account.entries)
        if (entry.ref || entry.nick) views.push(viewOf(accountId, jid, entry));
    return views;
  }

  view(accountId: string, jid: string): IdentityView {
    const entry = this.accounts.get(accountId)?.entries.get(jid);
    return entry ? viewOf(accountId, jid, entry) : { accountId, jid, avatar: null, nick: null };
  }

  /** Our presence's XEP-0153 element: the hash, empty for none, no <photo/> while our vCard is unread. */
  ownPresenceElement(accountId: string): Element {
    return vcardUpdateElement(this.accounts.get(accountId)?.ownPhotoHash ?? null);
  }

  /**
   * Whether the account's server converts avatars (XEP-0398), from our account's features (asked once
   * per client, the first time they matter); false while offline.
   */
  serverConverts(accountId: string, own: string): Promise<boolean> {
    const xmpp = this.accounts.get(accountId)?.xmpp;
    return xmpp ? serverConvertsAvatars(xmpp, own) : Promise.resolve(false);
  }

  /** The account's client while it is online, for the profile commands. */
  session(accountId: string): SessionXmpp | null {
    const account = this.accounts.get(accountId);
    return account?.online ? account.xmpp : null;
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    const account = this.account(accountId);
    account.xmpp = xmpp;
    account.jid = undefined;
    takeStanzas(xmpp, (stanza) => {
      if (stanza.name === 'message') {
        const event = stanza.getChild('event', NS_PUBSUB_EVENT);
        const items = event?.getChild('items');
        const node = items?.attrs.node;
        if (!items || (node !== NS_AVATAR_METADATA && node !== NS_NICK)) return false;
        this.pepEvent(accountId, stanza, items);
        return true;
      }
      // Room presence goes on to the MUC feature; its XEP-0153 hash is read on the way.
      if (stanza.name === 'presence' && stanza.getChild('x', NS_MUC_USER)) {
        this.occupantPhoto(accountId, stanza.attrs.from, stanza.attrs.type, readVcardUpdate(stanza));
      }
      return false;
    });
    // The same for room presence the MUC feature took from the stream text (it skips the middleware).
    xmpp.hooks.onRawRoomPresenceTaken((raw) => {
      if (raw.photo !== undefined) this.occupantPhoto(accountId, raw.from, raw.type, photoHash(raw.photo));
    });
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.account(accountId);
    account.xmpp = online.xmpp;
    account.online = true;
    if (online.resumed) return;
    // Thousands of hashes announced at login wait until the roster is in (rosterReady).
    this.releaseRosterHold(account);
    const release = this.options.media().fetcher.hold();
    const timer = setTimeout(() => this.releaseRosterHold(account), ROSTER_HOLD_MAX_MS);
    timer.unref?.();
    account.releaseHold = () => {
      clearTimeout(timer);
      release();
    };
    for (const entry of account.entries.values()) entry.pepThisSession = false;
    background(this.readOwnVcard(accountId), this.options.log, 'own vCard');
    // Avatars announced earlier whose pictures are not kept (evicted, or refused before) are fetched now.
    for (const [jid, entry] of account.entries) if (entry.hash && !entry.ref) this.fetch(accountId, jid, entry);
  }

  onOffline(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.online = false;
    this.releaseRosterHold(account);
  }

  onRemoved(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) this.releaseRosterHold(account);
    this.accounts.delete(accountId);
  }

  /** The session's roster was answered (or failed): avatar fetches may go. */
  rosterReady(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) this.releaseRosterHold(account);
  }

  private releaseRosterHold(account: AccountIdentities): void {
    account.releaseHold?.();
    account.releaseHold = null;
  }

  close(): void {
    this.closed = true;
    this.writer.close();
    for (const account of this.accounts.values()) this.releaseRosterHold(account);
  }

  // ---------- what arrives ----------

  /**
   * A contact's (or our own other client's) presence carried an XEP-0153 hash ('' for none). Called
   * by the presence feature only for presence it owns, with the sender's bare JID, and with the
   * contact's tracker entry while it is online (`holder`): this contact's entry is kept on it once
   * found, so that the next presences reach it without a look-up (a flood: one cache miss less each).
   */
  presenceHash(accountId: string, bare: string, photo: string, holder?: PhotoHolder): void {
    let account: AccountIdentities | undefined;
    // Only this method puts an entry there, for this account and JID; entries leave with their account.
    let entry = holder?.photoState as Entry | null | undefined;
    if (!entry) {
      account = this.accounts.get(accountId);
      entry = account?.entries.get(bare);
      if (entry !== undefined && holder !== undefined) holder.photoState = entry;
    }
    // The common case in a login burst: nothing changed. A hash is kept as checked (lower-case hex),
    // so the same text again is the same hash, and nothing is allocated to see it ('' is no avatar).
    if (entry && (entry.pepThisSession || entry.hash === photo || (photo === '' && entry.hash === null))) return;
    const hash = isLowerSha1Hex(photo) ? photo : photoHash(photo);
    if (hash === undefined) return;
    if (entry && entry.hash === (hash === '' ? null : hash)) return;
    // The entry keeps a copy of the hash, not a view that pins the parser's whole input chunk.
    const changed = entry ?? this.entry(accountId, detach(bare));
    if (holder !== undefined) holder.photoState = changed;
    this.announcedTo(changed, hash === '' ? null : detach(hash), 'vcard', null);
    // Another of our clients changed our vCard photo: our own presence says so too.
    const own = account ?? this.account(accountId);
    if (own.ownPhotoHash !== hash && bare === this.ownJid(own, accountId)) {
      own.ownPhotoHash = hash;
      this.options.resendPresence(accountId);
    }
  }

  /** The account's bare JID, asked once per client (the accounts' list builds a view of each account). */
  private ownJid(account: AccountIdentities, accountId: string): string | null {
    account.jid ??= this.options.accountJid(accountId);
    return account.jid;
  }

  /** An occupant's room presence carried an XEP-0153 hash (undefined: none, or not a hash). */
  private occupantPhoto(accountId: string, from: unknown, type: unknown, hash: string | undefined): void {
    if (typeof from !== 'string' || type !== undefined) return;
    if (hash === undefined) return;
    const parsed = parseJid(from);
    if ('error' in parsed || !parsed.jid.local || parsed.jid.resource === '') return;
    const occupant = `${parsed.jid.local}@${parsed.jid.domain}/${parsed.jid.resource}`;
    const entry = this.accounts.get(accountId)?.entries.get(occupant);
    if (entry && entry.hash === (hash === '' ? null : hash)) return;
    this.announced(accountId, occupant, hash === '' ? null : detach(hash), 'vcard', null);
  }

  private pepEvent(accountId: string, stanza: Element, items: Element): void {
    const owner = this.pepOwner(accountId, stanza.attrs.from);
    if (owner === null) {
      this.floodLog.warn('identity.forged-event', 'ignored a PEP event not from a bare JID', {
        from: String(stanza.attrs.from).slice(0, 200),
      });
      return;
    }
    const published = items.getChildren('item');
    const last = published[published.length - 1];
    if (items.attrs.node === NS_NICK) {
      const nick = last ? readNick(last) : null;
      this.nickChanged(accountId, owner, nick);
      return;
    }
    if (!last) return; // a retraction: the metadata node's next publish tells more
    const announce = readAvatarMetadata(last);
    if (!announce) {
      this.floodLog.info('identity.bad-metadata', 'ignored avatar metadata without a usable avatar', { from: owner });
      return;
    }
    const entry = this.entry(accountId, owner);
    entry.pepThisSession = true;
    this.announced(accountId, owner, announce.hash, 'pep', announce.hash === null ? null : announce.url);
    const account = this.account(accountId);
    if (owner === this.ownJid(account, accountId)) void this.ownPepAvatar(account, accountId, owner, announce.hash);
  }

  /**
   * Our PEP avatar changed (published by another of our clients, or by us). On a server that converts
   * (XEP-0398) it is our vCard photo too: our presence, and the rooms we are in, carry its hash from
   * now on. Elsewhere our vCard photo did not change, and neither does the hash our presence carries.
   */
  private async ownPepAvatar(account: AccountIdentities, accountId: string, own: string, hash: string | null) {
    const photo = hash ?? '';
    if (account.ownPhotoHash === photo || !account.xmpp) return;
    if (!(await this.serverConverts(accountId, own)) || account.ownPhotoHash === photo || this.closed) return;
    account.ownPhotoHash = photo;
    this.options.resendPresence(accountId);
  }

  /** The bare JID whose PEP service sent an event, or null when the sender is not a bare JID. */
  private pepOwner(accountId: string, from: unknown): string | null {
    if (from === undefined) return this.options.accountJid(accountId);
    if (typeof from !== 'string') return null;
    const parsed = parseJid(from);
    if ('error' in parsed || parsed.jid.resource !== '') return null;
    return parsed.jid.local ? `${parsed.jid.local}@${parsed.jid.domain}` : parsed.jid.domain;
  }

  /** Our own nickname changed locally (profile.setOwn) or from a PEP event. */
  nickChanged(accountId: string, jid: string, nick: string | null): void {
    const entry = this.entry(accountId, jid);
    if (entry.nick === nick) return;
    entry.nick = nick;
    this.save(entry);
    this.emit(accountId, jid, entry);
  }

  /**
   * Someone announced an avatar (null: none). Kept and shown at once when the picture is known,
   * else fetched; what was shown stays until the new picture is in.
   */
  announced(accountId: string, jid: string, hash: string | null, source: AvatarSource, url: string | null): void {
    this.announcedTo(this.entry(accountId, jid), hash, source, url);
  }

  private announcedTo(entry: Entry, hash: string | null, source: AvatarSource, url: string | null): void {
    const { accountId, jid } = entry;
    const changed = entry.hash !== hash || entry.source !== source;
    entry.hash = hash;
    entry.source = source;
    entry.url = url;
    if (changed) this.save(entry);
    if (hash === null) {
      // Nothing was shown (no picture yet, or none): the view stays as it is, so no event either.
      if (entry.ref === null) return;
      entry.ref = null;
      this.emit(accountId, jid, entry);
      return;
    }
    if (!changed && entry.ref) return;
    this.fetch(accountId, jid, entry);
  }

  // ---------- fetching ----------

  private fetch(accountId: string, jid: string, entry: Entry): void {
    const hash = entry.hash;
    const account = this.accounts.get(accountId);
    if (!hash || !account?.online || this.closed) return;
    // One fetch per contact at a time: a presence flood may announce a new hash with every stanza.
    if (entry.fetching) return;
    if (this.fetchesUnderWay >= FETCHES_AT_ONCE) {
      // Already waiting: it keeps its place (and nothing is allocated or looked up per announcement of a flood).
      if (!entry.waiting) {
        entry.waiting = true;
        this.waiting.add(entry);
      }
      return;
    }
    if (entry.waiting) {
      entry.waiting = false;
      this.waiting.delete(entry);
    }
    const key = mediaKey('sha1', hash)!;
    const source = this.sourceOf(accountId, jid, entry);
    const media = this.options.media();
    entry.fetching = true;
    this.fetchesUnderWay++;
    void media.fetcher.get(key, AVATAR_LIMITS, source).then((ref) => {
      entry.fetching = false;
      this.fetchesUnderWay--;
      this.fetchNextWaiting();
      if (this.closed) return;
      if (entry.hash !== hash) {
        // Another avatar was announced meanwhile: that one is fetched now.
        this.fetch(accountId, jid, entry);
        return;
      }
      if (ref === null && entry.ref === null) return;
      entry.ref = ref;
      this.emit(accountId, jid, entry);
    });
  }

  private fetchNextWaiting(): void {
    for (const entry of this.waiting) {
      if (this.fetchesUnderWay >= FETCHES_AT_ONCE) return;
      this.waiting.delete(entry);
      entry.waiting = false;
      this.fetch(entry.accountId, entry.jid, entry);
    }
  }

  private sourceOf(accountId: string, jid: string, entry: Entry): MediaSource {
    const own = jid === this.options.accountJid(accountId);
    const hash = entry.hash!;
    if (entry.source === 'pep' && entry.url) {
      const url = entry.url;
      return async (signal) => {
        const response = await this.options.media().http.get(url, { maxBytes: AVATAR_LIMITS.maxBytes + 1, signal });
        return response.body;
      };
    }
    if (entry.source === 'pep') {
      return async () => {
        const items = await this.request(accountId, own ? null : jid, pubsubItems(hash));
        const bytes = readAvatarData(
          items.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [],
          hash,
        );
        if (!bytes) throw new Error('the avatar data item is missing or not base64');
        return bytes;
      };
    }
    return async () => {
      const reply = await this.request(accountId, own ? null : jid, xml('vCard', { xmlns: NS_VCARD }));
      const vcard = reply.getChild('vCard', NS_VCARD);
      const bytes = vcard ? readVcardPhoto(vcard) : null;
      if (!bytes) throw new Error('the vCard has no inline photo');
      return bytes;
    };
  }

  /** An IQ get (to `to`, or our own account), answered only by the JID asked (the session's IQ guard). */
  private async request(accountId: string, to: string | null, payload: Element): Promise<Element> {
    const xmpp = this.accounts.get(accountId)?.xmpp;
    if (!xmpp) throw new Error('the account is not connected');
    return xmpp.iqCaller.request(xml('iq', to ? { type: 'get', to } : { type: 'get' }, payload), IQ_TIMEOUT_MS);
  }

  /** Our own vCard's photo hash, for the XEP-0153 element of our presence. */
  private async readOwnVcard(accountId: string): Promise<void> {
    const account = this.accounts.get(accountId);
    const jid = this.options.accountJid(accountId);
    if (!account || !jid) return;
    let hash = '';
    try {
      const reply = await this.request(accountId, null, xml('vCard', { xmlns: NS_VCARD }));
      const vcard = reply.getChild('vCard', NS_VCARD);
      const bytes = vcard ? readVcardPhoto(vcard) : null;
      if (bytes) hash = sha1Hex(bytes);
    } catch (error) {
      // No vCard yet (item-not-found) means no photo; anything else leaves the hash unknown.
      if ((error as { condition?: string }).condition !== 'item-not-found') {
        this.options.log.info('our vCard could not be read', { error });
        return;
      }
    }
    if (account.ownPhotoHash === hash) return;
    account.ownPhotoHash = hash;
    this.options.resendPresence(accountId);
    const entry = this.entry(accountId, jid);
    if (!entry.pepThisSession) this.announced(accountId, jid, hash === '' ? null : hash, 'vcard', null);
  }

  /** After we published our own avatar: shown at once, and our presence carries its hash. */
  ownAvatarSet(accountId: string, hash: string | null, ref: MediaRef | null): IdentityView {
    const jid = this.options.accountJid(accountId)!;
    const account = this.account(accountId);
    const entry = this.entry(accountId, jid);
    entry.hash = hash;
    entry.source = 'pep';
    entry.url = null;
    entry.ref = ref;
    entry.pepThisSession = true;
    this.save(entry);
    this.emit(accountId, jid, entry);
    account.ownPhotoHash = hash ?? '';
    this.options.resendPresence(accountId);
    return viewOf(accountId, jid, entry);
  }

  // ---------- state ----------

  private async loadKept(): Promise<void> {
    const entries = [...this.accounts.values()].flatMap((account) => [...account.entries.values()]);
    await loadKeptAvatars(this.options.media().store, entries, (entry) => this.emit(entry.accountId, entry.jid, entry));
  }

  private account(accountId: string): AccountIdentities {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = {
        entries: new Map(),
        xmpp: null,
        online: false,
        ownPhotoHash: undefined,
        releaseHold: null,
        jid: undefined,
      };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  private entry(accountId: string, jid: string): Entry {
    const entries = this.account(accountId).entries;
    let entry = entries.get(jid);
    if (!entry) {
      entry = blankEntry(accountId, jid);
      entries.set(jid, entry);
    }
    return entry;
  }

  /** The entry changed: stored with the next write (identity-writer.ts). */
  private save(entry: Entry): void {
    this.writer.changed(entry);
  }

  private emit(accountId: string, jid: string, entry: Entry): void {
    if (this.closed) return;
    this.options.bus.emit({ type: 'identity', identity: viewOf(accountId, jid, entry) });
  }
}

/** A JID's entry before anything is known of it. */
function blankEntry(accountId: string, jid: string): Entry {
  const none = { hash: undefined, source: null, url: null, nick: null, ref: null };
  return { accountId, jid, ...none, pepThisSession: false, fetching: false, waiting: false, unsavedIn: -1 };
}

function viewOf(accountId: string, jid: string, entry: Entry): IdentityView {
  return { accountId, jid, avatar: entry.ref, nick: entry.nick };
}

function pubsubItems(hash: string): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_AVATAR_DATA }, xml('item', { id: hash })));
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
