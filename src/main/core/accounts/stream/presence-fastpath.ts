/**
 * A fast path for incoming <presence/>, for the presence flood budget (≥ 120,000 presences a second
 * through the core): xmpp.js runs every stanza through koa-compose with a fresh context object and
 * two @xmpp/jid parses, which costs more than everything the presence feature does. Presence a
 * feature consumes through the stream hooks (hooks.ts) skips that chain; anything else (subscription
 * and MUC presence, every other stanza, anything before the stream is online) takes the normal path.
 *
 * Two entries, one rule (GuardedClient calls both):
 * - `element`: presence that xmpp.js's parser built as an Element (from the client's `_onElement`).
 * - `parserFor`: the parser class for a new stream. presence-stream-parser.ts reads presence of the
 *   common shape straight from the stream text, without an Element, and offers it here first (room
 *   presence to the room hooks, the rest to the presence hooks); what is not consumed goes on to
 *   xmpp.js's parser and then `_onElement` as before.
 *
 * Stream management must still count the stanza (XEP-0198 'h'): the SM middleware would have added
 * one, so the fast path does.
 */
import { performance } from 'node:perf_hooks';
import type { Element, Parser } from '@xmpp/xml';
import type { StreamHookRegistry } from './hooks';
import { presenceStreamParser } from './presence-stream-parser';

export type ParserClass = new () => Parser;

/** Stream work per event-loop turn before the socket yields to timers (see pace). */
export const SLICE_MS = 10;

/** What the fast path reads of its client. */
export interface FastPathClient {
  status: string;
  /** Set once stream management is composed in (absent in tests that feed elements). */
  streamManagement?: { enabled: boolean; inbound: number };
  /** The current stream's parser: presence read by a parser that was replaced is not ours to handle. */
  parser?: Parser | null;
  socket?: { pause(): unknown; resume(): unknown } | null;
}

export class PresenceFastPath {
  private sliceStart = -1;
  private paused: { resume(): unknown } | null = null;
  private wrapped: { base: ParserClass; parser: ParserClass } | null = null;

  constructor(
    private readonly client: FastPathClient,
    private readonly hooks: StreamHookRegistry,
  ) {}

  /** A presence Element from xmpp.js's parser: true when a handler consumed it (counted for SM). */
  element(stanza: Element): boolean {
    if (this.client.status !== 'online') return false;
    return this.counted(this.hooks.consumePresence(stanza));
  }

  /**
   * The parser class for a new stream: xmpp.js's own XML stream parser (TCP) gets the lean presence
   * path in front while a hook wants it; any other transport, or nobody asking, keeps `base`.
   */
  parserFor(base: ParserClass | undefined, xmlParser: ParserClass): ParserClass | undefined {
    if (base !== xmlParser || !base || !this.hooks.wantsStreamParser()) return base;
    if (this.wrapped?.base !== base) {
      const client = this.client;
      const parser = presenceStreamParser(
        base,
        // Declined (not online, or a parser already replaced after a stream error): xmpp.js's parser gets the text.
        (raw, current) =>
          client.status === 'online' && client.parser === current
            ? this.counted(raw.mucUser ? this.hooks.consumeRawRoomPresence(raw) : this.hooks.consumeRawPresence(raw))
            : false,
        () => this.pace(),
        this.hooks,
      );
      this.wrapped = { base, parser };
    }
    return this.wrapped.parser;
  }

  private counted(handled: boolean): boolean {
    const sm = this.client.streamManagement;
    if (handled && sm?.enabled) sm.inbound += 1;
    return handled;
  }

  /**
   * Event-loop fairness in a flood: libuv reads a busy socket up to 32 times per poll (2 MB on
   * loopback), so one loop turn could parse ten thousand stanzas while timers (the UI's event
   * batches, the idle clock) wait. After SLICE_MS of stream work in one turn the socket pauses until
   * the turn's check phase (setImmediate), so timers run between slices. Nothing is dropped or
   * reordered: the socket buffers what it has.
   */
  private pace(): void {
    const now = performance.now();
    if (this.sliceStart < 0) {
      this.sliceStart = now;
      setImmediate(this.endSlice);
    } else if (this.paused === null && now - this.sliceStart > SLICE_MS && this.client.socket) {
      this.paused = this.client.socket;
      this.client.socket.pause();
    }
  }

  private readonly endSlice = (): void => {
    this.sliceStart = -1;
    const socket = this.paused;
    this.paused = null;
    socket?.resume();
  };
}
