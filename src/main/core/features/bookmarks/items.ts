/**
 * Reading and writing bookmark elements, defensively (the service is in bookmarks.ts):
 *
 * - XEP-0402: one PubSub item per room, item id = room JID, payload
 *   `<conference xmlns='urn:xmpp:bookmarks:1' name autojoin><nick/><password/><extensions/></conference>`.
 * - XEP-0048 (in XEP-0049 private storage): one `<storage xmlns='storage:bookmarks'>` holding every
 *   `<conference jid name autojoin><nick/><password/></conference>` (and `<url/>` bookmarks we keep as is).
 *
 * A room JID must be a valid bare JID with a local part; names are capped at ROSTER_TEXT_MAX, nicks at
 * MUC_NICK_MAX (a nick with a control character is dropped: no room would accept it); an oversized
 * password is dropped rather than cut (a cut password is a wrong one). Elements we do not understand
 * inside a conference (XEP-0402 <extensions/>, anything else) are kept and written back unchanged.
 * Problems are counted in a report so a hostile list produces one log line.
 */
import xml, { type Element } from '@xmpp/xml';
import { MUC_NICK_MAX, ROSTER_TEXT_MAX, type BookmarkView } from '../../../../shared/contract';
import { normalizeBareJid } from '../../../../shared/jid';
import { capText } from '../../util/text';
import {
  NS_BOOKMARKS,
  NS_DATA,
  NS_LEGACY_BOOKMARKS,
  NS_PUBSUB,
  NS_PUBSUB_NODE_CONFIG,
  NS_PUBSUB_OWNER,
  NS_PUBSUB_PUBLISH_OPTIONS,
} from '../../xmpp/ns';

/** Most bookmarks kept per account; the rest of a longer list is skipped (and logged). */
export const BOOKMARKS_MAX = 10_000;
/** Longest room password kept (the contract's limit for what the UI may send). */
export const BOOKMARK_PASSWORD_MAX = 1024;
const MAX_EXAMPLES = 5;

/** A bookmark with its password, which stays in the main process. */
export interface StoredBookmark extends BookmarkView {
  password: string | null;
}

/** A bookmark as read from the server, with what we must write back untouched. */
export interface BookmarkEntry {
  bookmark: StoredBookmark;
  /** Children of <conference/> other than nick and password (XEP-0402 <extensions/>, unknown ones). */
  extra: Element[];
}

export interface BookmarkParseReport {
  /** Room JIDs that are not valid bare JIDs with a local part. */
  invalidJids: number;
  /** Items without a <conference/> payload in the right namespace. */
  missingPayload: number;
  /** Names or nicks cut to their limit. */
  truncated: number;
  /** Nicks dropped (control characters, empty after trimming). */
  invalidNicks: number;
  /** Passwords dropped (over BOOKMARK_PASSWORD_MAX). */
  droppedPasswords: number;
  /** The same room twice in one list: the first one wins. */
  duplicates: number;
  /** Bookmarks beyond BOOKMARKS_MAX. */
  overLimit: number;
  examples: string[];
}

export function newBookmarkReport(): BookmarkParseReport {
  return {
    invalidJids: 0,
    missingPayload: 0,
    truncated: 0,
    invalidNicks: 0,
    droppedPasswords: 0,
    duplicates: 0,
    overLimit: 0,
    examples: [],
  };
}

export function bookmarkReportHasProblems(report: BookmarkParseReport): boolean {
  const { examples: _examples, ...counts } = report;
  return Object.values(counts).some((count) => count > 0);
}

function note(report: BookmarkParseReport, what: string, value: string): void {
  if (report.examples.length < MAX_EXAMPLES) report.examples.push(`${what}: ${value.slice(0, 80)}`);
}

/** The normalized room JID, or null unless `raw` is a valid bare JID with a local part. */
export function readRoomJid(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw === '') return null;
  const jid = normalizeBareJid(raw);
  return jid !== null && jid.includes('@') ? jid : null;
}

/** xs:boolean (XEP-0402 §3, XEP-0048 §3.2): "true" or "1". */
function readBoolean(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

const CONTROL = /[\p{Cc}]/u;

/** Reads the attributes and children shared by both formats; `room` is already validated. */
function readConference(
  accountId: string,
  room: string,
  conference: Element,
  report: BookmarkParseReport,
): BookmarkEntry {
  let name: string | null = null;
  const rawName = conference.attrs.name;
  if (typeof rawName === 'string' && rawName.trim() !== '') {
    name = capText(rawName.trim(), ROSTER_TEXT_MAX);
    if (name.length < rawName.trim().length) {
      report.truncated++;
      note(report, 'long name', room);
    }
  }
  let nick: string | null = null;
  let password: string | null = null;
  const extra: Element[] = [];
  let sawNick = false;
  let sawPassword = false;
  for (const child of conference.children) {
    if (typeof child === 'string') continue;
    if (child.name === 'nick' && !sawNick) {
      sawNick = true;
      const raw = child.text().trim();
      if (raw === '') continue;
      if (CONTROL.test(raw)) {
        report.invalidNicks++;
        note(report, 'nick with a control character', room);
        continue;
      }
      nick = capText(raw, MUC_NICK_MAX);
      if (nick.length < raw.length) {
        report.truncated++;
        note(report, 'long nick', room);
      }
    } else if (child.name === 'password' && !sawPassword) {
      sawPassword = true;
      const raw = child.text();
      if (raw === '') continue;
      if (raw.length > BOOKMARK_PASSWORD_MAX) {
        report.droppedPasswords++;
        note(report, 'oversized password', room);
        continue;
      }
      password = raw;
    } else if (child.name !== 'nick' && child.name !== 'password') {
      extra.push(child);
    }
  }
  return {
    bookmark: {
      accountId,
      room,
      name,
      nick,
      autojoin: readBoolean(conference.attrs.autojoin),
      hasPassword: password !== null,
      password,
    },
    extra,
  };
}

/** Reads one XEP-0402 <item/> (result or event); null when it must be skipped. */
export function readPepItem(accountId: string, item: Element, report: BookmarkParseReport): BookmarkEntry | null {
  const room = readRoomJid(item.attrs.id);
  if (room === null) {
    report.invalidJids++;
    note(report, 'invalid room', String(item.attrs.id));
    return null;
  }
  const conference = item.getChild('conference', NS_BOOKMARKS);
  if (!conference) {
    report.missingPayload++;
    note(report, 'no conference', room);
    return null;
  }
  return readConference(accountId, room, conference, report);
}

/** Adds `entry` to `into` unless its room is already there or the list is full. */
function addEntry(into: Map<string, BookmarkEntry>, entry: BookmarkEntry, report: BookmarkParseReport): void {
  const room = entry.bookmark.room;
  if (into.has(room)) {
    report.duplicates++;
    note(report, 'duplicate', room);
  } else if (into.size >= BOOKMARKS_MAX) {
    report.overLimit++;
  } else {
    into.set(room, entry);
  }
}

/** Reads every <item/> of a XEP-0402 <items/> (the first of duplicates wins). */
export function readPepItems(
  accountId: string,
  items: Element | undefined,
  report: BookmarkParseReport,
): Map<string, BookmarkEntry> {
  const out = new Map<string, BookmarkEntry>();
  if (!items) return out;
  for (const child of items.getChildren('item')) {
    const entry = readPepItem(accountId, child, report);
    if (entry) addEntry(out, entry, report);
  }
  return out;
}

export interface LegacyStorage {
  bookmarks: Map<string, BookmarkEntry>;
  /** Everything in <storage/> that is not a conference we keep (<url/> bookmarks, unknown elements). */
  others: Element[];
}

/** Reads a XEP-0048 <storage xmlns='storage:bookmarks'/> (absent: empty). */
export function readLegacyStorage(
  accountId: string,
  storage: Element | undefined,
  report: BookmarkParseReport,
): LegacyStorage {
  const bookmarks = new Map<string, BookmarkEntry>();
  const others: Element[] = [];
  if (!storage) return { bookmarks, others };
  for (const child of storage.children) {
    if (typeof child === 'string') continue;
    if (child.name !== 'conference') {
      others.push(child);
      continue;
    }
    const room = readRoomJid(child.attrs.jid);
    if (room === null) {
      // Junk is dropped from what we write back too: no client could use it.
      report.invalidJids++;
      note(report, 'invalid room', String(child.attrs.jid));
      continue;
    }
    addEntry(bookmarks, readConference(accountId, room, child, report), report);
  }
  return { bookmarks, others };
}

function conferenceChildren(bookmark: StoredBookmark, extra: readonly Element[]): Element[] {
  const children: Element[] = [];
  if (bookmark.nick !== null) children.push(xml('nick', {}, bookmark.nick));
  if (bookmark.password !== null) children.push(xml('password', {}, bookmark.password));
  children.push(...extra);
  return children;
}

function conferenceAttrs(bookmark: StoredBookmark): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (bookmark.name !== null) attrs.name = bookmark.name;
  if (bookmark.autojoin) attrs.autojoin = 'true';
  return attrs;
}

/** The XEP-0402 <item id=room><conference/></item> for `bookmark`. */
export function pepItemElement(bookmark: StoredBookmark, extra: readonly Element[] = []): Element {
  return xml(
    'item',
    { id: bookmark.room },
    xml('conference', { xmlns: NS_BOOKMARKS, ...conferenceAttrs(bookmark) }, ...conferenceChildren(bookmark, extra)),
  );
}

/** The whole XEP-0048 <storage/> for `entries`, followed by the elements we did not understand. */
export function legacyStorageElement(entries: Iterable<BookmarkEntry>, others: readonly Element[] = []): Element {
  const conferences: Element[] = [];
  for (const { bookmark, extra } of entries) {
    conferences.push(
      xml('conference', { jid: bookmark.room, ...conferenceAttrs(bookmark) }, ...conferenceChildren(bookmark, extra)),
    );
  }
  return xml('storage', { xmlns: NS_LEGACY_BOOKMARKS }, ...conferences, ...others);
}

/** XEP-0402 §3.3 node configuration: private, persistent, as many items as the server allows. */
const NODE_CONFIG: readonly [string, string][] = [
  ['pubsub#persist_items', 'true'],
  ['pubsub#max_items', 'max'],
  ['pubsub#send_last_published_item', 'never'],
  ['pubsub#access_model', 'whitelist'],
];

function configForm(formType: string): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...NODE_CONFIG.map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
  );
}

/** The <pubsub/> of a XEP-0402 publish with the publish-options the XEP requires. */
export function publishElement(bookmark: StoredBookmark, extra: readonly Element[] = []): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('publish', { node: NS_BOOKMARKS }, pepItemElement(bookmark, extra)),
    xml('publish-options', {}, configForm(NS_PUBSUB_PUBLISH_OPTIONS)),
  );
}

/** The <pubsub/> of a XEP-0402 retraction (notify: our other clients hear of it). */
export function retractElement(room: string): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('retract', { node: NS_BOOKMARKS, notify: 'true' }, xml('item', { id: room })),
  );
}

/** The owner's <pubsub/> that sets the node configuration (when publish-options were refused). */
export function configureElement(): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB_OWNER },
    xml('configure', { node: NS_BOOKMARKS }, configForm(NS_PUBSUB_NODE_CONFIG)),
  );
}

/** What the renderer may see of a bookmark (never the password). */
export function bookmarkView(bookmark: StoredBookmark): BookmarkView {
  const { accountId, room, name, nick, autojoin, hasPassword } = bookmark;
  return { accountId, room, name, nick, autojoin, hasPassword };
}

export function sameBookmark(a: StoredBookmark, b: StoredBookmark): boolean {
  return (
    a.room === b.room &&
    a.name === b.name &&
    a.nick === b.nick &&
    a.autojoin === b.autojoin &&
    a.password === b.password
  );
}
