/**
 * The typed hooks through which features see what the stream layer reads before xmpp.js's
 * middleware does: every element as it comes in (the XML console), presence on the fast path (as an
 * Element, or read straight from the stream text; room presence apart, for the MUC feature) and the
 * items of a roster result as each one ends. Features subscribe here; only the stream layer (this
 * folder) touches xmpp.js's internals.
 */
import type { Element } from '@xmpp/xml';
import { NS_ROSTER } from '../../xmpp/ns';
import type { RawPresence } from './raw-presence';
import type { RosterItemTaps } from './presence-stream-parser';
import type { RawRosterItem } from './raw-roster-item';

/** Told of each element xmpp.js's parser built, before anything reads it; it cannot consume it. */
export type ElementListener = (element: Element) => void;
/** True when the presence was consumed (it then skips xmpp.js's middleware); may throw. */
export type PresenceHook = (stanza: Element) => boolean;
/** The same for a presence read from the stream text; `raw` is reused for the next one: copy what you keep. */
export type RawPresenceHook = (raw: RawPresence) => boolean;
/**
 * Room presence (a muc#user <x/>) read from the stream text; `raw` is reused: copy what you keep.
 * True when consumed (the room's own feature checked the sender is a room of ours).
 */
export type RawRoomPresenceHook = (raw: RawPresence) => boolean;
/** Told of each room presence a RawRoomPresenceHook consumed (it skips the middleware where they would have seen it). */
export type RawRoomPresenceListener = (raw: RawPresence) => void;
/**
 * An <item/> of a roster result (a top-level <iq type='result'> with a roster <query/>): read from
 * the stream text (a RawRosterItem, reused for the next one: copy what you keep), or an Element that
 * just ended. True when the handler read it: it then never stays in the tree, so a 10,000-item
 * result never holds 10,000 item elements at once. `query` is the result's <query/>, which
 * identifies the result.
 */
export type RosterItemHook = (item: Element | RawRosterItem, query: Element) => boolean;

export interface StreamHooks {
  /** Every element that comes in, stanza or not (presence the lean reader takes from the text never becomes one). */
  onElement(listener: ElementListener, onError?: (error: unknown) => void): () => void;
  /** Presence taking the fast path. A handler that throws is reported to `onError`, and the stanza counts as consumed. */
  onPresence(handler: PresenceHook, onError?: (error: unknown) => void): () => void;
  /** Presence of the common shape read from the stream text (the lean parser is installed while one is registered). */
  onRawPresence(handler: RawPresenceHook, onError?: (error: unknown) => void): () => void;
  /** Room presence read from the stream text (the lean parser is installed while one is registered). */
  onRawRoomPresence(handler: RawRoomPresenceHook, onError?: (error: unknown) => void): () => void;
  /** Room presence a handler of onRawRoomPresence consumed, for those who only read it on its way. */
  onRawRoomPresenceTaken(listener: RawRoomPresenceListener, onError?: (error: unknown) => void): () => void;
  /** Roster result items as they end (the lean parser is installed while one is registered). */
  onRosterItem(handler: RosterItemHook): () => void;
}

interface Subscriber<H> {
  handler: H;
  onError: (error: unknown) => void;
}

const ignore = (): void => {};

function subscribe<H>(list: Subscriber<H>[], handler: H, onError: (error: unknown) => void): () => void {
  const entry = { handler, onError };
  list.push(entry);
  return remove(list, entry);
}

/**
 * Offers `value` to each handler in turn: true when one consumed it, or threw (a stanza a handler
 * failed on is taken out of the stream like a consumed one, not run again).
 */
function offer<T>(subscribers: readonly Subscriber<(value: T) => boolean>[], value: T): boolean {
  for (const { handler, onError } of subscribers) {
    try {
      if (handler(value)) return true;
    } catch (error) {
      onError(error);
      return true;
    }
  }
  return false;
}

function remove<T>(list: T[], entry: T): () => void {
  return () => {
    const at = list.indexOf(entry);
    if (at !== -1) list.splice(at, 1);
  };
}

/** The hooks of one client, and how the stream layer runs them. */
export class StreamHookRegistry implements StreamHooks, RosterItemTaps {
  private readonly elements: Subscriber<ElementListener>[] = [];
  private readonly presence: Subscriber<PresenceHook>[] = [];
  private readonly rawPresence: Subscriber<RawPresenceHook>[] = [];
  private readonly rawRoomPresence: Subscriber<RawRoomPresenceHook>[] = [];
  private readonly rawRoomPresenceTaken: Subscriber<RawRoomPresenceListener>[] = [];
  private readonly rosterItems: RosterItemHook[] = [];

  onElement(listener: ElementListener, onError: (error: unknown) => void = ignore): () => void {
    return subscribe(this.elements, listener, onError);
  }

  onPresence(handler: PresenceHook, onError: (error: unknown) => void = ignore): () => void {
    return subscribe(this.presence, handler, onError);
  }

  onRawPresence(handler: RawPresenceHook, onError: (error: unknown) => void = ignore): () => void {
    return subscribe(this.rawPresence, handler, onError);
  }

  onRawRoomPresence(handler: RawRoomPresenceHook, onError: (error: unknown) => void = ignore): () => void {
    return subscribe(this.rawRoomPresence, handler, onError);
  }

  onRawRoomPresenceTaken(listener: RawRoomPresenceListener, onError: (error: unknown) => void = ignore): () => void {
    return subscribe(this.rawRoomPresenceTaken, listener, onError);
  }

  onRosterItem(handler: RosterItemHook): () => void {
    this.rosterItems.push(handler);
    return remove(this.rosterItems, handler);
  }

  /** Whether a new stream should be read by the lean parser (someone wants what only it reads). */
  wantsStreamParser(): boolean {
    return this.rawPresence.length > 0 || this.rawRoomPresence.length > 0 || this.rosterItems.length > 0;
  }

  /** Tells the element listeners of an element that came in (a listener that throws is reported, not fatal). */
  elementIn(element: Element): void {
    for (const { handler, onError } of this.elements) {
      try {
        handler(element);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Offers a presence Element to the handlers; true when one consumed it (or failed on it). */
  consumePresence(stanza: Element): boolean {
    return offer(this.presence, stanza);
  }

  /** Offers a presence read from the text to the handlers; true when one consumed it (or failed on it). */
  consumeRawPresence(raw: RawPresence): boolean {
    return offer(this.rawPresence, raw);
  }

  /**
   * Offers a room presence read from the text to the room handlers; true when one consumed it (or
   * failed on it), and then the listeners read it.
   */
  consumeRawRoomPresence(raw: RawPresence): boolean {
    const taken = offer(this.rawRoomPresence, raw);
    if (!taken) return false;
    for (const { handler, onError } of this.rawRoomPresenceTaken) {
      try {
        handler(raw);
      } catch (error) {
        onError(error);
      }
    }
    return true;
  }

  /**
   * An item of a roster result read from the stream text, with xmpp.js's parser's current element
   * (which has seen everything before the item): true when a handler took it (it then skips ltx).
   */
  rawRosterItem(item: RawRosterItem, current: Element | null): boolean {
    if (this.rosterItems.length === 0 || !isRosterResultQuery(current)) return false;
    try {
      for (const handler of this.rosterItems) if (handler(item, current)) return true;
      return false;
    } finally {
      item.release();
    }
  }

  /** An element ended while the stream was parsed: an item of a roster result goes to the handlers. */
  elementEnded(element: Element): void {
    if (this.rosterItems.length === 0 || element.name !== 'item') return;
    const query = element.parent;
    if (!isRosterResultQuery(query)) return;
    const children = query.children;
    if (children[children.length - 1] !== element) return;
    for (const handler of this.rosterItems) {
      if (!handler(element, query)) continue;
      children.pop();
      element.parent = null;
      return;
    }
  }
}

/** `query` is the <query/> of a top-level roster result (whose items are read while parsing). */
function isRosterResultQuery(query: Element | null | undefined): query is Element {
  if (!query || query.name !== 'query' || query.attrs.xmlns !== NS_ROSTER) return false;
  const iq = query.parent;
  // A top-level stanza has no parent until it has ended. Pushes (type 'set') keep their items.
  return Boolean(iq && !iq.parent && iq.name === 'iq' && iq.attrs.type === 'result');
}
