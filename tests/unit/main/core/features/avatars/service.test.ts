/**
 * IdentityService fed stanzas directly through a fake client (the real event bus, SQLite, media
 * store and fetcher): whom it believes (PEP events only from a bare JID, presence hashes about
 * their sender), what it refuses (a picture whose hash is not the announced one, oversized or not
 * an image, an http: URL), that a fetch that never answers blocks nothing else, and that the kept
 * hash survives a restart.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent, IdentityView } from '../../../../../../src/shared/contract';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { EventBus } from '../../../../../../src/main/core/events';
import { IdentitiesRepository } from '../../../../../../src/main/core/features/avatars/repo';
import {
  IdentityService,
  OCCUPANT_KEEP_MS,
  type PhotoHolder,
} from '../../../../../../src/main/core/features/avatars/service';
import { SAVE_CHUNK } from '../../../../../../src/main/core/features/avatars/identity-writer';
import { createLogger } from '../../../../../../src/main/core/log';
import { MediaFetcher } from '../../../../../../src/main/core/media/fetcher';
import { HttpsClient } from '../../../../../../src/main/core/media/https-client';
import { AVATAR_LIMITS } from '../../../../../../src/main/core/media/limits';
import { MediaStore } from '../../../../../../src/main/core/media/store';
import type { Db } from '../../../../../../src/main/core/store/db';
import { memoryDbWithAccount } from '../../../../../support/db';
import { png } from '../../../../../support/media-samples';
import { parseStanza } from '../../../../../support/xml';
import { eventually, waitUntil } from '../../../../../support/wait';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';

const ACCOUNT = 'acc';
const OWN = 'me@example.org';
const BOB = 'bob@example.org';
const EVENT = 'http://jabber.org/protocol/pubsub#event';

type Handler = (ctx: { stanza: Element }, next: () => unknown) => unknown;
/** How the fake server answers an IQ get: a reply element, an error, or never. */
type Answer = (iq: Element) => Promise<Element>;

let dir: string;
let db: Db;
let bus: EventBus;
let events: AppEvent[];
let logs: string[];
let store: MediaStore;
let fetcher: MediaFetcher;
let handlers: Handler[];
let requests: Element[];
let answer: Answer;
let resent: number;
let service: IdentityService;

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');
/**
 * Until every avatar fetch under way has ended (stored or refused) and its event is out: the wait
 * before checking that something did not happen (a fetch is under way from the moment it is asked).
 * Where a test waits for something to happen, it polls for it instead.
 */
async function settle(): Promise<void> {
  const inFlight = (fetcher as unknown as { inFlight: Map<string, unknown> }).inFlight;
  await waitUntil('fetches done', () => inFlight.size === 0);
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** The last made service's loading of the kept avatars. */
let keptLoading: Promise<void> = Promise.resolve();

function makeService(rosterIn = true): IdentityService {
  const made = new IdentityService({
    bus,
    log: createLogger(
      (level, scope, message, details) => logs.push(`${level} ${message} ${JSON.stringify(details ?? '')}`),
      'debug',
    ),
    repo: new IdentitiesRepository(db),
    media: () => ({ store, fetcher, http: new HttpsClient() }),
    accountJid: () => OWN,
    resendPresence: () => resent++,
  });
  keptLoading = made.start();
  const fake = {
    hooks: new StreamHookRegistry(),
    middleware: { use: (handler: Handler) => handlers.push(handler) },
    iqCaller: {
      request: (iq: Element) => {
        requests.push(iq);
        return answer(iq);
      },
    },
  } as unknown as SessionXmpp;
  made.onClient(ACCOUNT, fake);
  made.onOnline(ACCOUNT, { xmpp: fake, boundJid: `${OWN}/jw`, resumed: false });
  if (rosterIn) made.rosterReady(ACCOUNT);
  return made;
}

/** Runs a stanza through the middleware like the client would; true when someone consumed it. */
function deliver(stanza: Element): boolean {
  let passed = false;
  for (const handler of handlers) handler({ stanza }, () => (passed = true));
  return !passed;
}

function metadataEvent(from: string | undefined, hash: string, extra = ''): Element {
  const attrs = from === undefined ? '' : ` from='${from}'`;
  return parseStanza(
    `<message${attrs} type='headline'><event xmlns='${EVENT}'><items node='urn:xmpp:avatar:metadata'><item id='${hash}'>` +
      `<metadata xmlns='urn:xmpp:avatar:metadata'>${extra}<info id='${hash}' bytes='1' type='image/png'/></metadata></item></items></event></message>`,
  );
}

function dataReply(bytes: Uint8Array, hash: string, from: string): Element {
  return xml(
    'iq',
    { type: 'result', from },
    xml(
      'pubsub',
      { xmlns: 'http://jabber.org/protocol/pubsub' },
      xml(
        'items',
        { node: 'urn:xmpp:avatar:data' },
        xml(
          'item',
          { id: hash },
          xml('data', { xmlns: 'urn:xmpp:avatar:data' }, Buffer.from(bytes).toString('base64')),
        ),
      ),
    ),
  );
}

function vcardReply(bytes: Uint8Array | null): Element {
  return xml(
    'iq',
    { type: 'result' },
    xml(
      'vCard',
      { xmlns: 'vcard-temp' },
      bytes
        ? xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, Buffer.from(bytes).toString('base64')))
        : null,
    ),
  );
}

function identity(jid: string): IdentityView | undefined {
  bus.flush();
  return events.flatMap((e) => (e.type === 'identity' && e.identity.jid === jid ? [e.identity] : [])).at(-1);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-identity-unit-'));
  db = memoryDbWithAccount(ACCOUNT, OWN);
  bus = new EventBus(1000);
  // This test's events only: the bus of the test before may still flush its last batch (a second later).
  const ours: AppEvent[] = [];
  events = ours;
  bus.subscribe((batch) => ours.push(...batch.events));
  logs = [];
  const log = createLogger(() => {}, 'info');
  store = await MediaStore.open({ dir, log });
  fetcher = new MediaFetcher({ store, log, parallel: 2 });
  handlers = [];
  requests = [];
  resent = 0;
  // Our own vCard read at login: none yet.
  answer = () =>
    Promise.reject(Object.assign(new Error('item-not-found'), { name: 'StanzaError', condition: 'item-not-found' }));
  service = makeService();
  await settle();
});

afterEach(() => {
  fetcher.close();
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('XEP-0084 avatars', () => {
  it("fetches a contact's announced avatar from their PEP data node once and shows it", async () => {
    const picture = png(32, 32, { seed: 1 });
    const hash = sha1(picture);
    answer = async (iq) => dataReply(picture, hash, iq.attrs.to as string);
    expect(deliver(metadataEvent(BOB, hash))).toBe(true);
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ mime: 'image/png', width: 32, height: 32 });
    expect(requests.at(-1)!.attrs.to).toBe(BOB);
    // The same announcement again (every login): nothing is fetched.
    const asked = requests.length;
    deliver(metadataEvent(BOB, hash));
    await settle();
    expect(requests.length).toBe(asked);
  });

  it('ignores metadata sent from a full JID (not a PEP service)', async () => {
    const picture = png(8, 8);
    answer = async (iq) => dataReply(picture, sha1(picture), iq.attrs.to as string);
    expect(deliver(metadataEvent(`${BOB}/evil`, sha1(picture)))).toBe(true);
    await settle();
    expect(identity(BOB)).toBeUndefined();
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(0);
    expect(logs.some((line) => line.includes('not from a bare JID'))).toBe(true);
  });

  it('refuses bytes whose SHA-1 is not the announced id', async () => {
    const announced = sha1(png(8, 8, { seed: 1 }));
    const other = png(8, 8, { seed: 2 });
    answer = async (iq) => dataReply(other, announced, iq.attrs.to as string);
    deliver(metadataEvent(BOB, announced));
    await expect.poll(() => fetcher.stats.failed).toBe(1);
    await settle();
    expect(identity(BOB)?.avatar ?? null).toBeNull();
    expect(store.usage().files).toBe(0);
  });

  it('refuses oversized data and data that is not an image', async () => {
    const huge = Buffer.concat([png(64, 64), Buffer.alloc(2 * 1024 * 1024)]);
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    answer = async (iq) => {
      const id = (iq.getChild('pubsub')!.getChild('items')!.getChild('item')!.attrs.id as string) ?? '';
      return dataReply(id === sha1(huge) ? huge : html, id, iq.attrs.to as string);
    };
    deliver(metadataEvent(BOB, sha1(huge)));
    deliver(metadataEvent('carol@example.org', sha1(html)));
    await expect.poll(() => fetcher.stats.failed).toBe(2);
    await settle();
    expect(identity(BOB)?.avatar ?? null).toBeNull();
    expect(identity('carol@example.org')?.avatar ?? null).toBeNull();
    expect(store.usage().files).toBe(0);
  });

  it('never fetches an avatar at an http: URL, and prefers the data node over an https: one', async () => {
    const picture = png(16, 16, { seed: 4 });
    const hash = sha1(picture);
    answer = async (iq) => dataReply(picture, hash, iq.attrs.to as string);
    const event = parseStanza(
      `<message from='${BOB}'><event xmlns='${EVENT}'><items node='urn:xmpp:avatar:metadata'><item id='x'><metadata xmlns='urn:xmpp:avatar:metadata'>` +
        `<info id='${'a'.repeat(40)}' bytes='5' type='image/png' url='http://insecure.example/a.png'/></metadata></item></items></event></message>`,
    );
    deliver(event);
    await settle();
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(0);
    expect(identity(BOB)).toBeUndefined();
    deliver(
      metadataEvent(
        BOB,
        hash,
        `<info id='${'b'.repeat(40)}' bytes='5' type='image/png' url='https://cdn.example/b.png'/>`,
      ),
    );
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 16 });
  });

  it('holds fetches back while the roster loads', async () => {
    service.close();
    handlers = [];
    service = makeService(false);
    const picture = png(8, 8, { seed: 12 });
    answer = async (iq) => dataReply(picture, sha1(picture), iq.attrs.to as string);
    deliver(metadataEvent(BOB, sha1(picture)));
    // The fetch is asked (under way, held) as the event is taken; it must not reach the network.
    const inFlight = (fetcher as unknown as { inFlight: Map<string, unknown> }).inFlight;
    expect(inFlight.size).toBe(1);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(0);
    service.rosterReady(ACCOUNT);
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 8 });
  });

  it('goes on with other avatars while a fetch never answers', async () => {
    const picture = png(8, 8, { seed: 9 });
    const hash = sha1(picture);
    answer = async (iq) =>
      iq.attrs.to === 'slow@example.org'
        ? new Promise<Element>(() => {})
        : dataReply(picture, hash, iq.attrs.to as string);
    deliver(metadataEvent('slow@example.org', sha1(png(8, 8, { seed: 10 }))));
    deliver(metadataEvent(BOB, hash));
    await eventually(() => expect(identity(BOB)?.avatar).toBeTruthy());
  });

  it('takes our own avatar from an event without a from, and an empty metadata removes it', async () => {
    const picture = png(8, 8, { seed: 5 });
    const hash = sha1(picture);
    answer = async () => dataReply(picture, hash, OWN);
    deliver(metadataEvent(undefined, hash));
    await expect.poll(() => identity(OWN)?.avatar).toMatchObject({ width: 8 });
    expect(requests.at(-1)!.attrs.to).toBeUndefined();
    deliver(
      parseStanza(
        `<message from='${OWN}'><event xmlns='${EVENT}'><items node='urn:xmpp:avatar:metadata'><item id='x'><metadata xmlns='urn:xmpp:avatar:metadata'/></item></items></event></message>`,
      ),
    );
    expect(identity(OWN)?.avatar).toBeNull();
  });
});

describe('XEP-0153 hashes and XEP-0172 nicks', () => {
  it("fetches a contact's vCard photo for a presence hash, and an XEP-0084 avatar wins over it", async () => {
    const photo = png(10, 10, { seed: 6 });
    answer = async () => vcardReply(photo);
    service.presenceHash(ACCOUNT, BOB, sha1(photo).toUpperCase());
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 10 });
    expect(requests.at(-1)!.getChild('vCard')).toBeDefined();

    const pep = png(12, 12, { seed: 7 });
    answer = async (iq) => dataReply(pep, sha1(pep), iq.attrs.to as string);
    deliver(metadataEvent(BOB, sha1(pep)));
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 12 });
    service.presenceHash(ACCOUNT, BOB, sha1(photo));
    await settle();
    expect(identity(BOB)?.avatar).toMatchObject({ width: 12 });
  });

  it('an unchanged presence hash writes nothing, sends no event and fetches nothing', async () => {
    const photo = png(9, 9, { seed: 8 });
    answer = async () => vcardReply(photo);
    service.presenceHash(ACCOUNT, BOB, sha1(photo));
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 9 });
    service.close(); // writes what is unsaved
    const repo = (service as unknown as { options: { repo: IdentitiesRepository } }).options.repo;
    const saved: number[] = [];
    repo.saveMany = (records) => void saved.push(records.length);
    repo.save = () => void saved.push(1);
    service = makeService();
    await settle();
    bus.flush();
    const eventsBefore = events.length;
    const requestsBefore = requests.length;
    for (let k = 0; k < 3; k++) service.presenceHash(ACCOUNT, BOB, sha1(photo));
    service.presenceHash(ACCOUNT, BOB, sha1(photo).toUpperCase());
    await settle();
    service.close();
    bus.flush();
    expect(saved).toEqual([]);
    expect(events.slice(eventsBefore).filter((e) => e.type === 'identity')).toEqual([]);
    expect(requests.length).toBe(requestsBefore);
  });

  it("resends our presence when another of our clients changes our photo, never for a contact's", async () => {
    answer = () => new Promise<Element>(() => {});
    const before = resent;
    service.presenceHash(ACCOUNT, BOB, 'a'.repeat(40));
    service.presenceHash(ACCOUNT, BOB, 'b'.repeat(40));
    expect(resent).toBe(before);
    service.presenceHash(ACCOUNT, OWN, 'c'.repeat(40));
    expect(resent).toBe(before + 1);
    service.presenceHash(ACCOUNT, OWN, 'c'.repeat(40));
    expect(resent).toBe(before + 1);
    service.presenceHash(ACCOUNT, OWN, 'd'.repeat(40));
    expect(resent).toBe(before + 2);
  });

  it("keeps the contact's entry on the holder the presence feature passes, and judges hashes through it alike", async () => {
    const photo = png(7, 7, { seed: 30 });
    answer = async () => vcardReply(photo);
    const holder: PhotoHolder = { photoState: null };
    service.presenceHash(ACCOUNT, BOB, sha1(photo), holder);
    // Found (made) once; the next presences of this contact reach it from here, without a look-up.
    expect(holder.photoState).not.toBeNull();
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 7 });
    const kept = holder.photoState;
    const asked = requests.length;
    bus.flush();
    const eventsBefore = events.length;
    service.presenceHash(ACCOUNT, BOB, sha1(photo), holder);
    service.presenceHash(ACCOUNT, BOB, sha1(photo).toUpperCase(), holder);
    await settle();
    expect(holder.photoState).toBe(kept);
    expect(requests.length).toBe(asked);
    bus.flush();
    expect(events.slice(eventsBefore).filter((e) => e.type === 'identity')).toEqual([]);
    // A new holder (the contact came back online) finds the same entry by its JID.
    const again: PhotoHolder = { photoState: null };
    service.presenceHash(ACCOUNT, BOB, sha1(photo), again);
    expect(again.photoState).toBe(kept);
    // An XEP-0084 avatar still wins over what presence says, through the holder too.
    const pep = png(11, 11, { seed: 31 });
    answer = async (iq) => dataReply(pep, sha1(pep), iq.attrs.to as string);
    deliver(metadataEvent(BOB, sha1(pep)));
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 11 });
    service.presenceHash(ACCOUNT, BOB, '', holder);
    await settle();
    expect(identity(BOB)?.avatar).toMatchObject({ width: 11 });
  });

  it('sends no identity event when a hash is taken back before its picture came (nothing shown changed)', async () => {
    answer = () => new Promise<Element>(() => {});
    bus.flush();
    const eventsBefore = events.length;
    service.presenceHash(ACCOUNT, BOB, 'a'.repeat(40));
    service.presenceHash(ACCOUNT, BOB, '');
    service.presenceHash(ACCOUNT, BOB, 'b'.repeat(40));
    service.presenceHash(ACCOUNT, BOB, '');
    bus.flush();
    expect(events.slice(eventsBefore).filter((e) => e.type === 'identity')).toEqual([]);
  });

  it('reads the hash of a room occupant from their own room presence, and ignores a malformed one', async () => {
    const photo = png(6, 6, { seed: 8 });
    answer = async () => vcardReply(photo);
    const occupant = 'room@conference.example.org/Nick';
    const presence = (hash: string) =>
      parseStanza(
        `<presence from='${occupant}'><x xmlns='http://jabber.org/protocol/muc#user'><item role='participant' affiliation='none'/></x><x xmlns='vcard-temp:x:update'><photo>${hash}</photo></x></presence>`,
      );
    // Passed on to the MUC feature either way.
    expect(deliver(presence('not a hash'))).toBe(false);
    expect(requests.filter((iq) => iq.attrs.to === occupant)).toHaveLength(0);
    expect(deliver(presence(sha1(photo)))).toBe(false);
    await expect.poll(() => identity(occupant)?.avatar).toMatchObject({ width: 6 });
    expect(requests.at(-1)!.attrs.to).toBe(occupant);
  });

  it('takes nicks from PEP events of bare JIDs only', () => {
    const nickEvent = (from: string, nick: string) =>
      parseStanza(
        `<message from='${from}'><event xmlns='${EVENT}'><items node='http://jabber.org/protocol/nick'><item id='current'><nick xmlns='http://jabber.org/protocol/nick'>${nick}</nick></item></items></event></message>`,
      );
    deliver(nickEvent(`${BOB}/x`, 'Mallory'));
    expect(identity(BOB)).toBeUndefined();
    deliver(nickEvent(BOB, '  Bobby  '));
    expect(identity(BOB)?.nick).toBe('Bobby');
  });

  it('forgets room occupants not seen for two weeks at start, and keeps contacts', () => {
    const repo = new IdentitiesRepository(db);
    const now = Date.now();
    const old = now - OCCUPANT_KEEP_MS - 1000;
    const hash = 'a'.repeat(40);
    const record = (jid: string) => ({
      accountId: ACCOUNT,
      jid,
      avatarHash: hash,
      source: 'vcard' as const,
      nick: null,
    });
    repo.save(record('room@conference.example.org/Gone'), old);
    repo.save(record('room@conference.example.org/Recent'), now - 1000);
    repo.save(record('carol@example.org'), old);
    service.close();
    service = makeService();
    expect(
      repo
        .all()
        .map((r) => r.jid)
        .filter((jid) => jid !== OWN)
        .sort(),
    ).toEqual(['carol@example.org', 'room@conference.example.org/Recent']);
  });

  it('keeps hashes and nicks across a restart', async () => {
    const picture = png(8, 8, { seed: 11 });
    answer = async (iq) => dataReply(picture, sha1(picture), iq.attrs.to as string);
    deliver(metadataEvent(BOB, sha1(picture)));
    service.nickChanged(ACCOUNT, BOB, 'Bobby');
    await expect.poll(() => identity(BOB)).toMatchObject({ nick: 'Bobby', avatar: { width: 8 } });
    service.close();
    events.length = 0;
    handlers = [];
    requests = [];
    service = makeService();
    await eventually(() => expect(identity(BOB)).toMatchObject({ nick: 'Bobby', avatar: { width: 8 } }));
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(0);
  });
});

describe('kept avatars at start-up', () => {
  it('shows the kept avatars the store vouches for without opening their files, and sniffs the others', async () => {
    const pictures = [1, 2, 3].map((seed) => png(8 + seed, 8, { seed: 20 + seed }));
    const jids = pictures.map((_, i) => `kept${i}@example.org`);
    const repo = new IdentitiesRepository(db);
    for (const [i, picture] of pictures.entries()) {
      expect((await store.ingest(picture, 'sha1', AVATAR_LIMITS)).ok).toBe(true);
      repo.save({ accountId: ACCOUNT, jid: jids[i], avatarHash: sha1(picture), source: 'pep', nick: null }, Date.now());
    }
    await store.settle();
    // A picture the index does not know (put there by hand): looked at before it is shown.
    const unindexed = png(5, 5, { seed: 40 });
    fs.writeFileSync(path.join(dir, 'files', `sha1-${sha1(unindexed)}`), unindexed);
    repo.save(
      { accountId: ACCOUNT, jid: 'other@example.org', avatarHash: sha1(unindexed), source: 'pep', nick: null },
      0,
    );
    service.close();
    fetcher.close();
    events.length = 0;
    handlers = [];
    const open = vi.spyOn(fs.promises, 'open');
    try {
      store = await MediaStore.open({ dir, log: createLogger(() => {}, 'info') });
      fetcher = new MediaFetcher({ store, log: createLogger(() => {}, 'info') });
      service = makeService();
      // Settled once all are in.
      await keptLoading;
      expect(identity('other@example.org')?.avatar).toMatchObject({ width: 5 });
      for (const [i, jid] of jids.entries()) expect(identity(jid)?.avatar).toMatchObject({ width: 9 + i, height: 8 });
      const opened = open.mock.calls
        .map(([file]) => path.basename(String(file)))
        .filter((name) => name.startsWith('sha1-'));
      expect(new Set(opened)).toEqual(new Set([`sha1-${sha1(unindexed)}`]));
    } finally {
      open.mockRestore();
    }
  });
});

describe('a presence flood announcing a new hash with every stanza', () => {
  /** The identities stored so far, and the size of each write the service makes from now on. */
  function watchSaves() {
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM identities').get() as { n: number }).n;
    const repo = (service as unknown as { options: { repo: IdentitiesRepository } }).options.repo;
    const saveMany = repo.saveMany.bind(repo);
    const written: number[] = [];
    repo.saveMany = (records, now) => {
      written.push(records.length);
      saveMany(records, now);
    };
    return { written, count };
  }

  it('fetches one avatar per contact at a time, then the latest hash, and shows the latest', async () => {
    const photos = [1, 2, 3, 4, 5].map((seed) => png(8 + seed, 8, { seed: 20 + seed }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const asked: number[] = [];
    answer = async () => {
      asked.push(requests.length);
      await gate;
      return vcardReply(photos.at(-1)!);
    };
    for (const photo of photos) service.presenceHash(ACCOUNT, BOB, sha1(photo));
    await waitUntil('the first fetch asked', () => asked.length === 1);
    // The first fetch is under way; the four hashes announced meanwhile are not queued beside it.
    const inFlight = (fetcher as unknown as { inFlight: Map<string, unknown> }).inFlight;
    expect(inFlight.size).toBe(1);
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(1);
    release();
    await expect.poll(() => identity(BOB)?.avatar).toMatchObject({ width: 13 });
    await settle();
    // Then the latest hash alone: two fetches, not five.
    expect(requests.filter((iq) => iq.attrs.to === BOB)).toHaveLength(2);
  });

  it('hands a few fetches to the fetcher at a time and the rest later, until every contact has its picture', async () => {
    const photos = new Map(Array.from({ length: 60 }, (_, k) => [`c${k}@example.org`, png(6, 6, { seed: 100 + k })]));
    const inFlight = (fetcher as unknown as { inFlight: Map<string, unknown> }).inFlight;
    let most = 0;
    answer = async (iq) => {
      most = Math.max(most, inFlight.size);
      await new Promise((resolve) => setImmediate(resolve));
      return vcardReply(photos.get(iq.attrs.to as string)!);
    };
    for (const [jid, photo] of photos) service.presenceHash(ACCOUNT, jid, sha1(photo));
    expect(inFlight.size).toBeLessThanOrEqual(16);
    await waitUntil('every picture', () => [...photos.keys()].every((jid) => identity(jid)?.avatar));
    expect(most).toBeLessThanOrEqual(16);
    expect(requests.filter((iq) => iq.getChild('vCard') && iq.attrs.to)).toHaveLength(60);
  });

  it('stores the changes of a turn in one transaction, and what is left when it closes', () => {
    answer = () => new Promise<Element>(() => {});
    const { written, count } = watchSaves();
    const before = count();
    for (let k = 0; k < 500; k++) service.presenceHash(ACCOUNT, `c${k}@example.org`, sha1(png(4, 4, { seed: k })));
    expect(count()).toBe(before);
    service.close();
    expect(written).toHaveLength(1);
    expect(count()).toBe(before + 500);
  });

  it('stores a flood of changes a chunk a turn, every change in the end', async () => {
    answer = () => new Promise<Element>(() => {});
    const { written, count } = watchSaves();
    const before = count();
    const contacts = SAVE_CHUNK * 2 + 7;
    for (let k = 0; k < contacts; k++) service.presenceHash(ACCOUNT, `c${k}@example.org`, sha1(png(4, 4, { seed: k })));
    await vi.waitUntil(() => count() === before + contacts, { timeout: 10_000 });
    expect(written).toEqual([SAVE_CHUNK, SAVE_CHUNK, 7]);
    // The same hash again (as announced, or in upper case) is no change: nothing more is written.
    for (let k = 0; k < contacts; k++)
      service.presenceHash(ACCOUNT, `c${k}@example.org`, sha1(png(4, 4, { seed: k })).toUpperCase());
    service.close();
    expect(written).toEqual([SAVE_CHUNK, SAVE_CHUNK, 7]);
  });

  it('stores a flood of changes at most once a second, each contact once', async () => {
    answer = () => new Promise<Element>(() => {});
    const { written, count } = watchSaves();
    const before = count();
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    // The second is the service's clock (a timer and performance.now()): on a loaded machine the rounds
    // below could take longer than a real one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = vi.spyOn(performance, 'now').mockReturnValue(1_000_000);
    try {
      for (let k = 0; k < 100; k++) service.presenceHash(ACCOUNT, `c${k}@example.org`, sha1(png(4, 4, { seed: k })));
      await vi.waitUntil(() => written.length > 0, { timeout: 10_000 });
      expect(written).toEqual([100]);
      // The next turns announce new hashes for the same contacts: they wait for the next write.
      for (let round = 1; round <= 3; round++) {
        for (let k = 0; k < 100; k++)
          service.presenceHash(ACCOUNT, `c${k}@example.org`, sha1(png(4, 4, { seed: 1000 * round + k })));
        await turn();
      }
      vi.advanceTimersByTime(999);
      await turn();
      expect(written).toEqual([100]);
      vi.advanceTimersByTime(1);
      await vi.waitUntil(() => written.length > 1, { timeout: 10_000 });
      expect(written).toEqual([100, 100]);
    } finally {
      clock.mockRestore();
      vi.useRealTimers();
    }
    expect(count()).toBe(before + 100);
  });
});
