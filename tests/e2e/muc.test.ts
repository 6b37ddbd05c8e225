/**
 * End to end: group chat in Chromium, through the browser bridge, against the real core and a real
 * Prosody with conference.localhost. Alice uses the UI; Bob and Carol are second real XMPP clients
 * (tests/support/peer.ts) that join rooms by presence, create rooms and send invitations.
 * A last part measures (does not assert a time) a 5,000-occupant muc.occupants batch in the built
 * renderer, fed by a stand-in core injected as window.jabberwock, with long tasks observed.
 */
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/web';
import { closeBrowserUi, expectBuilt, LIVE_TIMEOUT, openBrowserUi, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { eventually } from '../support/wait';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const ALICE = { user: 'alice', password: 'alice-Pa55-muc' };
const BOB = { user: 'bob', password: 'bob-Pa55-muc' };
const CAROL = { user: 'carol', password: 'carol-Pa55-muc' };
const ALICE_JID = 'alice@localhost';
const TEA = 'tea@conference.localhost';
const CAKE = 'cake@conference.localhost';
const PARTY = 'party@conference.localhost';

describe('group chat in the browser UI', () => {
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  let carol: Peer;

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const occupants = (room: string): Locator =>
    main().getByRole('tree', { name: new RegExp(`^Occupants of ${room}, `) });
  /** The tree's rows in order, by their accessible names. */
  const rowNames = async (room: string) =>
    occupants(room)
      .getByRole('treeitem')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));

  /** Self-presence (110) from `room` received by a peer. */
  const selfPresenceFrom = (who: Peer, room: string) =>
    who.presences.some(
      (p) =>
        p.attrs.from?.startsWith(`${room}/`) &&
        p.attrs.type !== 'unavailable' &&
        (p.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((s) => s.attrs.code === '110'),
    );

  /** A peer creates (or enters) a room by presence and, when it created it, accepts the default configuration. */
  async function peerJoins(who: Peer, room: string, nick: string, create = false) {
    await who.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: NS_MUC })));
    await eventually(() => expect(selfPresenceFrom(who, room)).toBe(true), LIVE_TIMEOUT);
    if (create) {
      await who.xmpp.iqCaller.set(
        xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })),
        room,
      );
    }
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB, CAROL] },
    prefix: 'jabberwock-e2e-muc-',
    viewport: { width: 1400, height: 860 },
    prepare: async (prosody, logger) => {
      bob = await startPeer(prosody, BOB, 'desk', logger);
      carol = await startPeer(prosody, CAROL, 'desk', logger);
      await bob.send(xml('presence'));
      await carol.send(xml('presence'));
    },
    signIn: ALICE,
    stop: async () => {
      await bob?.stop();
      await carol?.stop();
    },
  });
  beforeAll(() => ({ ui, page } = live));

  it('joins a new room from the dialog: listed, with our role and affiliation', async () => {
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const d = page.getByRole('dialog', { name: 'Join a room' });
    // The nick defaults to the account's local part; a bad address is refused before anything is sent.
    expect(await d.getByLabel('Nickname').inputValue()).toBe('alice');
    await d.getByLabel('Room address').fill('tea');
    await d.getByRole('button', { name: 'Join', exact: true }).click();
    await d.getByText('A room address looks like room@conference.example.org.').waitFor();
    await d.getByLabel('Room address').fill(` ${TEA.toUpperCase()} `);
    await d.getByRole('button', { name: 'Join', exact: true }).click();
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    // We created it (201): owner and moderator, listed in the sidebar with one occupant.
    await main().getByText('You are alice (moderator, owner)').waitFor({ timeout: LIVE_TIMEOUT });
    await sidebar().getByRole('button', { name: 'tea, 1 occupant' }).waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () =>
      expect(await rowNames(TEA)).toEqual(['Moderators, 1', expect.stringMatching(/^alice, you, moderator, owner, /)]),
    );
  });

  it('shows a second client joining live under Participants, and regroups by affiliation', async () => {
    await peerJoins(bob, TEA, 'Bob');
    await eventually(
      async () =>
        expect(await rowNames(TEA)).toEqual([
          'Moderators, 1',
          expect.stringMatching(/^alice, you, /),
          'Participants, 1',
          expect.stringMatching(/^Bob, participant, no affiliation, available/),
        ]),
      LIVE_TIMEOUT,
    );
    await sidebar().getByRole('button', { name: 'tea, 2 occupants' }).waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'Occupants (2)' }).waitFor();

    await main().getByRole('button', { name: 'By affiliation' }).click();
    expect(await main().getByRole('button', { name: 'By affiliation' }).getAttribute('aria-pressed')).toBe('true');
    expect(await rowNames(TEA)).toEqual([
      'Owners, 1',
      expect.stringMatching(/^alice, you, /),
      'No affiliation, 1',
      expect.stringMatching(/^Bob, /),
    ]);
    await occupants(TEA).locator('.muc-badge-owner').getByText('owner').waitFor();
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/muc-room.png') });
    await main().getByRole('button', { name: 'By role' }).click();
  });

  it('offers the suggested nick on a nick conflict, and joins with one click', async () => {
    await peerJoins(carol, CAKE, 'alice', true);
    await sidebar().getByRole('button', { name: 'Join a room' }).click();
    const d = page.getByRole('dialog', { name: 'Join a room' });
    await d.getByLabel('Room address').fill(CAKE);
    await d.getByRole('button', { name: 'Join', exact: true }).click();
    await d.getByText('The nickname alice is already taken in this room.').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await d.getByLabel('Nickname').getAttribute('aria-invalid')).toBe('true');
    await d.getByRole('button', { name: 'Join as “alice_”' }).click();
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main().getByText('You are alice_ (participant, no affiliation)').waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () => expect(await rowNames(CAKE)).toHaveLength(4), LIVE_TIMEOUT);
  });

  it('kicks the second client from the moderation menu: the notice line appears and the list updates', async () => {
    await sidebar()
      .getByRole('button', { name: /^tea, / })
      .click();
    const bobRow = occupants(TEA).getByRole('treeitem', { name: /^Bob, / });
    await bobRow.hover();
    await bobRow.getByRole('button', { name: 'Moderate Bob' }).click();
    const d = page.getByRole('dialog', { name: 'Moderate Bob' });
    // Alice is owner and moderator: she may kick, silence, promote and ban.
    for (const action of ['Kick', 'Revoke voice', 'Make moderator', 'Make admin', 'Ban']) {
      await d.getByRole('button', { name: action, exact: true }).waitFor();
    }
    await d.getByLabel(/^Reason/).fill('Too loud');
    await d.getByRole('button', { name: 'Kick', exact: true }).click();
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    await main()
      .getByRole('region', { name: 'Room events' })
      .getByText(/Bob was kicked/)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () => expect(await rowNames(TEA)).toHaveLength(2), LIVE_TIMEOUT);
    // Bob saw it as a kick (307).
    await eventually(() =>
      expect(
        bob.presences.some(
          (p) =>
            p.attrs.from === `${TEA}/Bob` &&
            p.attrs.type === 'unavailable' &&
            (p.getChild('x', NS_MUC_USER)?.getChildren('status') ?? []).some((s) => s.attrs.code === '307'),
        ),
      ).toBe(true),
    );
  });

  it('prompts for a direct invitation naming who invites (a stranger: not in the roster), and Accept joins', async () => {
    await peerJoins(carol, PARTY, 'Carol', true);
    await carol.send(
      xml('message', { to: ALICE_JID }, xml('x', { xmlns: 'jabber:x:conference', jid: PARTY, reason: 'Cake at five' })),
    );
    const prompt = page.getByRole('region', { name: 'Room invitation' });
    await prompt.getByText('carol@localhost').waitFor({ timeout: LIVE_TIMEOUT });
    await prompt.getByText(PARTY).waitFor();
    await prompt.getByText('“Cake at five”').waitFor();
    await prompt.getByText('not in your contacts').waitFor();
    // Not modal: the rest of the app stays usable.
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await prompt.getByLabel('Nick for the room').inputValue()).toBe('alice');
    await prompt.getByRole('button', { name: 'Accept' }).click();
    await prompt.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'party' }).waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('You are alice (participant, no affiliation)').waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(
      () =>
        expect(carol.presences.some((p) => p.attrs.from === `${PARTY}/alice` && p.attrs.type !== 'unavailable')).toBe(
          true,
        ),
      LIVE_TIMEOUT,
    );
    expect(ui.cspViolations).toEqual([]);
  });
});

// ---------- measurement: a 5,000-occupant batch in the renderer ----------

const OCCUPANTS = 5000;
const BUDGET_MS = 50;

// Runs in the page before its scripts: a stand-in core with one account in one joined room.
const STAND_IN = `
  window.__jw = { longtasks: [], listener: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__jw.longtasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const account = { id: 'bench', jid: 'bench@example.org', host: null, port: null, label: 'Bench', color: '#3a5bd9',
    enabled: true, password: 'session', pinnedCertificates: [], connection: { status: 'online', since: Date.now() } };
  const room = { accountId: 'bench', room: 'big@conference.example.org', nick: 'bench', state: 'joined', subject: 'Big',
    subjectBy: null, role: 'moderator', affiliation: 'owner', nonAnonymous: false, occupantCount: 1, error: null };
  const self = { accountId: 'bench', room: room.room, nick: 'bench', role: 'moderator', affiliation: 'owner', jid: null,
    show: 'available', status: null, self: true };
  const snapshot = { seq: 1, accounts: [account], secretStorage: { encrypted: false, description: 'bench' }, roster: [],
    rosterSync: [{ accountId: 'bench', state: 'synced', version: null, syncedAt: Date.now() }],
    prefs: { rosterSort: 'availability', rosterHideOffline: false, rosterCollapsed: [], rosterView: 'all',
      closeToTray: false, idleEnabled: false, idleAwayMinutes: 5, idleXaMinutes: null },
    presence: [], ownPresence: { bench: { show: 'available', status: null, priority: 0, auto: false } }, recentStatuses: [],
    subscriptionRequests: [], subscriptionPolicies: [], subscriptionNotes: [], blockingAccounts: [],
    rooms: [room], occupants: [self], roomNotices: [], bookmarks: [], roomInvites: [], notices: [] };
  window.jabberwock = {
    invoke: (command) => Promise.resolve(command === 'app.snapshot' ? { ok: true, value: snapshot }
      : { ok: false, error: { code: 'internal', message: 'stand-in' } }),
    onEvents: (listener) => { window.__jw.listener = listener; return () => {}; },
  };
  const shows = ['available', 'away', 'xa', 'dnd', 'chat'];
  const roles = (i) => (i % 100 === 0 ? 'moderator' : i % 9 === 0 ? 'visitor' : 'participant');
  const affiliations = (i) => (i % 250 === 0 ? 'admin' : i % 4 === 0 ? 'member' : 'none');
  const changed = [];
  for (let i = 0; i < ${OCCUPANTS}; i++) {
    changed.push({ accountId: 'bench', room: room.room, nick: 'Person ' + ((i * 7919) % 100003) + ' ' + i,
      role: roles(i), affiliation: affiliations(i), jid: null, show: shows[i % 5], status: i % 3 ? null : 'Status ' + i,
      self: false });
  }
  const joined = { ...room, occupantCount: ${OCCUPANTS} + 1 };
  window.__jw.batches = [
    JSON.stringify({ seq: 2, events: [{ type: 'muc.occupants', accountId: 'bench', room: room.room, changed, left: [] },
      { type: 'muc.room', room: joined }] }),
    // Then a busy room: 500 presence changes, 100 leave, 100 join, in one batch.
    JSON.stringify({ seq: 3, events: [{ type: 'muc.occupants', accountId: 'bench', room: room.room,
      changed: changed.slice(0, 500).map((o, i) => ({ ...o, show: shows[(i + 1) % 5] }))
        .concat(changed.slice(0, 100).map((o) => ({ ...o, nick: o.nick + ' again' }))),
      left: changed.slice(500, 600).map((o) => o.nick) }] }),
  ];
`;

// Pushes one batch in its own task and resolves after the next frame, with the time it took.
const PUSH = `(round) => new Promise((resolve) => setTimeout(() => {
  const started = performance.now();
  window.__jw.listener(JSON.parse(window.__jw.batches[round]));
  requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
}, 0))`;

describe('a 5,000-occupant room in the renderer (measured, not timed)', () => {
  let ui: BrowserUi | undefined;

  afterAll(() => closeBrowserUi(ui));

  it(`applies a muc.occupants batch of ${OCCUPANTS} and a busy-room batch`, async () => {
    expectBuilt();
    ui = await openBrowserUi({ prefix: 'jw-muc-render-', viewport: { width: 1280, height: 800 } });
    const page = ui.page;
    await page.addInitScript({ content: STAND_IN });
    await page.goto(ui.web.url);
    await page.getByRole('button', { name: 'big, 1 occupant' }).click();
    await page.getByRole('heading', { name: 'Occupants (1)' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);

    const rounds: { applyMs: number; longTasks: number[] }[] = [];
    // Counts are written for the UI's language (English here: 5,001).
    const total = (OCCUPANTS + 1).toLocaleString('en');
    const expected = [`Occupants (${total})`, `Occupants (${total})`];
    for (let round = 0; round < 2; round++) {
      const before = (await page.evaluate('window.__jw.longtasks.length')) as number;
      const applyMs = (await page.evaluate(`(${PUSH})(${round})`)) as number;
      await page.getByRole('heading', { name: expected[round] }).waitFor();
      await page.waitForTimeout(200);
      const tasks = (await page.evaluate(`window.__jw.longtasks.slice(${before}).map((t) => t[1])`)) as number[];
      rounds.push({ applyMs, longTasks: tasks });
    }
    // Grouped and rendered: the first group is Moderators with its count; only the rows in view are in the DOM.
    const tree = page.getByRole('tree', { name: /^Occupants of big@conference\.example\.org/ });
    const first = await tree.getByRole('treeitem').first().getAttribute('aria-label');
    expect(first).toBe(`Moderators, ${OCCUPANTS / 100 + 1}`);
    expect(await tree.getByRole('treeitem').count()).toBeLessThan(60);

    const all = rounds.flatMap((r) => r.longTasks);
    const result = {
      date: new Date().toISOString(),
      occupants: OCCUPANTS,
      rounds: rounds.map((r) => ({ applyMs: Math.round(r.applyMs), longTasks: r.longTasks.map(Math.round) })),
      longestTaskMs: Math.round(Math.max(0, ...all)),
      tasksOverBudget: all.filter((ms) => ms > BUDGET_MS).length,
      budgetMs: BUDGET_MS,
    };
    console.info(
      `muc: ${OCCUPANTS}-occupant batch then busy batch: apply+frame ${result.rounds.map((r) => r.applyMs).join(', ')} ms; ` +
        `long tasks ${JSON.stringify(result.rounds.map((r) => r.longTasks))}; longest ${result.longestTaskMs} ms`,
    );
  }, 120_000);
});
