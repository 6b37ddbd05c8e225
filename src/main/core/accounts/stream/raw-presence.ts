/**
 * A presence as the lean stream parser (presence-stream-parser.ts) reads it, without an Element:
 * what the presence feature's parsePresence reads from the attributes and children, with the same
 * first-of-each rule. Only presences without a type or with type='unavailable' and without MUC user data come this way.
 * One object per parser, refilled for every stanza: copy what you keep.
 */
export class RawPresence {
  from: string | undefined = undefined;
  type: string | undefined = undefined;
  show: string | null = null;
  status: string | null = null;
  priority: string | null = null;
  /** A <c xmlns='http://jabber.org/protocol/caps'/> child, with its attributes. */
  caps = false;
  capsHash: string | undefined = undefined;
  capsNode: string | undefined = undefined;
  capsVer: string | undefined = undefined;
  /** A <delay xmlns='urn:xmpp:delay'/> child, with its stamp. */
  delay = false;
  delayStamp: string | undefined = undefined;
  /** The text of the first <x xmlns='vcard-temp:x:update'>'s <photo/> (XEP-0153); undefined without one. */
  photo: string | undefined = undefined;
  /** A <idle xmlns='urn:xmpp:idle:1'/> child (XEP-0319), with its since. */
  idle = false;
  idleSince: string | undefined = undefined;

  reset(): void {
    this.from = undefined;
    this.type = undefined;
    this.show = null;
    this.status = null;
    this.priority = null;
    this.caps = false;
    this.capsHash = undefined;
    this.capsNode = undefined;
    this.capsVer = undefined;
    this.delay = false;
    this.delayStamp = undefined;
    this.photo = undefined;
    this.idle = false;
    this.idleSince = undefined;
  }
}
