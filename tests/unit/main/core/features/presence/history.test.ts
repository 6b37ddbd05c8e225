/**
 * Presence history fed with stanzas through the real presence path (PresenceService and its
 * tracker) into the real store (SQLite in memory), with the coalescing step played by hand
 * (`flush`) and a clock the test moves: runs from real presence only, states under a minute taken
 * over, delay stamps, devices and their clients, coverage, what a crash leaves, the bound per
 * contact and day, retention, clearing, and nothing from presence the path refuses.
 */
import type { Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../../src/main/core/log';
import {
  MAX_RUNS_PER_CONTACT_DAY,
  MIN_RUN_MS,
  PresenceHistory,
  TICK_MS,
} from '../../../../../../src/main/core/features/presence/history';
import { PresenceService, type PresenceClient } from '../../../../../../src/main/core/features/presence/service';
import { PresenceHistoryRepository } from '../../../../../../src/main/core/store/presence-history-repo';
import type { Db } from '../../../../../../src/main/core/store/db';
import type { ClientInfo } from '../../../../../../src/main/core/features/caps/cache';
import { decodeDay } from '../../../../../../src/main/core/store/presence-history-codec';
import { memoryDbWithAccount } from '../../../../../support/db';
import { parseStanza } from '../../../../../support/xml';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

function setup(options: { db?: Db; roster?: string[] } = {}) {
  const clock = { now: NOW };
  const db = options.db ?? memoryDbWithAccount('acc', 'me@x');
  const roster = new Set(options.roster ?? ['bob@x', 'carol@x']);
  const changed = new Set<string>();
  const repo = new PresenceHistoryRepository(db);
  // eslint-disable-next-line prefer-const
  let service: PresenceService;
  const history = new PresenceHistory({
    repo,
    log: silentLogger,
    accountIds: () => ['acc'],
    tracker: (accountId) => service.tracker(accountId),
    inRoster: (_accountId, bare) => roster.has(bare),
    now: () => clock.now,
    background: false,
  });
  service = new PresenceService({
    log: silentLogger,
    subscriptionOf: () => 'both',
    onContactChanged: (_accountId, bare) => changed.add(bare),
    history,
    now: () => clock.now,
  });
  const client: PresenceClient = {
    middleware: { use: () => undefined } as unknown as PresenceClient['middleware'],
    send: async () => undefined,
  };
  service.attach('acc', 'me@x', client);
  history.attach('acc', 'me@x');
  const receive = (text: string) => service.receive('acc', parseStanza(text));
  /** The coalescing step: what changed goes to the recorder, as the presence feature does at each flush. */
  const flush = () => {
    history.capture('acc', changed);
    changed.clear();
  };
  /** Time passes as it does for the app: the recorder's tick every TICK_MS. */
  const advance = (ms: number) => {
    const until = clock.now + ms;
    while (clock.now + TICK_MS <= until) {
      clock.now += TICK_MS;
      history.tick();
    }
    clock.now = until;
  };
  const timeline = (jid = 'bob@x', days = 1) => history.timeline('acc', jid, days);
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  /** Every stored run piece, unpacked: who, which device, when (ms), and whether it lasts. */
  const stored = () => {
    const texts = new Map(
      (db.prepare('SELECT id, text FROM presence_history_statuses').all() as { id: number; text: string }[]).map(
        (row) => [row.id, row.text],
      ),
    );
    return (
      db
        .prepare(
          `SELECT c.jid, d.resource, r.day, r.runs, r.open FROM presence_history_days r
           JOIN presence_history_devices d ON d.id = r.device JOIN presence_history_contacts c ON c.id = d.contact
           ORDER BY c.jid, d.resource, r.day`,
        )
        .all() as { jid: string; resource: string; day: number; runs: Buffer; open: number }[]
    ).flatMap((row) =>
      decodeDay(row.runs).map((run, i, all) => ({
        jid: row.jid,
        resource: row.resource,
        start: (row.day * 86_400 + run.offset) * 1000,
        duration: run.duration * 1000,
        lasts: row.open === 1 && i === all.length - 1,
        status: run.status === 0 ? null : (texts.get(run.status) ?? '(missing)'),
      })),
    );
  };
  return { db, repo, clock, service, history, receive, flush, advance, timeline, count, stored, roster };
}

async function online(h: ReturnType<typeof setup>) {
  await h.service.sessionStarted('acc');
}

const stamp = (ms: number) => `<delay xmlns='urn:xmpp:delay' stamp='${new Date(ms).toISOString()}'/>`;

describe('presence history', () => {
  it('records devices coming, changing and going, from the presence received', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'><priority>5</priority><status>at work</status></presence>`);
    h.receive(`<presence from='bob@x/phone'><show>away</show></presence>`);
    h.flush();
    h.advance(10 * MINUTE);
    h.receive(`<presence from='bob@x/desk'><show>dnd</show><priority>5</priority><status>meeting</status></presence>`);
    h.flush();
    h.advance(5 * MINUTE);
    h.receive(`<presence from='bob@x/phone' type='unavailable'/>`);
    h.flush();

    const view = h.timeline();
    const desk = view.devices.find((d) => d.resource === 'desk')!;
    const phone = view.devices.find((d) => d.resource === 'phone')!;
    expect(desk.lastSeen).toBeNull(); // still online
    expect(desk.runs).toEqual([
      { start: NOW, end: NOW + 10 * MINUTE, show: 'available', status: 'at work', priority: 5 },
      { start: NOW + 10 * MINUTE, end: null, show: 'dnd', status: 'meeting', priority: 5 },
    ]);
    expect(phone.runs).toEqual([{ start: NOW, end: NOW + 15 * MINUTE, show: 'away', status: null, priority: 0 }]);
    expect(phone.lastSeen).toBe(NOW + 15 * MINUTE);
    expect(view.devices.map((d) => d.resource)).toEqual(['desk', 'phone']);
    expect(view.recorded).toEqual([{ start: NOW, end: NOW + 15 * MINUTE }]);
    // The desk (priority 5) gets messages sent to the bare address now.
    expect(view.lastTarget).toEqual({ resource: 'desk', until: null });

    // Stored: the ended runs at once, the lasting one once it is a minute old; the same timeline after.
    h.history.writeNow();
    expect(h.stored()).toEqual([
      { jid: 'bob@x', resource: 'desk', start: NOW, duration: 10 * MINUTE, lasts: false, status: 'at work' },
      // Stored once it lasted (and the tick after): how long it had lasted then.
      { jid: 'bob@x', resource: 'desk', start: NOW + 10 * MINUTE, duration: 70_000, lasts: true, status: 'meeting' },
      { jid: 'bob@x', resource: 'phone', start: NOW, duration: 15 * MINUTE, lasts: false, status: null },
    ]);
    expect(h.count('presence_history_devices')).toBe(2);
    expect(h.timeline()).toEqual(view);
  });

  it('lets the next state take over one that lasted under a minute, so a flood of changes makes no rows', async () => {
    const h = setup();
    await online(h);
    for (let i = 0; i < 200; i++) {
      h.receive(`<presence from='bob@x/desk'><show>${i % 2 ? 'away' : 'dnd'}</show><status>${i}</status></presence>`);
      if (i % 10 === 0) h.flush();
      h.advance(100);
    }
    h.flush();
    h.advance(MIN_RUN_MS);
    h.history.writeNow();
    expect(h.stored()).toHaveLength(1);
    expect(h.timeline().devices[0].runs).toEqual([{ start: NOW, end: null, show: 'away', status: '199', priority: 0 }]);
  });

  it('takes the time of a valid delay stamp, and the receive time for one from the future', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'>${stamp(NOW - 3_600_000)}</presence>`);
    h.receive(`<presence from='carol@x/pc'>${stamp(NOW + 3_600_000)}</presence>`);
    h.flush();
    h.advance(MINUTE);
    h.receive(`<presence from='bob@x/desk' type='unavailable'>${stamp(NOW + 30_000)}</presence>`);
    h.flush();
    expect(h.timeline('bob@x').devices[0].runs[0]).toMatchObject({ start: NOW - 3_600_000, end: NOW + 30_000 });
    expect(h.timeline('carol@x').devices[0].runs[0]).toMatchObject({ start: NOW, end: null });
  });

  it('keeps a device that came and went within a second, as a second', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/bot'/>`);
    h.flush();
    h.advance(300);
    h.receive(`<presence from='bob@x/bot' type='unavailable'/>`);
    h.flush();
    h.history.writeNow();
    expect(h.stored().map((run) => run.duration)).toEqual([1000]);
    expect(h.timeline().devices[0].runs).toEqual([
      { start: NOW, end: NOW + 1000, show: 'available', status: null, priority: 0 },
    ]);
  });

  it('keeps a device that came and went within one coalescing window (no flush saw it) as a short run', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.advance(MINUTE);
    // The phone comes and goes 50 ms apart, before the window's flush.
    h.receive(`<presence from='bob@x/phone'><show>away</show><status>on the go</status></presence>`);
    const came = h.clock.now;
    h.advance(50);
    h.receive(`<presence from='bob@x/phone' type='unavailable'/>`);
    h.flush();
    const phone = () => h.timeline().devices.find((d) => d.resource === 'phone');
    expect(phone()?.runs).toEqual([{ start: came, end: came + 50, show: 'away', status: 'on the go', priority: 0 }]);
    expect(phone()?.lastSeen).toBe(came + 50);
    h.history.writeNow();
    expect(h.stored().filter((run) => run.resource === 'phone')).toEqual([
      { jid: 'bob@x', resource: 'phone', start: came, duration: 1000, lasts: false, status: 'on the go' },
    ]);
    // Nothing of strangers that come and go so.
    h.receive(`<presence from='stranger@y/pc'/>`);
    h.receive(`<presence from='stranger@y/pc' type='unavailable'/>`);
    h.flush();
    h.history.writeNow();
    expect(h.db.prepare('SELECT jid FROM presence_history_contacts ORDER BY jid').all()).toEqual([{ jid: 'bob@x' }]);
  });

  it('records a contact’s idle time (XEP-0319) as part of the state, kept in the file', async () => {
    const h = setup();
    await online(h);
    const idle = (ms: number) => `<idle xmlns='urn:xmpp:idle:1' since='${new Date(ms).toISOString()}'/>`;
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.advance(5 * MINUTE);
    const away = h.clock.now;
    h.receive(`<presence from='bob@x/desk'><show>away</show>${idle(NOW + 2 * MINUTE)}</presence>`);
    h.flush();
    h.advance(5 * MINUTE);
    // The same show with a later idle time (the user came back and left again): a state of its own.
    const again = h.clock.now;
    h.receive(`<presence from='bob@x/desk'><show>away</show>${idle(again - 30_000)}</presence>`);
    h.flush();
    h.advance(5 * MINUTE);
    // A forged idle time (from the future) is no idle time.
    const forged = h.clock.now;
    h.receive(`<presence from='bob@x/desk'><show>away</show>${idle(forged + DAY)}</presence>`);
    h.flush();
    h.advance(5 * MINUTE);
    const expected = [
      { start: NOW, end: away, show: 'available', status: null, priority: 0 },
      { start: away, end: again, show: 'away', status: null, priority: 0, idleSince: NOW + 2 * MINUTE },
      { start: again, end: forged, show: 'away', status: null, priority: 0, idleSince: again - 30_000 },
      { start: forged, end: null, show: 'away', status: null, priority: 0 },
    ];
    expect(h.timeline().devices[0].runs).toEqual(expected);
    // Stored with the run, to the second.
    h.history.close();
    const after = setup({ db: h.db });
    after.clock.now = h.clock.now;
    expect(after.timeline().devices[0].runs).toEqual([...expected.slice(0, 3), { ...expected[3], end: h.clock.now }]);
  });

  it('keeps the client of each device once its caps are known, without starting a new run', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/phone'/>`);
    h.flush();
    const entry = h.service.tracker('acc')!.resources('bob@x')!.get('phone')!;
    entry.client = { clientName: 'Conversations', device: 'phone' } as ClientInfo;
    h.flush(); // nothing changed for the tracker's views; the history reads the entry anyway when told
    h.history.capture('acc', ['bob@x']);
    h.advance(2 * MINUTE);
    h.history.writeNow();
    const view = h.timeline();
    expect(view.devices[0].client).toEqual({ name: 'Conversations', device: 'phone' });
    expect(view.devices[0].runs).toHaveLength(1);
    const row = h.db.prepare('SELECT client, kind FROM presence_history_devices').get();
    expect(row).toEqual({ client: 'Conversations', kind: 'phone' });
  });

  it('records our own devices, and nothing from strangers, rooms or presence the path refuses', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='me@x/laptop'/>`);
    h.receive(`<presence from='stranger@y/pc'><status>buy now</status></presence>`);
    h.receive(`<presence from='bob@x/desk'><priority>200</priority></presence>`); // invalid priority
    h.receive(`<presence from='bob@x/desk'><priority>1.5</priority></presence>`);
    h.receive(`<presence from='a@b@c/r'/>`); // not a JID
    h.receive(`<presence/>`); // no sender
    h.receive(`<presence from='bob@x/r' type='bogus'/>`);
    h.receive(`<presence from='room@conf.x/bob'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`);
    h.receive(`<presence from='carol@x/pc' type='subscribe'/>`);
    h.flush();
    h.advance(MIN_RUN_MS);
    h.history.writeNow();
    expect(h.db.prepare('SELECT jid FROM presence_history_contacts').all()).toEqual([{ jid: 'me@x' }]);
    expect(h.stored()).toHaveLength(1);
    expect(h.timeline('stranger@y').devices).toEqual([]);
    expect(h.timeline('me@x').devices.map((d) => d.resource)).toEqual(['laptop']);
  });

  it('caps status texts at 1024 characters', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'><status>${'x'.repeat(5000)}</status></presence>`);
    h.flush();
    h.advance(MIN_RUN_MS);
    h.history.writeNow();
    expect(h.stored()[0].status).toHaveLength(1024);
  });

  it('ends runs and coverage where we stopped hearing, and not when a stream resumes', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.advance(10 * MINUTE);
    h.service.connectionLost('acc');
    h.advance(MINUTE);
    h.service.sessionResumed('acc');
    h.advance(10 * MINUTE);
    h.service.connectionLost('acc');
    const lostAt = h.clock.now;
    h.advance(30 * MINUTE);
    await h.service.sessionStarted('acc'); // a new session: what we knew ended when the connection dropped
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    const view = h.timeline();
    expect(view.recorded).toEqual([
      { start: NOW, end: lostAt },
      { start: h.clock.now, end: h.clock.now },
    ]);
    expect(view.devices[0].runs).toEqual([
      { start: NOW, end: lostAt, show: 'available', status: null, priority: 0 },
      { start: h.clock.now, end: null, show: 'available', status: null, priority: 0 },
    ]);
  });

  it('stores the listening stretch with the next write, not when our presence is announced', async () => {
    const h = setup();
    await online(h); // announces our presence: listening from now
    expect(h.count('presence_history_coverage')).toBe(0);
    h.advance(TICK_MS); // the first write of the account is due at its first tick
    expect(h.db.prepare('SELECT start, stop FROM presence_history_coverage').all()).toEqual([
      { start: NOW / 1000, stop: NOW / 1000 + TICK_MS / 1000 },
    ]);
  });

  it('ends runs a crash left open where the coverage written before it ends', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'><show>away</show></presence>`);
    h.flush();
    h.advance(5 * MINUTE);
    h.history.writeNow(); // stored open, coverage up to now
    const lastWrite = h.clock.now;
    h.clock.now += 20 * MINUTE; // then the process died: no tick, no close
    const after = setup({ db: h.db });
    expect(after.stored()).toEqual([
      { jid: 'bob@x', resource: 'desk', start: NOW, duration: lastWrite - NOW, lasts: false, status: null },
    ]);
    after.clock.now = h.clock.now;
    expect(after.timeline().devices[0].runs).toEqual([
      { start: NOW, end: lastWrite, show: 'away', status: null, priority: 0 },
    ]);
  });

  it('keeps a run across midnight as a piece a day, joined again when read, and ended right after a crash', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'><status>on call</status></presence>`);
    h.flush();
    h.advance(36 * 3_600_000 + MINUTE); // 12:00 on day one to 00:01 on day three
    const pieces = h.stored();
    expect(pieces.map((p) => [p.start, p.lasts])).toEqual([
      [NOW, false],
      [NOW + 12 * 3_600_000, false],
      [NOW + 36 * 3_600_000, true],
    ]);
    expect(pieces.map((p) => p.duration).slice(0, 2)).toEqual([12 * 3_600_000, DAY]);
    const lastWrite = h.db.prepare('SELECT max(stop) AS stop FROM presence_history_coverage').get() as {
      stop: number;
    };
    expect(h.timeline('bob@x', 7).devices[0].runs).toEqual([
      { start: NOW, end: null, show: 'available', status: 'on call', priority: 0 },
    ]);
    h.clock.now += 3_600_000; // the process dies at 01:00
    const after = setup({ db: h.db });
    after.clock.now = h.clock.now;
    expect(after.timeline('bob@x', 7).devices[0].runs).toEqual([
      { start: NOW, end: lastWrite.stop * 1000, show: 'available', status: 'on call', priority: 0 },
    ]);
  });

  it('stores everything when closing, lasting runs ended at that moment', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.advance(10_000); // younger than a minute: not stored yet
    expect(h.stored()).toEqual([]);
    h.history.close();
    expect(h.stored()).toEqual([
      { jid: 'bob@x', resource: 'desk', start: NOW, duration: 10_000, lasts: false, status: null },
    ]);
    expect(h.db.prepare('SELECT start, stop FROM presence_history_coverage').all()).toEqual([
      { start: NOW / 1000, stop: NOW / 1000 + 10 },
    ]);
  });

  it('starts at most a bounded number of runs per contact and day', async () => {
    const h = setup();
    await online(h);
    for (let i = 0; i < MAX_RUNS_PER_CONTACT_DAY + 50; i++) {
      h.receive(`<presence from='bob@x/r${i % 60}'/>`);
      h.flush();
      h.receive(`<presence from='bob@x/r${i % 60}' type='unavailable'/>`);
      h.advance(1000);
    }
    h.receive(`<presence from='carol@x/pc'/>`);
    h.flush();
    h.history.writeNow(true);
    const runs = h.stored();
    expect(runs.filter((run) => run.jid === 'bob@x')).toHaveLength(MAX_RUNS_PER_CONTACT_DAY);
    expect(runs.filter((run) => run.jid === 'carol@x')).toHaveLength(1);
    // The next day Bob is recorded again.
    h.advance(DAY);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    expect(h.timeline('bob@x').devices.find((d) => d.resource === 'desk')?.runs).toHaveLength(1);
  });

  it('prunes what ended before the retention, and nothing that lasts', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/old'><status>old status</status></presence>`);
    h.receive(`<presence from='bob@x/always'/>`);
    h.receive(`<presence from='carol@x/pc'><status>long ago</status></presence>`);
    h.flush();
    h.advance(MINUTE);
    h.receive(`<presence from='bob@x/old' type='unavailable'/>`);
    h.receive(`<presence from='carol@x/pc' type='unavailable'/>`);
    h.flush();
    h.history.writeNow();
    h.advance(31 * DAY);
    h.receive(`<presence from='bob@x/new'/>`);
    h.flush();
    h.receive(`<presence from='bob@x/new' type='unavailable'/>`);
    h.advance(MINUTE);
    h.receive(`<presence from='bob@x/new'/>`);
    h.flush();
    h.history.writeNow(true);
    const before = h.stored();
    expect(before.filter((run) => run.resource === 'always')).toHaveLength(32); // a piece a day
    expect(before.filter((run) => run.resource !== 'always')).toHaveLength(4);
    // The first day goes: Bob's old device, Carol's only day, the always-online device's first piece,
    // and the status texts no day names any more (Bob's, whose contact stays; Carol's with her).
    expect(h.history.pruneNow()).toBe(3);
    expect(h.db.prepare('SELECT jid FROM presence_history_contacts').all()).toEqual([{ jid: 'bob@x' }]);
    expect(h.stored().map((run) => run.status)).not.toContain('long ago');
    expect(h.db.prepare('SELECT text FROM presence_history_statuses').all()).toEqual([]);
    expect(
      h
        .timeline('bob@x', 90)
        .devices.map((d) => d.resource)
        .sort(),
    ).toEqual(['always', 'new']);
    // Coverage older than the retention goes too.
    expect(
      h.db
        .prepare('SELECT count(*) AS n FROM presence_history_coverage WHERE stop < ?')
        .get((h.clock.now - 30 * DAY) / 1000),
    ).toEqual({ n: 0 });
  });

  it('a shorter retention prunes; 0 stops recording and deletes everything kept', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.advance(10 * DAY);
    h.receive(`<presence from='bob@x/desk'><show>away</show></presence>`);
    h.flush();
    h.advance(8 * DAY);
    h.history.writeNow(true);
    expect(h.history.retention('acc')).toBe(30);
    expect(h.timeline('bob@x', 30).devices[0].runs.map((r) => r.show)).toEqual(['available', 'away']);
    h.history.setRetention('acc', 7);
    // Every day before the cutoff's day: the available run's eleven (its last shared with the away run).
    expect(h.history.pruneNow()).toBe(11);
    expect(h.timeline('bob@x', 30).devices[0].runs.map((r) => r.show)).toEqual(['away']);
    h.history.setRetention('acc', 0);
    for (const table of ['contacts', 'devices', 'days', 'coverage']) {
      expect(h.count(`presence_history_${table}`), table).toBe(0);
    }
    h.receive(`<presence from='bob@x/desk'><show>dnd</show></presence>`);
    h.flush();
    h.advance(MINUTE);
    h.history.writeNow(true);
    expect(h.stored()).toEqual([]);
    expect(h.timeline()).toMatchObject({ retentionDays: 0, devices: [], recorded: [] });
    // On again: from now, for what is online now.
    h.history.setRetention('acc', 30);
    h.advance(MINUTE);
    expect(h.timeline().devices[0].runs).toEqual([
      { start: h.clock.now - MINUTE, end: null, show: 'dnd', status: null, priority: 0 },
    ]);
    expect(new PresenceHistoryRepository(h.db).retentions().get('acc')).toBe(30);
  });

  it('clears one contact, or everything, and goes on recording from now', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'><status>secret</status></presence>`);
    h.receive(`<presence from='carol@x/pc'/>`);
    h.flush();
    h.advance(2 * MINUTE);
    h.history.writeNow();
    h.history.clear('acc', 'bob@x');
    expect(h.db.prepare('SELECT jid FROM presence_history_contacts').all()).toEqual([{ jid: 'carol@x' }]);
    expect(h.db.prepare('SELECT text FROM presence_history_statuses').all()).toEqual([]);
    expect(h.timeline('bob@x').devices[0].runs).toEqual([
      { start: h.clock.now, end: null, show: 'available', status: 'secret', priority: 0 },
    ]);
    h.history.clear('acc', null);
    for (const table of ['contacts', 'days', 'coverage']) expect(h.count(`presence_history_${table}`), table).toBe(0);
    h.advance(MINUTE);
    expect(h.timeline('carol@x').recorded).toEqual([{ start: h.clock.now - MINUTE, end: h.clock.now }]);
  });

  it('forgets a removed account in memory; its rows go with the account', async () => {
    const h = setup();
    await online(h);
    h.receive(`<presence from='bob@x/desk'/>`);
    h.flush();
    h.history.writeNow(true);
    h.history.remove('acc');
    h.db.prepare('DELETE FROM accounts').run();
    for (const table of ['contacts', 'devices', 'days', 'coverage', 'settings']) {
      expect(h.count(`presence_history_${table}`), table).toBe(0);
    }
  });
});

export type { Element };
