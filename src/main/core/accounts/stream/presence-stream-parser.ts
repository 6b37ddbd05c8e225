/**
 * A lean path for incoming <presence/> in front of xmpp.js's parser, for the presence flood budget
 * (≥ 120,000 presences a second through the core).
 *
 * xmpp.js tokenizes the stream with ltx one character at a time and builds an Element tree per
 * stanza (an Element, an attrs object and a children array per element, text nodes, an event per
 * tag), which costs more than everything the presence feature then does with it. This parser sits
 * where xmpp.js's Parser sits (a subclass, so every other stanza goes through the very same code):
 *
 * - It finds the top-level elements of the stream itself, by tags, with indexOf.
 * - A top-level <presence> of the common shape (no type or type='unavailable'; children show,
 *   status, priority, caps <c/>, <delay/>, XEP-0319 <idle/>, a room's muc#user <x/> and
 *   occupant-id, and anything else without prefixes; complete in the text at hand) is read
 *   straight into a reused RawPresence and offered to `onPresence`. Consumed: it never reaches
 *   ltx. Declined (or of any other shape): its text goes to ltx like everything else.
 * - Everything else is handed to ltx unchanged and in order, so every other stanza is parsed,
 *   built and emitted exactly as before.
 * - Anything this reader does not model exactly as ltx would (comments, processing instructions
 *   inside the stream, mismatched or unusual tags, a stanza held back too long) makes it step aside
 *   for good: from that byte on, the rest of the stream goes to ltx alone. CDATA sections are
 *   skipped over (their element goes to ltx).
 *
 * Stream management counting and the online check are the fast path's (presence-fastpath.ts).
 *
 * One more thing happens here because this is where elements end: the items of a roster result go
 * to `taps` (the stream hooks, and through them to the roster feature, which reads each at once so it
 * never stays in the tree): read straight from the text when they have the common shape, or as an
 * Element when it ends.
 */
import type { Element, Parser } from '@xmpp/xml';
import {
  NS_CAPS,
  NS_CLIENT,
  NS_DELAY,
  NS_IDLE,
  NS_MUC_USER,
  NS_OCCUPANT_ID,
  NS_ROSTER,
  NS_VCARD_UPDATE,
} from '../../xmpp/ns';
import { CheckedRosterItems } from './checked-roster-item';
import { RawPresence } from './raw-presence';
import { RawRosterItem, readRawRosterItem } from './raw-roster-item';
import {
  INCOMPLETE,
  OTHER,
  attrIs,
  attrOk,
  attrValue,
  attrValueIs,
  child,
  endTag,
  nextChild,
  readTextOnly,
  sameAt,
  scanTag,
  skipContent,
  tag,
  textOnly,
} from './xml-scan';

/** A presence split across socket reads is held back (not given to ltx) up to this length. */
const MAX_HELD = 256 * 1024;
/** How much of a new chunk is joined to what the last one left unfinished (see read). */
const JOIN_HEAD = 512;

/**
 * Reads the top-level <presence> starting at `lt` into `raw`. Returns the index after it, INCOMPLETE
 * when it is not all there yet, or OTHER when it is not of the shape read here.
 */
export function readRawPresence(text: string, lt: number, raw: RawPresence): number {
  if (!sameAt(text, lt + 1, 'presence')) return OTHER;
  let pos = scanTag(text, lt, true);
  if (pos < 0) return pos;
  if (tag.nameEnd !== lt + 9) return OTHER;
  raw.reset();
  try {
    for (let i = 0; i < tag.attrCount; i++) {
      if (attrIs(text, i, 'from')) raw.from = attrValue(text, i);
      else if (attrIs(text, i, 'type')) raw.type = attrValue(text, i);
      else if (!attrOk(text, i)) return OTHER;
      // Prefix declarations and another default namespace: the Element path resolves what children inherit.
      else if (sameAt(text, tag.attrs[i * 4], 'xmlns:')) return OTHER;
      else if (attrIs(text, i, 'xmlns') && !attrValueIs(text, i, NS_CLIENT)) return OTHER;
    }
  } catch {
    return OTHER;
  }
  if (raw.type !== undefined && raw.type !== 'unavailable') return OTHER;
  if (tag.selfClosing) return pos;
  try {
    for (;;) {
      const tagEnd = nextChild(text, pos, lt + 1, lt + 9);
      if (tagEnd < 0 || child.closed) return tagEnd;
      const nameStart = tag.nameStart;
      const nameEnd = tag.nameEnd;
      const nameLength = nameEnd - nameStart;
      if (tag.prefixed) return OTHER;
      // The namespace is compared in place, only for the children read here.
      let xmlns = -1;
      for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, 'xmlns')) xmlns = i;
      const first = text.charCodeAt(nameStart);
      const isShow = nameLength === 4 && first === 115 /* s */ && sameAt(text, nameStart, 'show');
      const isStatus = nameLength === 6 && first === 115 /* s */ && sameAt(text, nameStart, 'status');
      const isPriority = nameLength === 8 && first === 112 /* p */ && sameAt(text, nameStart, 'priority');
      if (isShow || isStatus || isPriority) {
        let value = '';
        if (tag.selfClosing) {
          pos = tagEnd;
        } else {
          // Text only: one text node, as getChildText reads it.
          value = readTextOnly(text, tagEnd, nameStart, nameEnd)!;
          if (textOnly.end < 0) return textOnly.end;
          pos = textOnly.end;
        }
        // The first of each counts (getChild).
        if (isShow) raw.show ??= value;
        else if (isStatus) raw.status ??= value;
        else raw.priority ??= value;
        continue;
      }
      if (nameLength === 1 && first === 99 /* c */ && !raw.caps && xmlns >= 0 && attrValueIs(text, xmlns, NS_CAPS)) {
        raw.caps = true;
        for (let i = 0; i < tag.attrCount; i++) {
          if (attrIs(text, i, 'hash')) raw.capsHash = attrValue(text, i);
          else if (attrIs(text, i, 'node')) raw.capsNode = attrValue(text, i);
          else if (attrIs(text, i, 'ver')) raw.capsVer = attrValue(text, i);
        }
      } else if (
        nameLength === 5 &&
        first === 100 /* d */ &&
        !raw.delay &&
        sameAt(text, nameStart, 'delay') &&
        xmlns >= 0 &&
        attrValueIs(text, xmlns, NS_DELAY)
      ) {
        raw.delay = true;
        for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, 'stamp')) raw.delayStamp = attrValue(text, i);
      } else if (
        nameLength === 4 &&
        first === 105 /* i */ &&
        !raw.idle &&
        sameAt(text, nameStart, 'idle') &&
        xmlns >= 0 &&
        attrValueIs(text, xmlns, NS_IDLE)
      ) {
        // XEP-0319: read like <delay/>, checked by the presence feature.
        raw.idle = true;
        for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, 'since')) raw.idleSince = attrValue(text, i);
      } else if (nameLength === 1 && first === 120 /* x */ && xmlns >= 0) {
        // Room presence: read for the MUC feature (the fast path hands it there, never to the presence feature).
        if (!raw.mucUser && attrValueIs(text, xmlns, NS_MUC_USER)) {
          raw.mucUser = true;
          pos = tag.selfClosing ? tagEnd : readMucUser(text, tagEnd, nameStart, nameEnd, raw);
          if (pos < 0) return pos;
          continue;
        }
        if (!tag.selfClosing && attrValueIs(text, xmlns, NS_VCARD_UPDATE)) {
          pos = readVcardUpdate(text, tagEnd, nameStart, nameEnd, raw);
          if (pos < 0) return pos;
          continue;
        }
      } else if (
        nameLength === 11 &&
        first === 111 /* o */ &&
        xmlns >= 0 &&
        sameAt(text, nameStart, 'occupant-id') &&
        attrValueIs(text, xmlns, NS_OCCUPANT_ID)
      ) {
        raw.occupantId = true;
      }
      pos = tag.selfClosing ? tagEnd : skipContent(text, tagEnd, nameStart, nameEnd);
      if (pos < 0) return pos;
    }
  } catch {
    // An entity ltx would reject: ltx gets the stanza and reports it.
    return OTHER;
  }
}

/**
 * The content of an XEP-0153 <x/> (start tag ended at `pos`): nothing, or one <photo/> without
 * attributes holding text only; the photo's text goes to `raw` (the first one counts). Any other
 * shape is OTHER: the Element path reads it.
 */
function readVcardUpdate(text: string, pos: number, nameStart: number, nameEnd: number, raw: RawPresence): number {
  let lt = text.indexOf('<', pos);
  if (lt === -1 || lt + 1 >= text.length) return INCOMPLETE;
  if (lt > pos && text.slice(pos, lt).trim() !== '') return OTHER;
  let value: string | undefined;
  if (text.charCodeAt(lt + 1) !== 47) {
    const tagEnd = scanTag(text, lt, true);
    if (tagEnd < 0) return tagEnd;
    if (tag.prefixed || tag.attrCount !== 0 || tag.nameEnd !== lt + 6 || !sameAt(text, lt + 1, 'photo')) return OTHER;
    let after = tagEnd;
    value = '';
    if (!tag.selfClosing) {
      value = readTextOnly(text, tagEnd, lt + 1, lt + 6)!;
      if (textOnly.end < 0) return textOnly.end;
      after = textOnly.end;
    }
    lt = text.indexOf('<', after);
    if (lt === -1 || lt + 1 >= text.length) return INCOMPLETE;
    if (lt > after && text.slice(after, lt).trim() !== '') return OTHER;
  }
  const end = endTag(text, lt, nameStart, nameEnd);
  if (end >= 0 && value !== undefined) raw.photo ??= value;
  return end;
}

/** Status codes read from one room presence; more take the Element path. */
const MUC_CODES_MAX = 16;

/**
 * The content of a muc#user <x/> (start tag ended at `pos`) into `raw`, as the MUC feature reads it
 * from an Element: every <status/>'s code, the first <item/> (its attributes, first <reason/> text
 * and first <actor/> nick); other children skipped. A <destroy/> (a room's last word) is OTHER: the
 * Element path reads it.
 */
function readMucUser(text: string, pos: number, nameStart: number, nameEnd: number, raw: RawPresence): number {
  for (;;) {
    const tagEnd = nextChild(text, pos, nameStart, nameEnd);
    if (tagEnd < 0 || child.closed) return tagEnd;
    if (tag.prefixed) return OTHER;
    const childStart = tag.nameStart;
    const childEnd = tag.nameEnd;
    const length = childEnd - childStart;
    if (length === 6 && sameAt(text, childStart, 'status')) {
      if (raw.mucCodeCount === MUC_CODES_MAX) return OTHER;
      // As ltx: of an attribute given twice, the last one counts.
      let code = -1;
      for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, 'code')) code = i;
      if (code >= 0) raw.mucCodes[raw.mucCodeCount++] = attrValue(text, code);
    } else if (length === 4 && !raw.mucItem && sameAt(text, childStart, 'item')) {
      raw.mucItem = true;
      // As ltx: of an attribute given twice, the last one counts.
      for (let i = 0; i < tag.attrCount; i++) {
        if (attrIs(text, i, 'role')) raw.itemRole = attrValue(text, i);
        else if (attrIs(text, i, 'affiliation')) raw.itemAffiliation = attrValue(text, i);
        else if (attrIs(text, i, 'jid')) raw.itemJid = attrValue(text, i);
        else if (attrIs(text, i, 'nick')) raw.itemNick = attrValue(text, i);
      }
      if (!tag.selfClosing) {
        pos = readMucItem(text, tagEnd, childStart, childEnd, raw);
        if (pos < 0) return pos;
        continue;
      }
    } else if (length === 7 && sameAt(text, childStart, 'destroy')) {
      return OTHER;
    }
    pos = tag.selfClosing ? tagEnd : skipContent(text, tagEnd, childStart, childEnd);
    if (pos < 0) return pos;
  }
}

/** The content of a room presence's first <item/>: its first <reason/>'s text and first <actor/>'s nick. */
function readMucItem(text: string, pos: number, nameStart: number, nameEnd: number, raw: RawPresence): number {
  for (;;) {
    const tagEnd = nextChild(text, pos, nameStart, nameEnd);
    if (tagEnd < 0 || child.closed) return tagEnd;
    if (tag.prefixed) return OTHER;
    const childStart = tag.nameStart;
    const childEnd = tag.nameEnd;
    const length = childEnd - childStart;
    if (length === 6 && sameAt(text, childStart, 'reason')) {
      let value = '';
      if (tag.selfClosing) {
        pos = tagEnd;
      } else {
        // Text only, as getChildText reads it.
        value = readTextOnly(text, tagEnd, childStart, childEnd)!;
        if (textOnly.end < 0) return textOnly.end;
        pos = textOnly.end;
      }
      raw.itemReason ??= value;
      continue;
    }
    if (length === 5 && raw.itemActor === undefined && sameAt(text, childStart, 'actor')) {
      raw.itemActor = null;
      for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, 'nick')) raw.itemActor = attrValue(text, i);
    }
    pos = tag.selfClosing ? tagEnd : skipContent(text, tagEnd, childStart, childEnd);
    if (pos < 0) return pos;
  }
}

/** Offered each presence read on the lean path; true when consumed (false: it goes to ltx). */
export type RawPresenceHandler = (raw: RawPresence, parser: Parser) => boolean;

type ParserClass = new () => Parser;

/** Where the items of roster results go (hooks.ts, StreamHookRegistry). */
export interface RosterItemTaps {
  /** An item read from the text; `current` is xmpp.js's parser's current element. True: taken (it skips ltx). */
  rawRosterItem(item: RawRosterItem, current: Element | null): boolean;
  /** Every element that ends, before anything else sees it. */
  elementEnded(element: Element): void;
}

const NO_TAPS: RosterItemTaps = { rawRosterItem: () => false, elementEnded: () => {} };

/** A subclass of xmpp.js's Parser (the client's `Parser`) with the lean presence path in front. */
export function presenceStreamParser(
  Base: ParserClass,
  onPresence: RawPresenceHandler,
  afterWrite: () => void = () => {},
  taps: RosterItemTaps = NO_TAPS,
): ParserClass {
  return class PresenceStreamParser extends Base {
    /** Text of an unfinished tag or presence, not yet given to ltx. */
    private held = '';
    /** After something this reader does not model: everything goes to ltx. */
    private bypass = false;
    private depth = 0;
    private readonly names: string[] = [];
    /** Inside a top-level <iq type='result'> / inside its roster <query/> (whose items are read here). */
    private inResult = false;
    private inRosterResult = false;
    private readonly raw = new RawPresence();
    private readonly rawItem = new RawRosterItem();
    /** Stream offset of the next text written (the texts the stream guard returned, in a row). */
    private written = 0;
    /** The roster items the stream guard read in one pass (GuardedClient hands them to the guard). */
    readonly checkedItems = new CheckedRosterItems();

    override write(data: string): void {
      try {
        this.read(data);
      } finally {
        afterWrite();
      }
    }

    private read(data: string): void {
      const origin = this.written;
      this.written += data.length;
      if (this.bypass) {
        super.write(data);
        return;
      }
      if (this.held === '') {
        this.scan(data, origin);
        return;
      }
      // Joining what was held to the whole chunk would copy the chunk (a flat string per read):
      // join it to the chunk's head only, up to a tag start, and read the rest where it is. The
      // head grows while the held stanza goes on past it.
      let held = this.held;
      this.held = '';
      for (let head = JOIN_HEAD; ; head *= 4) {
        const cut = data.indexOf('<', head);
        if (cut === -1) {
          this.scan(held + data, origin - held.length);
          return;
        }
        this.scan(held + data.slice(0, cut), origin - held.length);
        if (this.bypass) {
          super.write(data.slice(cut));
          return;
        }
        if (this.held.length <= cut) {
          // The cut falls inside a stanza as a rule, so the head's scan holds that stanza's start
          // again; it lies in `data`: read on from there, in place.
          const from = cut - this.held.length;
          this.held = '';
          this.scan(data, origin, from);
          return;
        }
        // What is held still starts before the chunk: join it to a longer head.
        held = this.held.slice(0, this.held.length - cut);
        this.held = '';
      }
    }

    /**
     * Reads `text` from `from` on (what was held joined to new data, or the new data; its first
     * character at stream offset `origin`), feeding ltx all it does not consume.
     */
    private scan(text: string, origin: number, from = 0): void {
      const len = text.length;
      // text[0, fed) went to ltx or was consumed.
      let fed = from;
      let pos = from;
      while (pos < len) {
        const lt = text.indexOf('<', pos);
        if (lt === -1) {
          pos = len;
          break;
        }
        if (lt + 1 >= len) {
          pos = lt;
          break;
        }
        const c = text.charCodeAt(lt + 1);
        if (c === 47) {
          // An end tag: it must close what is open, by name.
          const gt = text.indexOf('>', lt + 2);
          if (gt === -1) {
            pos = lt;
            break;
          }
          const open = this.depth > 0 ? this.names[this.depth - 1] : null;
          if (open === null || gt - lt - 2 !== open.length || !sameAt(text, lt + 2, open)) {
            return this.stepAside(text, fed);
          }
          this.depth--;
          if (this.depth < 3) this.inRosterResult = false;
          if (this.depth < 2) this.inResult = false;
          pos = gt + 1;
          // The stream's end: whatever follows is ltx's business.
          if (this.depth === 0) return this.stepAside(text, fed);
          continue;
        }
        if (c === 33 && this.depth > 0 && text.startsWith('![CDATA[', lt + 1)) {
          // Character data inside an element (ltx ends it at the first "]]>"); the element is ltx's.
          const end = text.indexOf(']]>', lt + 9);
          if (end === -1) {
            pos = lt;
            break;
          }
          pos = end + 3;
          continue;
        }
        if (c === 33 || (c === 63 && this.depth > 0)) {
          // "<!" might still become "<![CDATA[": wait for enough text to tell.
          if (c === 33 && len - lt < 9 && '<![CDATA['.startsWith(text.slice(lt))) {
            pos = lt;
            break;
          }
          return this.stepAside(text, fed);
        }
        if (c === 63) {
          // The XML declaration before the stream header (ltx ends it at the first "?>").
          const end = text.indexOf('?>', lt + 1);
          if (end === -1) {
            pos = lt;
            break;
          }
          pos = end + 2;
          continue;
        }
        if (this.depth === 1 && c === 112 /* p */) {
          const end = readRawPresence(text, lt, this.raw);
          if (end >= 0) {
            if (lt > fed) super.write(text.slice(fed, lt));
            fed = lt;
            // Consumed: skipped. Declined: it stays in what goes to ltx next.
            if (onPresence(this.raw, this)) fed = end;
            pos = end;
            continue;
          }
          if (end === INCOMPLETE && len - lt <= MAX_HELD) {
            pos = lt;
            break;
          }
        }
        if (this.inRosterResult && this.depth === 3 && c === 105 /* i */) {
          // Read by the stream guard already (one pass), or read here.
          const checked = this.checkedItems.take(origin + lt, origin + len);
          const item = checked ?? this.rawItem;
          const end = checked ? this.checkedItems.end - origin : readRawRosterItem(text, lt, item);
          if (end >= 0) {
            if (lt > fed) super.write(text.slice(fed, lt));
            fed = lt;
            // xmpp.js's parser has seen everything before the item: its current element is the <query/>.
            if (taps.rawRosterItem(item, this.cursor)) fed = end;
            pos = end;
            continue;
          }
          if (end === INCOMPLETE && len - lt <= MAX_HELD) {
            pos = lt;
            break;
          }
        }
        // The attributes of top-level stanzas and their children: is this a roster result?
        const end = scanTag(text, lt, this.depth <= 2);
        if (end === INCOMPLETE) {
          pos = lt;
          break;
        }
        if (end === OTHER) return this.stepAside(text, fed);
        if (!tag.selfClosing) {
          if (this.depth === 1) this.inResult = this.isResultIq(text, lt);
          else if (this.depth === 2 && this.inResult) this.inRosterResult = this.isRosterQuery(text, lt);
          this.names[this.depth++] = text.slice(lt + 1, tag.nameEnd);
        }
        pos = end;
      }
      if (pos > fed) super.write(text.slice(fed, pos));
      if (pos < len) {
        if (len - pos > MAX_HELD) return this.stepAside(text, pos);
        this.held = text.slice(pos);
      }
    }

    override end(data?: string): void {
      if (data) this.write(data);
    }

    // Every element that ends, before anything else sees it (the items of a roster result are read
    // and taken out of the tree right away).
    override onEndElement(name: string): void {
      const closing = this.cursor;
      super.onEndElement(name);
      if (closing && closing.name === name && closing !== this.root) taps.elementEnded(closing);
    }

    /** The start tag just scanned at `lt` is <iq type='result'> (as ltx reads attributes: the last one counts). */
    private isResultIq(text: string, lt: number): boolean {
      if (tag.nameEnd !== lt + 3 || !sameAt(text, lt + 1, 'iq')) return false;
      return this.lastAttributeIs(text, 'type', 'result');
    }

    /** The start tag just scanned at `lt` is a roster <query/> (no prefix). */
    private isRosterQuery(text: string, lt: number): boolean {
      if (tag.nameEnd !== lt + 6 || !sameAt(text, lt + 1, 'query')) return false;
      return this.lastAttributeIs(text, 'xmlns', NS_ROSTER);
    }

    private lastAttributeIs(text: string, name: string, value: string): boolean {
      let found = false;
      try {
        for (let i = 0; i < tag.attrCount; i++) if (attrIs(text, i, name)) found = attrValueIs(text, i, value);
      } catch {
        // A value ltx cannot read: ltx reports it; nothing is read here.
        return false;
      }
      return found;
    }

    /** From text[from] on, ltx alone reads this stream. */
    private stepAside(text: string, from: number): void {
      this.bypass = true;
      this.held = '';
      if (from < text.length) super.write(from === 0 ? text : text.slice(from));
    }
  };
}
