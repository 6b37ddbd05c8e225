/**
 * Writes changed identities (avatar hash, source, nick) to the store, never per presence: at the
 * end of the turn when nothing was written for a while, else SAVE_INTERVAL_MS after the last write
 * (FLOOD_SAVE_INTERVAL_MS after one that began with a flood's worth),
 * a contact's latest values only; what changed until a write starts goes SAVE_CHUNK records a
 * transaction, a chunk a turn, and what changes meanwhile waits for the next interval.
 */
import { performance } from 'node:perf_hooks';
import type { AvatarSource, IdentitiesRepository, IdentityRecord } from './repo';

/**
 * Identity changes are stored at most this often: a login's presence flood announces a new photo
 * hash in most stanzas, and a commit per turn cost more than the flood's parsing. What a crash
 * loses in between is announced again at the next login.
 */
const SAVE_INTERVAL_MS = 1_000;
/**
 * After a write that started with a flood's worth of changes (SAVE_CHUNK or more), the next one
 * waits this long: a login's flood that announces new hashes stanza after stanza would otherwise
 * rewrite the same contacts every second while it lasts; the latest values are written once it calmed.
 */
const FLOOD_SAVE_INTERVAL_MS = 5_000;
/**
 * Records written per transaction; the rest go on in the next turn. A login's flood changes
 * thousands within a second, and their one transaction held the loop for 100–170 ms.
 */
export const SAVE_CHUNK = 250;

/** What is written of an identity (its values when the write comes, not when it changed). */
export interface WrittenIdentity {
  /** Whose identity it is: kept on the entry, so a change allocates nothing to remember it. */
  readonly accountId: string;
  readonly jid: string;
  hash: string | null | undefined;
  source: AvatarSource | null;
  nick: string | null;
  /** The writer's `unsaved` generation this entry was put in (absent or older: not in it). */
  unsavedIn?: number;
}

type Changed<E> = Set<E>;

export class IdentityWriter<E extends WrittenIdentity> {
  /** Changed since the last write started. */
  private unsaved: Changed<E> = new Set();
  /** Moves on whenever `unsaved` is emptied or swapped, so an entry's unsavedIn says whether it is in it. */
  private generation = 0;
  /** The changes of the last write's start, being written a chunk a turn. */
  private draining: Changed<E> | null = null;
  private scheduled = false;
  private closed = false;
  /** When the last write ended (performance.now(); the injected clock may stand still in tests). */
  private lastWriteAt = -Infinity;
  /** How long after the last write the next one waits (SAVE_INTERVAL_MS, or FLOOD_SAVE_INTERVAL_MS after a flood's). */
  private interval = SAVE_INTERVAL_MS;

  constructor(
    private readonly repo: IdentitiesRepository,
    private readonly now: () => number,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** The entry changed: it is written with the next write. */
  changed(entry: E): void {
    // Already unsaved: its latest values are written (nothing allocated or looked up per change of a flood).
    if (entry.unsavedIn === this.generation) return;
    entry.unsavedIn = this.generation;
    this.unsaved.add(entry);
    if (!this.scheduled && !this.closed) this.schedule();
  }

  /** Writes every change now; nothing is scheduled any more. */
  close(): void {
    this.closed = true;
    if (this.draining !== null) this.write(this.draining, Infinity);
    this.draining = null;
    this.write(this.unsaved, Infinity);
    this.generation++;
  }

  private schedule(): void {
    this.scheduled = true;
    const wait = this.lastWriteAt + this.interval - performance.now();
    if (wait <= 0) setImmediate(this.writeChunk);
    else setTimeout(this.writeChunk, wait).unref();
  }

  private readonly writeChunk = (): void => {
    this.scheduled = false;
    if (this.closed) return;
    if (this.draining === null) {
      this.interval = this.unsaved.size >= SAVE_CHUNK ? FLOOD_SAVE_INTERVAL_MS : SAVE_INTERVAL_MS;
      this.draining = this.unsaved;
      this.unsaved = new Set();
      this.generation++;
    }
    this.write(this.draining, SAVE_CHUNK);
    if (this.draining.size > 0) {
      this.scheduled = true;
      setImmediate(this.writeChunk);
      return;
    }
    this.draining = null;
    if (this.unsaved.size > 0) this.schedule();
  };

  /** Writes the oldest `max` of these changed entries in one transaction and takes them out. */
  private write(changed: Changed<E>, max: number): void {
    if (changed.size === 0) return;
    const records: IdentityRecord[] = [];
    for (const entry of changed) {
      if (records.length >= max) break;
      records.push({
        accountId: entry.accountId,
        jid: entry.jid,
        avatarHash: entry.hash,
        source: entry.source,
        nick: entry.nick,
      });
      changed.delete(entry);
    }
    this.lastWriteAt = performance.now();
    const now = this.now();
    try {
      this.repo.saveMany(records, now);
    } catch {
      // One record was refused (its account was removed meanwhile, its rows cascaded away): the others one by one.
      for (const record of records) {
        try {
          this.repo.save(record, now);
        } catch (error) {
          this.failed(error);
        }
      }
    }
  }
}
