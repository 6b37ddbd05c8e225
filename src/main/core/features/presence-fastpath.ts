/**
 * A fast path for incoming <presence/> (security.md test 53, the flood budget): xmpp.js runs every
 * stanza through koa-compose with a fresh context object and two @xmpp/jid parses, which costs more
 * than everything the presence feature does. Presence the feature owns skips that chain; anything
 * else (subscription and MUC presence, every other stanza, anything before the stream is online)
 * takes the normal path.
 *
 * Two entries, one rule:
 * - `_onElement`: presence that xmpp.js's parser built as an Element.
 * - The client's `Parser` (when it has one): presence-stream-parser.ts reads presence of the common
 *   shape straight from the stream text, without an Element, and offers it here first; what is not
 *   consumed goes on to xmpp.js's parser and then `_onElement` as before.
 *
 * Stream management must still count the stanza (XEP-0198 'h'): the SM middleware would have added
 * one, so the fast path does. Installed per client before its first connection: the connection
 * binds `_onElement` to each new parser, and creates each stream's parser from `Parser`.
 */
import { performance } from 'node:perf_hooks';
import xml, { type Element, type Parser } from '@xmpp/xml';
import type { RawPresence } from './presence-stanza';
import { presenceStreamParser } from './presence-stream-parser';

type ParserClass = new () => Parser;

/** Stream work per event-loop turn before the socket yields to timers (see pace). */
export const SLICE_MS = 10;

export interface FastPathClient {
  status: string;
  streamManagement: { enabled: boolean; inbound: number };
  _onElement(element: Element): void;
  /** xmpp.js's parser class for new streams (absent in tests that feed elements). */
  Parser?: ParserClass;
  /** The current stream's parser: presence read by a parser that was replaced is not ours to handle. */
  parser?: Parser | null;
  socket?: { pause(): unknown; resume(): unknown } | null;
}

/**
 * `handle` (Elements) and `handleRaw` (presence read from the stream text; without it that reader is
 * not installed) return true when they consumed the presence; they may throw (logged, still counted).
 */
export function installPresenceFastPath(
  client: FastPathClient,
  handle: (stanza: Element) => boolean,
  onError: (error: unknown) => void = () => {},
  handleRaw?: (raw: RawPresence) => boolean,
): void {
  function consume(stanza: Element, raw: null): boolean;
  function consume(stanza: null, raw: RawPresence): boolean;
  function consume(stanza: Element | null, raw: RawPresence | null): boolean {
    let handled: boolean;
    try {
      handled = stanza !== null ? handle(stanza) : handleRaw!(raw!);
    } catch (error) {
      // Taken out of the stream like any stanza a handler failed on: counted, not re-run.
      onError(error);
      handled = true;
    }
    if (handled && client.streamManagement.enabled) client.streamManagement.inbound += 1;
    return handled;
  }
  const original = client._onElement;
  client._onElement = function (this: FastPathClient, element: Element): void {
    if (element.name === 'presence' && this.status === 'online' && consume(element, null)) return;
    original.call(this, element);
  };
  // Event-loop fairness in a flood: libuv reads a busy socket up to 32 times per poll (2 MB on
  // loopback), so one loop turn could parse ten thousand stanzas while timers (the UI's event
  // batches, the idle clock) wait. After SLICE_MS of stream work in one turn the socket pauses until
  // the turn's check phase (setImmediate), so timers run between slices. Nothing is dropped or
  // reordered: the socket buffers what it has.
  let sliceStart = -1;
  let paused: { resume(): unknown } | null = null;
  const endSlice = (): void => {
    sliceStart = -1;
    const socket = paused;
    paused = null;
    socket?.resume();
  };
  const pace = (): void => {
    const now = performance.now();
    if (sliceStart < 0) {
      sliceStart = now;
      setImmediate(endSlice);
    } else if (paused === null && now - sliceStart > SLICE_MS && client.socket) {
      paused = client.socket;
      client.socket.pause();
    }
  };
  if (handleRaw) {
    // xmpp.js sets `Parser` from the transport on every connect: wrap whatever it sets, as long as
    // it is xmpp.js's own XML stream parser (TCP); any other transport keeps its parser.
    let base = client.Parser;
    let wrapped: { base: ParserClass; parser: ParserClass } | null = null;
    Object.defineProperty(client, 'Parser', {
      configurable: true,
      enumerable: true,
      get(): ParserClass | undefined {
        if (base !== xml.Parser) return base;
        if (wrapped?.base !== base) {
          // Declined (not online, or a parser already replaced after a stream error): xmpp.js's parser gets the text.
          const parser = presenceStreamParser(
            base,
            (raw, current) => (client.status === 'online' && client.parser === current ? consume(null, raw) : false),
            () => pace(),
          );
          wrapped = { base, parser };
        }
        return wrapped.parser;
      },
      set(value: ParserClass | undefined) {
        base = value;
      },
    });
  }
}
