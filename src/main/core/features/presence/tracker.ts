/**
 * Per-resource presence of every JID one account hears from, with aioxmpp's PresenceClient
 * semantics: the first available resource makes the bare JID available (signalled before the
 * resource), the last one leaving makes it unavailable (signalled after the resource). An error
 * presence replaces every resource of that JID until the next available one. Kept in memory only:
 * a new session starts empty (clear), a resumed stream keeps it.
 */
import { mostAvailable, type ResourcePresence } from '../../../../shared/presence';

/** Beyond this many resources for one JID, new ones are ignored (a flood must not grow memory). */
export const MAX_RESOURCES_PER_JID = 64;

export type PresenceSignal = 'bare-available' | 'available' | 'changed' | 'unavailable' | 'bare-unavailable';

export interface PresenceError {
  condition: string;
  text: string | null;
  since: number;
}

/** Receives signals without an object allocated per signal (this runs for every presence stanza). */
export type SignalListener = (signal: PresenceSignal, bare: string, resource: string | null) => void;

/**
 * One JID's available resources, and the JID as the tracker keeps it: callers on the hot path hold
 * this string rather than the one they parsed (a view into the parser's input chunk, which would
 * keep the whole chunk alive wherever it is stored, see presence-stanza.ts detach).
 */
export class ContactResources<T> extends Map<string, T> {
  /**
   * The presence feature's coalescing window this contact was last marked changed in (-1: none):
   * a mark is a field compared, not a lookup of the JID in a set (it runs for every presence).
   */
  markedIn = -1;
  /** The window whose views sent this contact last (-1: none): one view per contact and window. */
  sentIn = -1;
  /**
   * What the photo hook (PresenceDeps.onPhoto: the avatars) keeps of this contact while it is online,
   * opaque here: reached from the entry the presence path holds, it costs no table look-up of its own.
   */
  photoState: object | null = null;
  /** The tracker let this entry go (the contact's last resource left, an error, a new session). */
  dropped = false;

  constructor(readonly bare: string) {
    super();
  }
}

export class PresenceTracker<T extends ResourcePresence = ResourcePresence> {
  private readonly contacts = new Map<string, ContactResources<T>>();
  private readonly errors = new Map<string, PresenceError>();

  constructor(private readonly onSignal: SignalListener = () => {}) {}

  /** An available presence from bare/resource. Returns false when ignored (resource cap). */
  available(bare: string, presence: T): boolean {
    let resources = this.contacts.get(bare);
    if (resources === undefined) {
      resources = new ContactResources(bare);
      this.contacts.set(bare, resources);
      this.errors.delete(bare);
      resources.set(presence.resource, presence);
      this.onSignal('bare-available', bare, null);
      this.onSignal('available', bare, presence.resource);
      return true;
    }
    return this.availableIn(resources, presence);
  }

  /**
   * available() for a JID the caller just looked up with resources() (this turn, nothing changed
   * since): the same, without looking the JID up again.
   */
  availableIn(resources: ContactResources<T>, presence: T): boolean {
    const known = resources.has(presence.resource);
    if (!known && resources.size >= MAX_RESOURCES_PER_JID) return false;
    resources.set(presence.resource, presence);
    this.onSignal(known ? 'changed' : 'available', resources.bare, presence.resource);
    return true;
  }

  /** An unavailable presence from bare/resource; unknown resources change nothing. */
  unavailable(bare: string, resource: string): void {
    const resources = this.contacts.get(bare);
    if (!resources?.delete(resource)) return;
    this.onSignal('unavailable', bare, resource);
    if (resources.size === 0) {
      this.contacts.delete(bare);
      resources.dropped = true;
      this.onSignal('bare-unavailable', bare, null);
    }
  }

  /** An error presence about bare: every resource goes, the error stands until the next available. */
  error(bare: string, error: PresenceError): void {
    const resources = this.contacts.get(bare);
    if (resources) {
      this.contacts.delete(bare);
      resources.dropped = true;
      for (const resource of resources.keys()) this.onSignal('unavailable', bare, resource);
      this.onSignal('bare-unavailable', bare, null);
    }
    this.errors.set(bare, error);
  }

  resources(bare: string): ContactResources<T> | undefined {
    return this.contacts.get(bare);
  }

  aggregate(bare: string): T | undefined {
    const resources = this.contacts.get(bare);
    return resources ? (mostAvailable(resources.values()) as T | undefined) : undefined;
  }

  errorOf(bare: string): PresenceError | undefined {
    return this.errors.get(bare);
  }

  /** Every JID with available resources, with them. */
  online(): IterableIterator<ContactResources<T>> {
    return this.contacts.values();
  }

  /** Every JID we hold something for: available resources or an error. */
  *knownJids(): IterableIterator<string> {
    yield* this.contacts.keys();
    for (const bare of this.errors.keys()) if (!this.contacts.has(bare)) yield bare;
  }

  /** Number of JIDs with at least one available resource. */
  get availableCount(): number {
    return this.contacts.size;
  }

  /** A new session: nothing we knew is current any more. Signals every departure. */
  clear(): void {
    for (const [bare, resources] of this.contacts) {
      resources.dropped = true;
      for (const resource of resources.keys()) this.onSignal('unavailable', bare, resource);
      this.onSignal('bare-unavailable', bare, null);
    }
    this.contacts.clear();
    this.errors.clear();
  }
}
