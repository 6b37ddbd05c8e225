/**
 * One kept copy per distinct short text: thousands of contacts show the same few status texts
 * ("Busy", "Im Büro", an emoji), and each resource would otherwise keep its own copy for as long as
 * it is online. Long texts are rarely shared and are copied as they are. Bounded: a flood of distinct
 * texts starts the pool over rather than grows it.
 */
import { detach } from './text';

/** Texts longer than this are copied, not pooled. */
const POOLED_LENGTH_MAX = 64;
const POOL_SIZE_MAX = 4096;

export class TextPool {
  private readonly texts = new Map<string, string>();

  /** The pooled copy of `text` (a copy that does not pin the parser's input chunk). */
  keep(text: string): string {
    if (text.length > POOLED_LENGTH_MAX) return detach(text);
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    const copy = detach(text);
    if (this.texts.size >= POOL_SIZE_MAX) this.texts.clear();
    this.texts.set(copy, copy);
    return copy;
  }
}
