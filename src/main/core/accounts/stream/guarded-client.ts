/**
 * The xmpp.js client with every change we make to how it reads a stream, in one place:
 *
 * - Socket bytes pass the stream guard (strict UTF-8, restricted XML, size and depth limits) before
 *   any parser sees them, and a parser exception becomes a stream error instead of escaping the
 *   socket's 'data' handler.
 * - see-other-host is refused: a server cannot send us to another host, whose certificate would be
 *   checked against a name the user never chose.
 * - Presence takes the fast path (presence-fastpath.ts) and the items of a roster result are read as
 *   they end, both through the typed `hooks` features subscribe to; so does every element that comes
 *   in (for the XML console).
 */
import { Client } from '@xmpp/client-core';
import xml, { type Element } from '@xmpp/xml';
import { NS_XMPP_STREAMS } from '../../xmpp/ns';
import { CheckedRosterItems } from './checked-roster-item';
import { StreamHookRegistry, type StreamHooks } from './hooks';
import { PresenceFastPath, type ParserClass } from './presence-fastpath';
import { StreamGuard } from './stream-guard';

export class GuardedClient extends Client {
  /** What features subscribe to (elements in, presence on the fast path, roster result items). */
  readonly hooks: StreamHooks;
  /** XEP-0198 state, once stream management is composed in: the fast path counts what it consumes. */
  streamManagement?: { enabled: boolean; inbound: number };

  private readonly registry = new StreamHookRegistry();
  private readonly fastPath = new PresenceFastPath(this, this.registry);
  /** One guard per stream: every stream (the first, after STARTTLS, after SASL) gets a new parser. */
  private guards = new WeakMap<object, StreamGuard>();
  /** The parser class the transport chose for the next stream (xmpp.js sets it on every connect). */
  private transportParser: ParserClass | undefined;

  constructor(options: ConstructorParameters<typeof Client>[0]) {
    super(options);
    this.hooks = this.registry;
  }

  /** xmpp.js builds each stream's parser from this: the lean presence path goes in front of its own. */
  get Parser(): ParserClass | undefined {
    return this.fastPath.parserFor(this.transportParser, xml.Parser);
  }

  set Parser(value: ParserClass | undefined) {
    this.transportParser = value;
  }

  override _onElement(element: Element): void {
    this.registry.elementIn(element);
    if (element.name === 'presence' && this.fastPath.element(element)) return;
    super._onElement(element);
  }

  override _onData(data: Buffer | string): void {
    const parser = this.parser;
    if (!parser) return;
    let guard = this.guards.get(parser);
    if (!guard) {
      this.guards.set(parser, (guard = new StreamGuard()));
      // The lean parser takes the roster items the guard reads (one pass over their bytes).
      if ('checkedItems' in parser && parser.checkedItems instanceof CheckedRosterItems)
        guard.items = parser.checkedItems;
    }
    const text = guard.read(typeof data === 'string' ? Buffer.from(data) : data);
    try {
      if (text) parser.write(text);
    } catch (error) {
      const thrown = new Error(`not-well-formed XML from the server: ${String(error)}`);
      return this.refuse(Object.assign(thrown, { name: 'XMLError' }), 'not-well-formed');
    }
    if (guard.violation && this.parser === parser) this.refuse(guard.violation, guard.violation.condition);
  }

  /** Reads nothing more from this stream (its parser state is unknown or refused) and ends it. */
  private refuse(error: Error, condition: string): void {
    this.parser = null;
    this.socket?.pause();
    this.emit('error', error);
    this.abort(condition);
  }

  /**
   * Ends a stream the server broke: stream error, footer, close. Unlike xmpp.js's _streamError it
   * does not wait for the server's polite reply, which a misbehaving server may never send.
   */
  abort(condition: string, children: Element[] = []): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    const error = xml('stream:error', {}, xml(condition, { xmlns: NS_XMPP_STREAMS }, ...children));
    socket.end(`${error.toString()}</stream:stream>`);
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  override async _onSeeOtherHost(error: Error): Promise<void> {
    this.emit('error', error);
  }
}
