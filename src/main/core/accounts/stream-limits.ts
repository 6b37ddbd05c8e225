/**
 * What the stream guard (stream-guard.ts) refuses and the limits it enforces: the constructs, the
 * stream error each one ends the stream with, and the size and depth limits with why they are set
 * where they are.
 */

export type GuardCondition = 'restricted-xml' | 'not-well-formed' | 'policy-violation';

/** What the guard refused (session-errors.ts words each for the user). */
export type RefusedConstruct =
  | 'doctype'
  | 'entity-declaration'
  | 'comment'
  | 'processing-instruction'
  | 'entity-reference'
  | 'invalid-utf8'
  | 'illegal-character'
  | 'duplicate-attribute'
  | 'mismatched-end-tag'
  | 'malformed'
  | 'stanza-size'
  | 'stanza-depth'
  | 'roster-item-size'
  | 'roster-items';

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
