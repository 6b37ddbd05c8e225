/**
 * Entity capabilities cache (XEP-0115 §5.4): what client and device a contact's resource runs, from
 * the caps `ver` in its presence. A flood of new vers must not become a flood of queries.
 *
 * - One disco#info query per ver, however many resources, contacts and accounts share it: lookups
 *   are keyed by (hash, ver) and everyone who asks while one is pending just waits for it.
 * - The answer is verified by recomputing the hash. Only a verified answer is cached (memory and
 *   SQLite) and used for other JIDs; a mismatching one is kept for the JID that sent it alone, and
 *   the ver is asked of another contact (a different bare JID, at most `maxAttempts` of them).
 * - At most `maxInFlight` queries at once, the rest queued (bounded, and bounded per bare JID, so a
 *   flood of new hashes cannot grow memory or starve everyone else); each query times out.
 * - Legacy caps (no `hash`), unknown hash algorithms and vers that cannot be a digest are ignored.
 * - A JID whose query failed for a ver is not asked again for it for `retryAfterMs`.
 *
 * Presence calls `resolve` for every available presence with caps; it is synchronous and cheap:
 * known → the info; unknown → null, and `onResolved` fires when the lookup completes.
 */
import { bareJid } from '../../../../shared/jid';
import type { Element } from '@xmpp/xml';
import { rateLimited, type Logger, type RateLimitedLogger } from '../../log';
import {
  capsHashAlgo,
  checkCaps,
  compareOctets,
  plausibleVer,
  type CapsHashAlgo,
  type DiscoIdentity,
  type DiscoInfo,
} from './hash';
import type { CapsRecord, CapsRepository, Device } from './repo';
import { Listeners } from '../../util/listeners';
import { detach } from '../../util/text';
import { withTimeout } from '../../util/with-timeout';
import { NS_DISCO_INFO, NS_SOFTWARE_INFO } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** The caps a presence announced (XEP-0115 <c/>): node, ver and hash. */
export interface CapsReference {
  node: string;
  ver: string;
  hash: string;
}

export interface ClientInfo {
  hashAlgo: CapsHashAlgo;
  ver: string;
  identities: readonly DiscoIdentity[];
  features: readonly string[];
  /** From the client identity's name, else XEP-0232 software info; capped. */
  clientName: string | null;
  device: Device;
  /** False only for a mismatching answer, which is given to the JID that sent it and no one else. */
  verified: boolean;
}

/** Sends disco#info with `node` to the full JID `to`; resolves with the <query/> (or the whole <iq/>). */
export type CapsQuery = (to: string, node: string) => Promise<Element>;

export interface CapsResolved {
  info: ClientInfo;
  /** The resources that asked for this ver while it was being looked up. */
  jids: ReadonlyArray<{ accountId: string; jid: string }>;
}

export interface CapsCacheOptions {
  /** Null: memory only. */
  repo: CapsRepository | null;
  log: Logger;
  maxInFlight?: number;
  timeoutMs?: number;
  /** Distinct vers waiting for a query slot; more are dropped (asked again on a later presence). */
  maxQueued?: number;
  /** Lookups one bare JID may have started and not finished. */
  maxPerBare?: number;
  /** Different bare JIDs asked about one ver before giving up. XEP-0115 §9: no more than five. */
  maxAttempts?: number;
  retryAfterMs?: number;
  /** Rows kept in SQLite; older ones are pruned now and then. */
  maxStored?: number;
  now?: () => number;
}

export const CLIENT_NAME_MAX = 128;
const MEMORY_MAX = 10_000;
const FAILURES_MAX = 50_000;
const WAITERS_MAX = 20_000;
const KEYS_MAX = 4096;

const CLIENT_DEVICES: Readonly<Record<string, Device>> = {
  pc: 'pc',
  phone: 'phone',
  handheld: 'handheld',
  web: 'web',
  bot: 'bot',
  console: 'console',
};

/**
 * What a waiting resource needs besides its JID (which is its key in Lookup.waiters): one object
 * shared by every waiter with the same account, node and query. A flood of presences with a ver
 * being looked up adds a key and nothing else per resource.
 */
interface WaiterVia {
  accountId: string;
  node: string;
  query: CapsQuery;
}

interface Waiter extends WaiterVia {
  jid: string;
  bare: string;
}

interface Lookup {
  key: string;
  hashAlgo: CapsHashAlgo;
  ver: string;
  /** Bare JID whose presence started it (for the per-bare limit). */
  owner: string;
  /**
   * account → full JID → how to ask it, in arrival order per account: a presence that joins a
   * pending lookup builds no key (this runs for most presences of a flood, while vers are looked up).
   */
  waiters: Map<string, Map<string, WaiterVia>>;
  /** How many JIDs wait, over every account. */
  waiting: number;
  /** The last WaiterVia added (the next waiter usually shares it). */
  via: WaiterVia;
  /** Bare JIDs already asked (XEP-0115 §9: never ask the same user@host twice). */
  tried: Set<string>;
}

/** The device type from the identities: the first client identity (in i;octet order) with a known type. */
export function deviceOf(identities: readonly DiscoIdentity[]): Device {
  const clients = identities
    .filter((identity) => identity.category === 'client' && Object.hasOwn(CLIENT_DEVICES, identity.type))
    .sort((a, b) => compareOctets(a.type, b.type));
  return clients.length > 0 ? CLIENT_DEVICES[clients[0].type] : 'unknown';
}

/** A display name for the client software, or null. */
export function clientNameOf(info: DiscoInfo): string | null {
  const named = info.identities.filter((identity) => identity.name !== null);
  const preferred =
    named.find((i) => i.category === 'client' && (i.lang === null || i.lang.toLowerCase().startsWith('en'))) ??
    named.find((i) => i.category === 'client');
  let name = preferred?.name ?? null;
  if (name === null) {
    const form = info.forms.find((f) => f.formType === NS_SOFTWARE_INFO);
    const value = (field: string) => form?.fields.find((f) => f.var === field)?.values[0];
    const software = value('software');
    if (software) name = [software, value('software_version')].filter(Boolean).join(' ');
  }
  name ??= named[0]?.name ?? null;
  if (name === null) return null;
  // Shown in the UI: one line, bounded.
  const clean = name.replace(/\p{Cc}/gu, ' ').trim();
  return clean === '' ? null : clean.slice(0, CLIENT_NAME_MAX);
}

/** A ver's lookup key, and the verified info resolve found for it (null until then): resolve's memo. */
interface KeyOfVer {
  hashAlgo: CapsHashAlgo;
  key: string;
  verified: ClientInfo | null;
  /**
   * SQLite had no verified row for this ver when last read: not read again until a lookup for it
   * ends (only a lookup's answer writes a row). A flood's vers whose disco#info failed, timed out or
   * was dropped would otherwise read SQLite once per presence.
   */
  missed: boolean;
}

export class CapsCache {
  private readonly repo: CapsRepository | null;
  private readonly log: Logger;
  /** What a flood of new hashes repeats: one line a minute per kind. */
  private readonly floodLog: RateLimitedLogger;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly maxQueued: number;
  private readonly maxPerBare: number;
  private readonly maxAttempts: number;
  private readonly retryAfterMs: number;
  private readonly maxStored: number;
  private readonly now: () => number;

  /** Verified infos by key, oldest first. */
  private readonly known = new Map<string, ClientInfo>();
  /** account\0jid → a mismatching answer that JID gave (trusted for it alone). */
  private readonly unverified = new Map<string, ClientInfo>();
  /** key → how many entries of `unverified` are for that ver: resolve builds account\0jid only for these. */
  private readonly unverifiedVers = new Map<string, number>();
  /** key\0account\0jid → time until which that JID is not asked about that ver again. */
  private readonly failures = new Map<string, number>();
  private readonly pending = new Map<string, Lookup>();
  /** ver → its key (see keyOf), and its verified info once resolve found it. */
  private readonly keys = new Map<string, KeyOfVer>();
  private readonly queue: Lookup[] = [];
  private readonly perBare = new Map<string, number>();
  private readonly listeners = new Listeners<CapsResolved>();
  private inFlight = 0;
  private sent = 0;
  private stored = 0;
  private dropped = 0;

  constructor(options: CapsCacheOptions) {
    this.repo = options.repo;
    this.log = options.log;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.timeoutMs = options.timeoutMs ?? IQ_TIMEOUT_MS;
    this.maxQueued = options.maxQueued ?? 1000;
    this.maxPerBare = options.maxPerBare ?? 4;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryAfterMs = options.retryAfterMs ?? 10 * 60_000;
    this.maxStored = options.maxStored ?? 5000;
    this.now = options.now ?? Date.now;
    this.floodLog = rateLimited(options.log, { now: this.now });
  }

  /**
   * The client behind `capsRef` as seen from `fullJid` on `accountId`: the info when known, else
   * null (and a lookup is started or joined; `onResolved` reports it). Never throws.
   */
  resolve(accountId: string, fullJid: string, capsRef: CapsReference, query: CapsQuery): ClientInfo | null {
    const hashAlgo = capsHashAlgo(capsRef.hash);
    if (hashAlgo === null) return null;
    // A ver seen verified before: one lookup (a verified answer holds for every JID and node).
    const seen = this.keys.get(capsRef.ver);
    if (seen !== undefined && seen.hashAlgo === hashAlgo && seen.verified !== null) return seen.verified;
    if (!plausibleVer(hashAlgo, capsRef.ver)) return null;
    const ofVer = this.keyOf(hashAlgo, capsRef.ver);
    const key = ofVer.key;
    const known = this.lookupKnown(key, hashAlgo, capsRef.ver, ofVer);
    if (known) {
      ofVer.verified = known;
      return known;
    }
    if (this.unverifiedVers.has(key)) {
      const own = this.unverified.get(`${accountId}\0${fullJid}`);
      if (own && own.hashAlgo === hashAlgo && own.ver === capsRef.ver) return own;
    }

    const pending = this.pending.get(key);
    if (pending) {
      this.wait(pending, accountId, fullJid, capsRef.node, query);
      return null;
    }
    const jidKey = `${accountId}\0${fullJid}`;
    const failedUntil = this.failures.get(`${key}\0${jidKey}`);
    if (failedUntil !== undefined) {
      if (failedUntil > this.now()) return null;
      this.failures.delete(`${key}\0${jidKey}`);
    }
    const bare = bareJid(fullJid);
    if (this.queue.length >= this.maxQueued || (this.perBare.get(bare) ?? 0) >= this.maxPerBare) {
      this.dropped++;
      this.floodLog.warn('caps.queue-full', 'caps lookup dropped: too many pending', { total: this.dropped });
      return null;
    }
    const via: WaiterVia = { accountId, node: detach(capsRef.node), query };
    const lookup: Lookup = {
      key: detach(key),
      hashAlgo,
      ver: detach(capsRef.ver),
      owner: detach(bare),
      waiters: new Map([[accountId, new Map([[detach(fullJid), via]])]]),
      waiting: 1,
      via,
      tried: new Set(),
    };
    this.pending.set(lookup.key, lookup);
    this.perBare.set(lookup.owner, (this.perBare.get(lookup.owner) ?? 0) + 1);
    this.queue.push(lookup);
    this.pump();
    return null;
  }

  /** `fullJid` on `accountId` waits for `lookup` too (asked if those before it fail). */
  private wait(lookup: Lookup, accountId: string, fullJid: string, node: string, query: CapsQuery): void {
    let via = lookup.via;
    if (via.accountId !== accountId || via.node !== node || via.query !== query) {
      via = lookup.via = { accountId, node: detach(node), query };
    }
    let ofAccount = lookup.waiters.get(accountId);
    if (ofAccount === undefined) {
      if (lookup.waiting >= WAITERS_MAX) return;
      ofAccount = new Map();
      lookup.waiters.set(via.accountId, ofAccount);
    }
    const before = ofAccount.get(fullJid);
    if (before === via) return;
    if (before === undefined) {
      if (lookup.waiting >= WAITERS_MAX) return;
      lookup.waiting++;
      // Kept until the lookup ends: a copy (the parser's string is a view into its input).
      ofAccount.set(detach(fullJid), via);
    } else {
      ofAccount.set(fullJid, via);
    }
  }

  /**
   * `${hashAlgo} ${ver}`, remembered per ver: this runs for every presence with caps, and building
   * the key (and hashing a fresh string for the lookup) cost more than the lookup itself.
   */
  private keyOf(hashAlgo: CapsHashAlgo, ver: string): KeyOfVer {
    const cached = this.keys.get(ver);
    if (cached !== undefined && cached.hashAlgo === hashAlgo) return cached;
    const key = detach(`${hashAlgo} ${ver}`);
    if (this.keys.size >= KEYS_MAX) this.keys.clear();
    const ofVer: KeyOfVer = { hashAlgo, key, verified: null, missed: false };
    this.keys.set(key.slice(hashAlgo.length + 1), ofVer);
    return ofVer;
  }

  /** Known verified info for a ver without starting anything (e.g. for building views). */
  peek(hash: string, ver: string): ClientInfo | null {
    const hashAlgo = capsHashAlgo(hash);
    if (hashAlgo === null || !plausibleVer(hashAlgo, ver)) return null;
    return this.lookupKnown(`${hashAlgo} ${ver}`, hashAlgo, ver) ?? null;
  }

  onResolved(listener: (resolved: CapsResolved) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The account is gone or its session ended: stop waiting on its resources. */
  forgetAccount(accountId: string): void {
    const prefix = `${accountId}\0`;
    for (const lookup of this.pending.values()) {
      const ofAccount = lookup.waiters.get(accountId);
      if (ofAccount === undefined) continue;
      lookup.waiting -= ofAccount.size;
      lookup.waiters.delete(accountId);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].waiting === 0) this.finish(this.queue.splice(i, 1)[0]);
    }
    for (const jidKey of this.unverified.keys()) if (jidKey.startsWith(prefix)) this.forgetUnverified(jidKey);
  }

  /** Counters for tests and the benchmark. */
  stats(): { queriesSent: number; inFlight: number; queued: number; dropped: number } {
    return { queriesSent: this.sent, inFlight: this.inFlight, queued: this.queue.length, dropped: this.dropped };
  }

  /** `ofVer`: the ver's memo, which remembers a miss in SQLite (peek has none and always reads). */
  private lookupKnown(
    key: string,
    hashAlgo: CapsHashAlgo,
    ver: string,
    ofVer: KeyOfVer | null = null,
  ): ClientInfo | undefined {
    // Oldest-first eviction without refreshing on hits: this is the per-presence hot path, and an
    // evicted ver is one indexed SQLite read away.
    const hit = this.known.get(key);
    if (hit) return hit;
    if (!this.repo || ofVer?.missed || this.pending.has(key)) return undefined;
    let record: CapsRecord | undefined;
    try {
      record = this.repo.getVerified(hashAlgo, ver);
      if (!record && ofVer !== null) ofVer.missed = true;
    } catch (error) {
      this.log.error('reading caps failed', { error });
    }
    if (!record) return undefined;
    const info: ClientInfo = {
      hashAlgo,
      ver: detach(ver),
      identities: record.identities,
      features: record.features,
      clientName: record.clientName,
      device: record.device,
      verified: true,
    };
    this.remember(this.known, detach(key), info, MEMORY_MAX);
    return info;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > max) map.delete(map.keys().next().value as string);
  }

  /** A mismatching answer kept for `jidKey` alone (counted per ver, see unverifiedVers). */
  private rememberUnverified(jidKey: string, info: ClientInfo): void {
    this.forgetUnverified(jidKey);
    this.unverified.set(jidKey, info);
    const key = `${info.hashAlgo} ${info.ver}`;
    this.unverifiedVers.set(key, (this.unverifiedVers.get(key) ?? 0) + 1);
    if (this.unverified.size > MEMORY_MAX) this.forgetUnverified(this.unverified.keys().next().value as string);
  }

  private forgetUnverified(jidKey: string): void {
    const info = this.unverified.get(jidKey);
    if (info === undefined) return;
    this.unverified.delete(jidKey);
    const key = `${info.hashAlgo} ${info.ver}`;
    const count = (this.unverifiedVers.get(key) ?? 1) - 1;
    if (count > 0) this.unverifiedVers.set(key, count);
    else this.unverifiedVers.delete(key);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const lookup = this.queue.shift() as Lookup;
      this.inFlight++;
      void this.attempt(lookup)
        .catch((error: unknown) => {
          // A bug, not the network: give the ver up rather than leave it pending forever.
          this.log.error('caps lookup failed', { ver: lookup.ver, error });
          this.finish(lookup);
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** Asks one waiter that has not been asked; on failure requeues the lookup for the next one. */
  private async attempt(lookup: Lookup): Promise<void> {
    const waiter = this.nextWaiter(lookup);
    if (!waiter || lookup.tried.size >= this.maxAttempts) {
      this.finish(lookup);
      return;
    }
    lookup.tried.add(waiter.bare);
    const jidKey = `${waiter.accountId}\0${waiter.jid}`;
    const context = { jid: waiter.jid, hash: lookup.hashAlgo, ver: lookup.ver };
    // iqCaller.get resolves with undefined when the result has no <query/>.
    let reply: Element | undefined;
    try {
      this.sent++;
      reply = await withTimeout(
        waiter.query(waiter.jid, `${waiter.node}#${lookup.ver}`),
        this.timeoutMs,
        `no reply within ${this.timeoutMs} ms`,
      );
    } catch (error) {
      this.floodLog.info('caps.query-failed', 'caps query failed', { ...context, error });
      this.failed(lookup, jidKey);
      return;
    }
    const query = reply?.name === 'iq' ? reply.getChild('query', NS_DISCO_INFO) : reply;
    const check = query
      ? checkCaps(query, lookup.hashAlgo, lookup.ver)
      : ({ status: 'ill-formed', reason: 'no disco#info query' } as const);
    switch (check.status) {
      case 'valid': {
        const info = this.toClientInfo(lookup, check.info, true);
        this.remember(this.known, lookup.key, info, MEMORY_MAX);
        try {
          this.store({
            ...info,
            features: [...info.features],
            identities: [...info.identities],
            fetchedAt: this.now(),
          });
        } catch (error) {
          this.log.error('storing caps failed', { error });
        }
        this.finish(lookup);
        const jids: { accountId: string; jid: string }[] = [];
        for (const [accountId, ofAccount] of lookup.waiters) {
          for (const jid of ofAccount.keys()) jids.push({ accountId, jid });
        }
        this.emit({ info, jids });
        return;
      }
      case 'mismatch': {
        this.floodLog.warn(
          'caps.mismatch',
          'caps verification failed: disco#info does not hash to the advertised ver',
          {
            ...context,
            computed: check.computed,
          },
        );
        const info = this.toClientInfo(lookup, check.info, false);
        this.rememberUnverified(jidKey, info);
        this.failed(lookup, jidKey);
        this.emit({ info, jids: [{ accountId: waiter.accountId, jid: waiter.jid }] });
        return;
      }
      case 'ill-formed':
        this.floodLog.warn('caps.ill-formed', 'caps verification failed: ill-formed disco#info', {
          ...context,
          reason: check.reason,
        });
        this.failed(lookup, jidKey);
        return;
    }
  }

  /** The first waiter from a bare JID not yet asked, and that has not failed this ver recently. */
  private nextWaiter(lookup: Lookup): Waiter | undefined {
    const now = this.now();
    for (const [accountId, ofAccount] of lookup.waiters) {
      for (const [jid, via] of ofAccount) {
        const bare = bareJid(jid);
        if (lookup.tried.has(bare)) continue;
        if ((this.failures.get(`${lookup.key}\0${accountId}\0${jid}`) ?? 0) > now) continue;
        return { ...via, jid, bare };
      }
    }
    return undefined;
  }

  private store(record: CapsRecord): void {
    if (!this.repo) return;
    this.repo.put(record);
    // Pruning sorts the table: do it every so often, not on every write.
    if (++this.stored % 100 === 0) this.repo.prune(this.maxStored);
  }

  private failed(lookup: Lookup, jidKey: string): void {
    this.remember(this.failures, `${lookup.key}\0${jidKey}`, this.now() + this.retryAfterMs, FAILURES_MAX);
    if (this.nextWaiter(lookup) && lookup.tried.size < this.maxAttempts) {
      this.queue.push(lookup);
    } else {
      this.finish(lookup);
    }
  }

  private finish(lookup: Lookup): void {
    if (this.pending.get(lookup.key) !== lookup) return;
    this.pending.delete(lookup.key);
    // What the lookup found is known now, or SQLite may be read again for the ver.
    const ofVer = this.keys.get(lookup.ver);
    if (ofVer !== undefined && ofVer.key === lookup.key) ofVer.missed = false;
    const count = (this.perBare.get(lookup.owner) ?? 1) - 1;
    if (count > 0) this.perBare.set(lookup.owner, count);
    else this.perBare.delete(lookup.owner);
  }

  private toClientInfo(lookup: Lookup, info: DiscoInfo, verified: boolean): ClientInfo {
    return {
      hashAlgo: lookup.hashAlgo,
      ver: lookup.ver,
      identities: info.identities,
      features: info.features,
      clientName: clientNameOf(info),
      device: deviceOf(info.identities),
      verified,
    };
  }

  private emit(resolved: CapsResolved): void {
    this.listeners.tell(resolved, (error) => this.log.error('caps listener failed', { error }));
  }
}
