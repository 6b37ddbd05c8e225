/**
 * Room nicks as the UI shows them. A nick is whatever the room sent: it may hide zero-width, bidi or
 * other invisible characters, or imitate a contact's name with look-alike letters. The list shows
 * invisible characters as visible markers (⟨U+200B⟩), and a nick whose skeleton matches a contact's
 * name but is not that contact is flagged with the real JID when the room shows it.
 * The skeleton folding is shared with the core (src/shared/lookalike.ts).
 */
import { skeleton } from '../../../shared/lookalike';
import { cap, DISPLAY_MAX } from './text';

// Invisible or direction-changing characters (code point ranges): shown as markers, never rendered raw.
const HIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5],
  [0x180b, 0x180f], // Mongolian selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, joiners, LRM/RLM
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates
  [0x3164, 0x3164], // Hangul filler
  [0xfe00, 0xfe0f], // variation selectors
  [0xfeff, 0xfeff], // zero-width no-break space
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb], // interlinear annotations
  [0xe0000, 0xe007f], // tags
];

function isHidden(code: number): boolean {
  for (const [from, to] of HIDDEN_RANGES) if (code >= from && code <= to) return true;
  return false;
}

export interface VisibleNick {
  /** The nick with every hidden character replaced by a ⟨U+XXXX⟩ marker (capped for display). */
  text: string;
  /** It contained hidden characters. */
  hidden: boolean;
}

function marker(char: string): string {
  return `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** The nick as shown: capped, hidden characters made visible. */
export function visibleNick(nick: string): VisibleNick {
  const capped = cap(nick, DISPLAY_MAX);
  let hidden = false;
  let text = '';
  for (const char of capped) {
    if (isHidden(char.codePointAt(0)!)) {
      hidden = true;
      text += marker(char);
    } else text += char;
  }
  return { text: hidden ? text : capped, hidden };
}

export interface ContactName {
  jid: string;
  /** The name shown for the contact. */
  name: string;
}

/** Skeleton → the contact it belongs to (the first one wins), from names and local parts. */
export function contactSkeletons(contacts: Iterable<ContactName>): Map<string, ContactName> {
  const map = new Map<string, ContactName>();
  for (const contact of contacts) {
    for (const text of [contact.name, contact.jid.split('@')[0] ?? '']) {
      const folded = skeleton(cap(text, DISPLAY_MAX));
      if (folded && !map.has(folded)) map.set(folded, contact);
    }
  }
  return map;
}

/**
 * The contact a nick imitates: its skeleton matches a contact's name but the occupant is not known
 * to be that contact (its real JID is hidden, or another). null when it is the contact, or no match.
 */
export function imitatedContact(
  nick: string,
  realJid: string | null,
  skeletons: ReadonlyMap<string, ContactName>,
): ContactName | null {
  const match = skeletons.get(skeleton(cap(nick, DISPLAY_MAX)));
  if (!match) return null;
  const bare = realJid ? realJid.split('/')[0].toLowerCase() : null;
  return bare === match.jid ? null : match;
}
