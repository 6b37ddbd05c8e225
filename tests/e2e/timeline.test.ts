/**
 * End to end: a contact's presence history in Chromium, through the browser bridge, against the
 * real core and a real Prosody. Alice uses the UI. Bob is slixmpp (an independent client) whose
 * desk stays online while his phone and tablet come and go; a helper client of Alice's sets up
 * the subscription. Checked: the devices over time with their clients and bars, the device that
 * gets messages to the bare address, the list of every change with its status text, the span,
 * clearing, turning recording off and on (in the contact panel and in the account's settings), and
 * axe in both themes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/shared/contract';
import { createMessenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { ROOT } from '../support/web';
import { LIVE_TIMEOUT, signInThroughUi, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { expectAccessible } from '../support/axe';
import { type ProsodyServer } from '../support/prosody';
import { startPresencePeer, type PresencePeer } from '../support/presence-peer';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-t1meline' };
const BOB = { user: 'bob', password: 'bob-Pa55-t1meline' };
const BOB_JID = 'bob@localhost';

describe('presence history in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: PresencePeer;

  const history = (): Locator => page.getByRole('main').getByRole('region', { name: 'History' });
  const tracks = (): Locator => history().getByRole('list', { name: 'Timeline of each device' }).getByRole('img');

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-timeline-',
    viewport: { width: 1200, height: 900 },
    // Bob's desk is online; Alice's helper adds him (slixmpp accepts and asks back), then goes offline.
    prepare: async (prosody) => {
      bob = startPresencePeer(prosody, BOB);
      await bob.online('desk', { status: 'At my desk', priority: 5, client: 'BobDesk', type: 'pc' });
      const helper = await createMessenger({
        dataDir: ':memory:',
        secrets: createMemorySecretStore(),
        log: createLogger((level, scope, message) => live.log.push(`helper ${level} ${scope}: ${message}`), 'info'),
        extraCa: prosody.caPem,
      });
      const added = await helper.invoke('account.add', {
        jid: 'alice@localhost',
        password: ALICE.password,
        host: prosody.host,
        port: prosody.port,
      });
      if (!added.ok) throw new Error(JSON.stringify(added.error));
      const id = (added.value as AccountView).id;
      await eventually(() => expect(helper.roster.syncView(id).state).toBe('synced'), 30_000);
      await helper.invoke('subscription.setPolicy', { accountId: id, incoming: 'accept' });
      await helper.invoke('subscription.add', { accountId: id, jid: BOB_JID, name: 'Bob', groups: ['Friends'] });
      await eventually(() => expect(helper.roster.item(id, BOB_JID)?.subscription).toBe('both'), 30_000);
      await helper.invoke('presence.set', { accountId: id, show: 'offline' });
      await helper.close();
    },
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('shows Bob’s devices coming and going, with their clients, in the contact panel', async () => {
    await signInThroughUi(ui, prosody, ALICE);
    // The account's page shows our own devices over time: this one, online now.
    const own = page.getByRole('main').getByRole('region', { name: 'Your devices over time' });
    await expect.poll(() => own.getByRole('img').count(), { timeout: LIVE_TIMEOUT }).toBeGreaterThanOrEqual(1);
    const bobRow = page.getByRole('tree').getByRole('treeitem', { name: /^Bob, / });
    await bobRow.waitFor({ timeout: LIVE_TIMEOUT });
    // While Alice watches: the phone comes (priority 10, so it gets messages to the bare address) and goes.
    await bob.online('desk', { status: 'At my desk', priority: 5 });
    // The phone says its user is idle (XEP-0319) since a quarter of an hour.
    const idleSince = new Date(Date.now() - 15 * 60_000);
    await bob.online('phone', {
      show: 'away',
      status: 'On the train',
      priority: 10,
      client: 'BobPhone',
      type: 'phone',
      idle: idleSince.toISOString(),
    });
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^Bob, .*2 devices/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await bob.offline('phone', 'Battery low');
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^Bob, available, At my desk$/ })
      .waitFor({ timeout: LIVE_TIMEOUT });

    await bobRow.dblclick();
    const panel = page.getByRole('main');
    await panel.getByRole('heading', { name: 'Bob' }).waitFor();
    await history().waitFor();
    await history()
      .getByText(
        'Kept only on this computer for 30 days, from the presence you received; never sent anywhere or synced.',
      )
      .waitFor();
    // The desk (online now) and the phone (gone), each a bar with what it says.
    await expect.poll(() => tracks().count(), { timeout: LIVE_TIMEOUT }).toBe(2);
    const labels = await tracks().evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')));
    expect(labels[0]).toMatch(/^BobDesk: online \d+ min in the last day, one state$/);
    expect(labels[1]).toMatch(/^BobPhone: online \d+ min in the last day, one state$/);
    const devices = history().getByRole('list', { name: 'Timeline of each device' }).getByRole('listitem');
    expect(await devices.nth(0).innerText()).toMatch(/BobDesk[\s\S]*computer[\s\S]*online now/);
    expect(await devices.nth(1).innerText()).toMatch(/BobPhone[\s\S]*phone[\s\S]*just now/);
    // The bars carry the status on hover.
    const phoneRun = devices.nth(1).locator('.timeline-run');
    const idleTime = idleSince.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' });
    expect(await phoneRun.getAttribute('title')).toMatch(/^Away .*–.*: On the train \(priority 10\), idle since .+$/);
    expect(await phoneRun.getAttribute('title')).toContain(`idle since ${idleTime}`);
    await history().getByText(`Messages sent to ${BOB_JID} go to BobDesk.`).waitFor();
    await history().getByText('Not enough history yet to tell when they are usually online.').waitFor();

    // Every change, as a list (what the bars show, for the keyboard and screen readers).
    await history().getByText('Every change').click();
    await history()
      .getByText(/^Away .*: On the train \(priority 10\), idle since .+$/)
      .waitFor();
    await history()
      .getByText(/^Available .*–now: At my desk \(priority 5\)$/)
      .waitFor();

    // The week.
    await history().getByRole('button', { name: 'Last week' }).click();
    expect(await history().getByRole('button', { name: 'Last week' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => tracks().count()).toBe(2);

    const shot = path.join(ROOT, 'out/screenshots/timeline.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await history().scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot, fullPage: true });
    await expectAccessible(page, 'the contact panel with its history');
  });

  it('clears a contact’s history and turns recording off and on again', async () => {
    // A tablet comes and goes: a third device.
    await bob.online('tablet', { status: 'Reading', client: 'BobTablet', type: 'handheld' });
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^Bob, .*2 devices/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await bob.offline('tablet');
    await expect.poll(() => tracks().count(), { timeout: LIVE_TIMEOUT }).toBe(3);

    await history().getByRole('button', { name: 'Clear history…' }).click();
    await history().getByText('Delete the history kept of Bob? Recording goes on from now.').waitFor();
    await history().getByRole('button', { name: 'Delete', exact: true }).click();
    // What was kept is gone; the desk, online now, is recorded again from this moment.
    await expect.poll(() => tracks().count(), { timeout: LIVE_TIMEOUT }).toBe(1);
    expect(await tracks().first().getAttribute('aria-label')).toMatch(/^BobDesk: online 0 min/);

    // Off asks first, then deletes everything and says so.
    const keep = history().getByLabel('Keep history');
    await keep.selectOption({ label: 'Off' });
    await history().getByText('Stop recording for Home and delete the history kept of every contact?').waitFor();
    await history().getByRole('button', { name: 'Keep', exact: true }).click();
    expect(await keep.inputValue()).toBe('30');
    await keep.selectOption({ label: 'Off' });
    await history().getByRole('button', { name: 'Turn off' }).click();
    await history().getByText('History is not recorded for this account.').waitFor();
    expect(await tracks().count()).toBe(0);
    await expectAccessible(page, 'the contact panel with history off', { themes: ['light'] });

    // On again, for 7 days: from now.
    await keep.selectOption({ label: '7 days' });
    await history()
      .getByText(/^Kept only on this computer for 7 days/)
      .waitFor();
    await expect.poll(() => tracks().count(), { timeout: LIVE_TIMEOUT }).toBe(1);

    // The account's page clears every contact's history at once.
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByRole('button', { name: 'Home, alice@localhost' })
      .click();
    const own = page.getByRole('main').getByRole('region', { name: 'Your devices over time' });
    await own.getByRole('button', { name: 'Clear all history…' }).click();
    await own.getByText('Delete the history kept of every contact of Home? Recording goes on from now.').waitFor();
    await own.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => own.getByRole('img').count(), { timeout: LIVE_TIMEOUT }).toBeGreaterThanOrEqual(1);
    await expectAccessible(page, 'the account page with our devices over time', { themes: ['light'] });
  });
  it('sets the retention in the account’s settings: Off asks first and deletes what was kept', async () => {
    // Still on the account's page, where the last test left recording on for 7 days.
    const main = page.getByRole('main');
    const settings = main.getByRole('region', { name: 'Presence history' });
    const own = main.getByRole('region', { name: 'Your devices over time' });
    await settings.getByText(/^Kept only on this computer for 7 days/).waitFor({ timeout: LIVE_TIMEOUT });
    // Chosen here only: our devices' timeline beside it has no choice of its own.
    expect(await own.getByLabel('Keep history').count()).toBe(0);
    const keep = settings.getByLabel('Keep history');
    expect(await keep.inputValue()).toBe('7');

    await keep.selectOption({ label: '90 days' });
    await settings.getByText(/^Kept only on this computer for 90 days/).waitFor();
    await expect.poll(() => own.getByRole('img').count(), { timeout: LIVE_TIMEOUT }).toBeGreaterThanOrEqual(1);

    // Off asks first; keeping it changes nothing.
    await keep.selectOption({ label: 'Off' });
    await settings.getByText('Stop recording for Home and delete the history kept of every contact?').waitFor();
    await expectAccessible(page, 'the account’s history setting asking before turning it off', { themes: ['light'] });
    await settings.getByRole('button', { name: 'Keep', exact: true }).click();
    expect(await keep.inputValue()).toBe('90');
    await settings.getByText(/^Kept only on this computer for 90 days/).waitFor();

    // Turned off: everything kept is deleted, our devices' timeline says so.
    await keep.selectOption({ label: 'Off' });
    await settings.getByRole('button', { name: 'Turn off' }).click();
    await settings.getByText('History is not recorded for this account.').waitFor();
    await own.getByText('History is not recorded for this account.').waitFor();
    expect(await own.getByRole('img').count()).toBe(0);

    // Bob's panel agrees: nothing kept, recording off.
    const bobRow = page.getByRole('tree').getByRole('treeitem', { name: /^Bob, / });
    await bobRow.dblclick();
    await history().getByText('History is not recorded for this account.').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await history().getByLabel('Keep history').inputValue()).toBe('0');

    // On again from the account's settings, for 30 days: from now.
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByRole('button', { name: 'Home, alice@localhost' })
      .click();
    await settings.getByLabel('Keep history').selectOption({ label: '30 days' });
    await settings.getByText(/^Kept only on this computer for 30 days/).waitFor();
    await expect.poll(() => own.getByRole('img').count(), { timeout: LIVE_TIMEOUT }).toBeGreaterThanOrEqual(1);
    await expectAccessible(page, 'the account page with its history setting', { themes: ['light'] });
  });
});
