/** Text from the network cut to what the core keeps. */
import { ROSTER_TEXT_MAX } from '../../../shared/contract';

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair. */
export function capText(text: string, max = ROSTER_TEXT_MAX): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
