/**
 * A warm-up of the roster walk while the login waits on the network. The first read of a large roster
 * (a first login, or a server without versioning) runs the walk's functions cold: V8 starts them in
 * its interpreter and baseline code and compiles the hot ones with TurboFan on a thread that shares
 * the core, so a cold 10,000-item result pays ~65 ms of compiling whose code arrives after the result
 * was read (bench/RESULTS.md, roster9). While the login waits for the server (connect, TLS, SASL,
 * bind, the roster request), the same functions walk synthetic items here, so the compiles happen in
 * that idle time instead.
 *
 * The walk is the real one, with objects of the real classes: a StreamGuard of its own reads the
 * synthetic stream's bytes in chunks (strict UTF-8, the guard's one pass over each <item/>:
 * readCheckedItem, the group names), and each item it read goes, as the lean parser hands it over,
 * to a StreamedRosterItems of its own (rosterItemOf, the JID's normalization and copy, the shared
 * group lists, the result's map). The items are shaped like real ones (non-ASCII names and groups,
 * entities, missing names, one to three groups, a few non-ASCII JIDs, chunks cut inside items and
 * characters), so the type feedback is what a real result gives. Nothing outside this object is
 * touched: no store, no event, no state of any account; what it built is dropped when it ends.
 *
 * It runs in slices of at most SLICE_MS, yielding to the event loop (setImmediate) between them, so
 * the login's own work is never held up more than that; it ends after WARM_UP_ITEMS items, or when
 * stopped (the roster result's first bytes came in, or the connection went away).
 */
import { performance } from 'node:perf_hooks';
import xml, { type Element } from '@xmpp/xml';
import { StreamedRosterItems, newReport } from '../features/roster/items';
import { NS_ROSTER } from '../xmpp/ns';
import { CheckedRosterItems } from './stream/checked-roster-item';
import { StreamGuard } from './stream/stream-guard';

/** The longest a slice walks before it yields. */
export const SLICE_MS = 4;
/** Items walked at most: TurboFan marks readCheckedItem and its callees after ~400 (cold, this file's items); twice that for a margin. */
export const WARM_UP_ITEMS = 800;
/** Items generated at a time. */
const BLOCK_ITEMS = 16;
/** Bytes handed to the guard at a time: an odd size, so cuts land inside items and characters. */
const CHUNK_BYTES = 4093;
/** The account id the items are read for (nobody reads it). */
const WARM_UP_ACCOUNT = 'roster-warm-up';

const STREAM_HEAD =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "id='warm-up' from='warm-up.invalid' version='1.0' xml:lang='en'>" +
  `<iq type='result' id='warm-up' to='warm-up@warm-up.invalid/warm-up'><query xmlns='${NS_ROSTER}' ver='warm-up'>`;

// Synthetic items, written as servers write them (single quotes, the five entities escaped).
const LOCALS = ['anna', 'tomasz', 'mi.ko', 'jo_se', 'vika', 'lu-de', 'ramo', 'kasia'];
const OTHER_LOCALS = ['zoë', 'иван', '李雷', 'σοφία', 'müller'];
const DOMAINS = ['example.org', 'example.net', 'example.com', 'chat.example.de', 'xmpp.example.jp'];
const NAMES = [
  'Zoë Müller', 'Иван Петров', '田中 花子', 'محمد علي', 'Γιώργος Παπαδόπουλος', 'Tom &amp; Jerry', 'José Núñez',
  'Bob &quot;the builder&quot;', 'Mom&apos;s phone', '&lt;3 Anna', 'Anna 🌸', 'Łukasz Żółć', 'דוד כהן', 'Lena',
  'प्रिया शर्मा', '민준 김', 'Papa 👨‍👩‍👧', 'Max Smith', 'Ольга', 'Nguyễn',
]; // prettier-ignore
const GROUPS = [
  'Friends', 'Family', 'Work', 'Kollegen &amp; Freunde', 'Семья', '同事', '&lt;Unsorted&gt;', 'Café ☕', 'R&amp;D',
  '&quot;Quoted&quot;', 'Mom&apos;s side', 'Clients &gt; 2020', 'Αθήνα', 'משפחה', '🎮 Gaming', 'Zürich', 'Études',
  'Работа', '友達', 'Band 🎸', 'Ops &amp; SRE', 'Neighbours', 'Straße 12',
]; // prettier-ignore
const SUBSCRIPTIONS = ['both', 'both', 'both', 'to', 'from', 'none', 'both'];

/** The i-th synthetic item (deterministic). */
export function syntheticItem(i: number): string {
  const local = i % 50 === 13 ? OTHER_LOCALS[i % OTHER_LOCALS.length] : LOCALS[i % LOCALS.length];
  const jid = `${local}${i}@${DOMAINS[i % DOMAINS.length]}`;
  const name = i % 20 === 7 ? '' : ` name='${NAMES[(i * 7) % NAMES.length]}'`;
  const ask = i % 50 === 0 ? " ask='subscribe'" : '';
  let groups = '';
  for (let g = 0; g <= i % 3; g++) groups += `<group>${GROUPS[(i * 11 + g * 5) % GROUPS.length]}</group>`;
  return `<item jid='${jid}'${name} subscription='${SUBSCRIPTIONS[i % SUBSCRIPTIONS.length]}'${ask}>${groups}</item>`;
}

/** One warm-up: the walk over synthetic items, in slices, until done or stopped. */
export class RosterWalkWarmUp {
  private readonly guard = new StreamGuard();
  private readonly checked = new CheckedRosterItems();
  private readonly streamed = new StreamedRosterItems();
  private readonly query: Element;
  /** Bytes generated and not yet handed to the guard. */
  private pending: Buffer;
  /** Stream offsets (UTF-16 units) of the items generated and not yet taken, from `nextStart` on. */
  private readonly starts: number[] = [];
  private nextStart = 0;
  /** UTF-16 units generated so far / returned by the guard so far. */
  private generatedUnits: number;
  private readUnits = 0;
  private generated = 0;
  private taken = 0;
  private state: 'idle' | 'running' | 'stopping' | 'ended' = 'idle';
  private readonly ended: Promise<void>;
  private end!: () => void;

  constructor(
    private readonly items = WARM_UP_ITEMS,
    private readonly sliceMs = SLICE_MS,
  ) {
    this.guard.items = this.checked;
    this.query = xml('iq', { type: 'result' }, xml('query', { xmlns: NS_ROSTER })).getChild('query')!;
    this.pending = Buffer.from(STREAM_HEAD);
    this.generatedUnits = STREAM_HEAD.length;
    this.ended = new Promise((resolve) => (this.end = resolve));
  }

  /** Items walked through the whole path so far. */
  get walked(): number {
    return this.taken;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Resolves when it has ended (done or stopped). */
  get done(): Promise<void> {
    return this.ended;
  }

  /** Starts walking in slices (once). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    setImmediate(this.slice);
  }

  /** Ends it: no slice runs after this one. */
  stop(): void {
    if (this.state === 'running') this.state = 'stopping';
    else if (this.state === 'idle') this.finish();
  }

  private readonly slice = (): void => {
    if (this.state !== 'running') return this.finish();
    const start = performance.now();
    do {
      if (!this.step()) return this.finish();
    } while (performance.now() - start < this.sliceMs);
    setImmediate(this.slice);
  };

  /** Hands the guard one chunk and the items it read to the roster's reading; false when there is nothing left. */
  private step(): boolean {
    while (this.pending.length < CHUNK_BYTES && this.generated < this.items) this.generate();
    if (this.pending.length === 0) return false;
    const chunk = this.pending.subarray(0, CHUNK_BYTES);
    this.pending = this.pending.subarray(chunk.length);
    const text = this.guard.read(chunk);
    if (this.guard.violation) return false;
    this.readUnits += text.length;
    // As the lean parser takes them: each item the guard read, in stream order (one cut by the
    // chunk's end was not read by the guard's one pass, and is left out here).
    const starts = this.starts;
    while (this.nextStart < starts.length && starts[this.nextStart] < this.readUnits) {
      const item = this.checked.take(starts[this.nextStart++], this.readUnits);
      if (item === null) continue;
      try {
        this.streamed.add(item, this.query, WARM_UP_ACCOUNT);
      } finally {
        item.release();
      }
      this.taken++;
    }
    return true;
  }

  private generate(): void {
    let text = '';
    const last = Math.min(this.items, this.generated + BLOCK_ITEMS);
    for (; this.generated < last; this.generated++) {
      this.starts.push(this.generatedUnits + text.length);
      text += syntheticItem(this.generated);
    }
    this.generatedUnits += text.length;
    this.pending = Buffer.concat([this.pending, Buffer.from(text)]);
  }

  private finish(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    // Lets go of what was built (the items' map is held by the query's entry until taken).
    this.streamed.take(WARM_UP_ACCOUNT, this.query, newReport());
    this.checked.clear();
    this.pending = Buffer.alloc(0);
    this.starts.length = 0;
    this.end();
  }
}

/** What the login watch reads of the client (the xmpp.js client's events and socket). */
export interface LoginClient {
  on(event: 'open' | 'disconnect', listener: () => void): unknown;
  socket?: { encrypted?: boolean; once(event: 'data', listener: () => void): unknown } | null;
}

/** Whether this process has had its warm-up (at most one per process). */
let taken = false;

/** The process's one warm-up, or null when it was taken already. */
export function takeRosterWarmUp(): RosterWalkWarmUp | null {
  if (taken) return null;
  taken = true;
  return new RosterWalkWarmUp();
}

/**
 * Runs the process's warm-up while `xmpp` logs in, when `fullFetchExpected` (asked as the connection
 * starts) says the roster will come whole: from the connection's start until the first bytes that come
 * in after the roster request (`rosterRequested`), or the connection's end.
 */
export class RosterWarmUpDuringLogin {
  private warmUp: RosterWalkWarmUp | null = null;

  constructor(
    private readonly xmpp: LoginClient,
    private readonly fullFetchExpected: () => boolean,
    private readonly take: () => RosterWalkWarmUp | null = takeRosterWarmUp,
  ) {
    // From the first stream over TLS on (STARTTLS done, or direct TLS): code TurboFan compiled
    // before the TLS handshake was thrown away by it (a dependency of readCheckedItem's changed).
    xmpp.on('open', () => {
      if (this.warmUp !== null || this.xmpp.socket?.encrypted !== true || !this.fullFetchExpected()) return;
      this.warmUp = this.take();
      this.warmUp?.start();
    });
    xmpp.on('disconnect', () => this.stop());
  }

  /** The roster request is about to go out: the warm-up ends when the next bytes come in. */
  rosterRequested(): void {
    const warmUp = this.warmUp;
    if (warmUp?.running) this.xmpp.socket?.once('data', () => warmUp.stop());
  }

  stop(): void {
    this.warmUp?.stop();
  }
}
