/** Text from the network: cut to what the core keeps, and copied so it stops pinning its source. */
import { ROSTER_TEXT_MAX } from '../../../shared/contract';

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair. */
export function capText(text: string, max = ROSTER_TEXT_MAX): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A copy of `text` that does not keep the parser's whole input chunk alive. V8 makes substrings of 13+
 * characters views into their source (a 64 KB socket chunk here); a contact's state holds on to its
 * JID and status for minutes, which would pin every chunk of a flood in memory.
 *
 * The copy is flat: JSON's parser builds a new sequential string, one byte a character when the text
 * allows it. (`(' ' + text).slice(1)` made a view over a copy one character longer, and kept a
 * two-byte chunk's width: 94–127 bytes for a 38-character JID against 62; a flood keeps ~85,000.)
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
