/**
 * A presence as the lean stream parser (presence-stream-parser.ts) reads it, without an Element:
 * what the presence feature's parsePresence reads from the attributes and children, with the same
 * first-of-each rule, and for room presence (a muc#user <x/>) what the MUC feature reads of it.
 * Only presences without a type or with type='unavailable' come this way.
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
  /** Room presence: a <x xmlns='http://jabber.org/protocol/muc#user'/> child (the first one is read). */
  mucUser = false;
  /** Its <status code=''/> values: the first mucCodeCount entries. */
  readonly mucCodes: string[] = [];
  mucCodeCount = 0;
  /** Its first <item/>: seen, its attributes, its first <reason/>'s text, its first <actor/>'s nick (null: none). */
  mucItem = false;
  itemRole: string | undefined = undefined;
  itemAffiliation: string | undefined = undefined;
  itemJid: string | undefined = undefined;
  itemNick: string | undefined = undefined;
  itemReason: string | undefined = undefined;
  itemActor: string | null | undefined = undefined;
  /** A <occupant-id xmlns='urn:xmpp:occupant-id:0'/> child (XEP-0421). */
  occupantId = false;

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
    if (this.mucUser) this.resetRoom();
    this.occupantId = false;
  }

  private resetRoom(): void {
    this.mucUser = false;
    // The codes are views into the parser's input chunk: let go of them.
    this.mucCodes.fill('', 0, this.mucCodeCount);
    this.mucCodeCount = 0;
    this.mucItem = false;
    this.itemRole = this.itemAffiliation = this.itemJid = this.itemNick = this.itemReason = undefined;
    this.itemActor = undefined;
  }
}
