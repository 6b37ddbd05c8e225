/**
 * A roster result's <item/> as the lean stream parser reads it from the text, without an Element:
 * its attributes and the text of its <group/> children, what the roster feature reads of an item.
 */
import {
  OTHER,
  attrIs,
  attrOk,
  attrValue,
  attrValueIs,
  child,
  nextChild,
  readTextOnly,
  sameAt,
  scanTag,
  skipContent,
  tag,
  textOnly,
} from './xml-scan';

/** The values of `subscription` and `ask` that mean something, compared in place (no copy). */
export const SUBSCRIPTION_VALUES = ['both', 'to', 'from', 'none', 'remove'];

/** One object per parser, refilled for every item: copy what you keep (strings may be views into the input). */
export class RawRosterItem {
  jid: string | undefined = undefined;
  name: string | undefined = undefined;
  subscription: string | undefined = undefined;
  ask: string | undefined = undefined;
  /** The groups' texts: the first groupCount entries. */
  readonly groups: string[] = [];
  groupCount = 0;
  /**
   * Set by the guard's one pass (checked-roster-item.ts) when the groups are one to three distinct,
   * non-empty names of at most 64 characters: their list as the roster feature keeps it (frozen, shared).
   */
  groupList: readonly string[] | null = null;

  reset(): void {
    this.jid = this.name = this.subscription = this.ask = undefined;
    this.groupCount = 0;
    this.groupList = null;
  }

  /** Lets go of the groups' texts (views into the parser's input chunk). */
  release(): void {
    this.groups.fill('', 0, this.groupCount);
  }
}

/**
 * Reads the <item/> of a roster result starting at `lt` in the stream text into `item`, the way ltx
 * and an Element would read it: its attributes and the text of its <group/> children (entities
 * resolved; other children skipped). Returns the index after it, INCOMPLETE when it is not all there,
 * or OTHER when it is not of the shape read here (then ltx builds it, and it is offered as an Element
 * when it ends).
 */
export function readRawRosterItem(text: string, lt: number, item: RawRosterItem): number {
  if (!sameAt(text, lt + 1, 'item')) return OTHER;
  let pos = scanTag(text, lt, true);
  if (pos < 0) return pos;
  if (tag.nameEnd !== lt + 5) return OTHER;
  item.reset();
  try {
    // As ltx: of an attribute given twice, the last one counts. Each value's entities are resolved
    // once: reading a value throws where ltx would (caught below), so only the values not read are
    // checked on their own.
    for (let i = 0; i < tag.attrCount; i++) {
      if (attrIs(text, i, 'jid')) item.jid = attrValue(text, i);
      else if (attrIs(text, i, 'name')) item.name = attrValue(text, i);
      else if (attrIs(text, i, 'subscription')) item.subscription = knownValue(text, i, SUBSCRIPTION_VALUES);
      else if (attrIs(text, i, 'ask')) item.ask = attrValueIs(text, i, 'subscribe') ? 'subscribe' : '';
      else if (!attrOk(text, i)) return OTHER;
    }
    if (tag.selfClosing) return pos;
    for (;;) {
      const tagEnd = nextChild(text, pos, lt + 1, lt + 5);
      if (tagEnd < 0 || child.closed) return tagEnd;
      const nameStart = tag.nameStart;
      const nameEnd = tag.nameEnd;
      if (nameEnd - nameStart === 5 && sameAt(text, nameStart, 'group')) {
        if (tag.selfClosing) {
          pos = tagEnd;
        } else {
          // Text only, as Element#text() reads it (a group with child elements is ltx's).
          const group = readTextOnly(text, tagEnd, nameStart, nameEnd);
          if (group === null) return textOnly.end;
          item.groups[item.groupCount++] = group;
          pos = textOnly.end;
        }
        continue;
      }
      pos = tag.selfClosing ? tagEnd : skipContent(text, tagEnd, nameStart, nameEnd);
      if (pos < 0) return pos;
    }
  } catch {
    // An entity ltx would reject: ltx gets the item and reports it.
    return OTHER;
  }
}

/** The attribute's value as the constant among `values` it equals (no copy), else the value itself. */
function knownValue(text: string, index: number, values: readonly string[]): string {
  for (const value of values) if (attrValueIs(text, index, value)) return value;
  return attrValue(text, index);
}
