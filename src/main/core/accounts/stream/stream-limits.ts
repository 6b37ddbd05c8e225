/**
 * What the stream guard (stream-guard.ts) refuses and the limits it enforces: the constructs, the
 * stream error each one ends the stream with, and the size and depth limits with why they are set
 * where they are.
 */
import type { RefusedConstruct } from '../../../../shared/errors';
import { NS_ROSTER } from '../../xmpp/ns';

export type GuardCondition = 'restricted-xml' | 'not-well-formed' | 'policy-violation';

/** What the guard refused (the renderer words each for the user). */
export type { RefusedConstruct };

const CONDITIONS: Record<RefusedConstruct, GuardCondition> = {
  doctype: 'restricted-xml',
  'entity-declaration': 'restricted-xml',
  comment: 'restricted-xml',
  'processing-instruction': 'restricted-xml',
  'entity-reference': 'restricted-xml',
  'invalid-utf8': 'not-well-formed',
  'illegal-character': 'not-well-formed',
  'duplicate-attribute': 'not-well-formed',
  'mismatched-end-tag': 'not-well-formed',
  malformed: 'not-well-formed',
  'stanza-size': 'policy-violation',
  'stanza-depth': 'policy-violation',
  'roster-item-size': 'policy-violation',
  'roster-items': 'policy-violation',
};

export interface StreamLimits {
  /** Largest top-level element (stanza, stream header) or run of text between stanzas. */
  stanza: number;
  /** Deepest nesting inside a stanza; the stanza itself is at depth 1. */
  depth: number;
  /** Largest child of a roster result's <query/> (an <item/>). */
  rosterItem: number;
  /** Most children of the <query/> of one roster result. */
  rosterItems: number;
}

export const STREAM_LIMITS: Readonly<StreamLimits> = {
  // What reaches a client was sent by another client or server through its server's input limit:
  // Prosody 0.12 c2s_stanza_size_limit 256 KiB and s2s_stanza_size_limit 512 KiB, ejabberd's shipped
  // max_stanza_size 256 KiB (c2s) and 512 KiB (s2s). Our server then wraps some of it (carbons, MAM
  // <forwarded/>, <delay/>: well under 1 KiB), and builds some results itself that no input limit
  // bounds (disco#items of a large service). Twice the larger server limit leaves room for both; it
  // is also the default of Prosody's own stream parser (util.xmppstream, 1 MiB).
  stanza: 1024 * 1024,
  // The deepest stanzas in use (a MAM result wrapping a carbon wrapping a message with an XHTML-IM
  // or Atom payload) nest about 15 deep. Servers limit size, not depth, so a contact can send 100,000
  // levels within 512 KiB; 128 leaves ample room and keeps the recursive walks over an element tree
  // (ltx's toString and clone) far from the stack limit.
  depth: 128,
  // A roster result is read item by item and each item leaves the tree once read, so the result is
  // bounded per item and by item count instead of by the stanza limit (a 10,000-contact roster is
  // ≈1.4 MB). A typical item is ≈150 bytes; 8 KiB holds a maximal JID (3,071 bytes), a long name and
  // a dozen groups.
  rosterItem: 8 * 1024,
  // Five times the 10,000 contacts the client is built and measured for. Neither Prosody nor
  // ejabberd caps a roster by default, so this bounds what one result can make us store.
  rosterItems: 50_000,
};

/** Why the guard stopped a stream; emitted as the connection's error (named XMLError, like a parser's). */
export class StreamViolation extends Error {
  readonly condition: GuardCondition;

  constructor(
    readonly construct: RefusedConstruct,
    /** For illegal-character: the code point; for policy-violation: the limit crossed. */
    readonly detail?: number,
  ) {
    super(`stream refused (${CONDITIONS[construct]}): ${construct}${detail === undefined ? '' : ` ${detail}`}`);
    this.name = 'XMLError';
    this.condition = CONDITIONS[construct];
  }
}

/**
 * Measures the stream against the limits as the tokenizer reports its elements. Offsets are stream
 * offsets in UTF-16 code units; `level` counts the open elements, the stream's root included, so a
 * stanza opens at level 1. Every check returns the violation, or null.
 *
 * Each top-level unit counts against the stanza limit: the stream header, a stanza, or a run of text
 * between stanzas. In a roster result (<iq type='result'> with a <query xmlns='jabber:iq:roster'/>)
 * each child of the query counts against the item limit instead and the children are counted; an
 * <item/> is then taken off the stanza's count (the parser reads it and drops it from the tree), any
 * other child is added to it (it stays in the tree).
 */
export class StanzaMeter {
  /** Start of the current top-level unit. */
  unitStart = 0;
  /** Code units of the current stanza that do not count against the stanza limit (roster items read). */
  private excluded = 0;
  /** Start of the open child of a roster result's <query/>, or -1. */
  private childStart = -1;
  private rosterChildren = 0;
  /** The open stanza is <iq type='result'>. */
  private rosterResult = false;
  /** A roster <query/> is open at level 3 inside that result. */
  private rosterQuery = false;

  constructor(private readonly limits: StreamLimits) {}

  /** A roster result's <query/> is open: its children are roster items. */
  get inRosterQuery(): boolean {
    return this.rosterQuery;
  }

  /** The limit the text up to `at` crosses, if any. */
  oversize(at: number): StreamViolation | null {
    const inChild = this.childStart >= 0 ? at - this.childStart : 0;
    if (inChild > this.limits.rosterItem) return new StreamViolation('roster-item-size', this.limits.rosterItem);
    if (at - this.unitStart - this.excluded - inChild > this.limits.stanza) {
      return new StreamViolation('stanza-size', this.limits.stanza);
    }
    return null;
  }

  /**
   * A start tag begins at `at` ('<' and a name character). Sizes are checked where a unit or a roster
   * item begins and ends and at the end of each chunk (the guard's), not at every element.
   */
  elementBegins(level: number, at: number): StreamViolation | null {
    if (level > this.limits.depth) return this.oversize(at) ?? new StreamViolation('stanza-depth', this.limits.depth);
    if (level === 1) {
      // A stanza: the text before it was a unit of its own.
      const over = this.oversize(at);
      if (over) return over;
      this.unitStart = at;
      this.excluded = 0;
      this.rosterChildren = 0;
    } else if (level === 3 && this.rosterQuery) {
      const over = this.oversize(at);
      if (over) return over;
      if (++this.rosterChildren > this.limits.rosterItems) {
        return new StreamViolation('roster-items', this.limits.rosterItems);
      }
      this.childStart = at;
    }
    return null;
  }

  /**
   * The start tag of `name` ended just before `after`; `attribute` is its type (a stanza) or its
   * xmlns (a child of a stanza), unescaped.
   */
  startTagEnded(level: number, name: string, attribute: string, empty: boolean, after: number): StreamViolation | null {
    if (level === 0) {
      // The stream header: a unit of its own, then the text before the first stanza.
      const over = this.oversize(after);
      if (!over) this.unitStart = after;
      return over;
    }
    if (level === 1) {
      this.rosterResult = name === 'iq' && attribute === 'result';
    } else if (level === 2 && this.rosterResult && name === 'query' && attribute === NS_ROSTER) {
      this.rosterQuery = !empty;
    }
    return empty ? this.elementEnded(level + 1, name, after) : null;
  }

  /** The element `name` that was open at `level` (the root is 1) ended just before `after`. */
  elementEnded(level: number, name: string, after: number): StreamViolation | null {
    if (level > 4) return null;
    if (level <= 2) {
      const over = this.oversize(after);
      if (over) return over;
      this.unitStart = after;
      this.excluded = 0;
      this.rosterResult = false;
    } else if (level === 3) {
      this.rosterQuery = false;
    } else if (this.childStart >= 0) {
      const over = this.oversize(after);
      if (over) return over;
      if (name === 'item') this.excluded += after - this.childStart;
      this.childStart = -1;
      return this.oversize(after);
    }
    return null;
  }
}
