/**
 * End to end: presence in Chromium, through the browser bridge, against the real core and a real
 * Prosody. Alice uses the UI. Bob is online from two devices, each a second real client (the core,
 * in this process); a helper client of Alice's sets up the mutual subscription and sees nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { ROOT } from '../support/web';
import { addAccountInUi, LIVE_TIMEOUT, openApp, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';
import { type SessionXmpp } from '../../src/main/core/accounts/client';

const ALICE = { user: 'alice', password: 'alice-Pa55-pr3sence' };
const BOB = { user: 'bob', password: 'bob-Pa55-pr3sence' };
const CAROL = { user: 'carol', password: 'carol-Pa55-pr3sence' };
const DAVE = { user: 'dave', password: 'dave-Pa55-pr3sence' };
const ERIN = { user: 'erin', password: 'erin-Pa55-pr3sence' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';

interface Client {
  messenger: Messenger;
  accountId: string;
  xmpp: SessionXmpp;
}

describe('presence in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  const clients: Client[] = [];
  let aliceHelper: Client;
  let bobDesk: Client;
  let bobPhone: Client;
  /** Goes offline once Alice's UI is online, to be "last seen". */
  let erinClient: Client;
  const log: string[] = [];
  const longTasks: [number, number][] = [];

  const tree = (): Locator => page.getByRole('tree');
  const bobRow = (): Locator => tree().getByRole('treeitem', { name: /^Bob, / });

  async function client(user: typeof ALICE, name: string): Promise<Client> {
    let xmpp: SessionXmpp | undefined;
    const messenger = await createMessenger({
      dataDir: ':memory:',
      secrets: createMemorySecretStore(),
      log: createLogger((level, scope, message) => log.push(`${name} ${level} ${scope}: ${message}`), 'info'),
      extraCa: prosody.caPem,
    });
    messenger.accounts.addLifecycleListener({ onOnline: (_id, online) => (xmpp = online.xmpp) });
    const added = await messenger.invoke('account.add', {
      jid: `${user.user}@localhost`,
      password: user.password,
      host: prosody.host,
      port: prosody.port,
    });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const accountId = (added.value as AccountView).id;
    await eventually(() => {
      expect(messenger.roster.syncView(accountId).state, `${name}:\n${log.join('\n')}`).toBe('synced');
      expect(xmpp).toBeDefined();
    }, 30_000);
    const made = { messenger, accountId, xmpp: xmpp! };
    clients.push(made);
    return made;
  }

  async function setPresence(
    who: Client,
    show: 'dnd' | 'away' | 'chat' | 'available',
    status: string,
    priority: number,
  ) {
    const result = await who.messenger.invoke('presence.set', { accountId: who.accountId, show, status, priority });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  }

  /** RFC 6121 §3: Alice's helper and the contact ask each other, each request answered by the other side. */
  async function subscribeBothWays(contact: Client, jid: string, name: string, groups: string[]) {
    const roster = await aliceHelper.messenger.invoke('roster.update', {
      accountId: aliceHelper.accountId,
      jid,
      name,
      groups,
    });
    expect(roster.ok, JSON.stringify(roster)).toBe(true);
    await aliceHelper.xmpp.send(xml('presence', { to: jid, type: 'subscribe' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await contact.xmpp.send(xml('presence', { to: ALICE_JID, type: 'subscribed' }));
    await contact.xmpp.send(xml('presence', { to: ALICE_JID, type: 'subscribe' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await aliceHelper.xmpp.send(xml('presence', { to: jid, type: 'subscribed' }));
    await eventually(() => {
      const item = aliceHelper.messenger.roster
        .items()
        .find((i) => i.accountId === aliceHelper.accountId && i.jid === jid);
      expect(item?.subscription).toBe('both');
    });
  }

  const live = useLiveUi({
    server: { users: [ALICE, BOB, CAROL, DAVE, ERIN] },
    prefix: 'jabberwock-e2e-presence-',
    viewport: { width: 1200, height: 760 },
    prepare: async (server) => {
      // client() reaches the server through the suite's variable.
      prosody = server;
      aliceHelper = await client(ALICE, 'alice-helper');
      bobDesk = await client(BOB, 'bob-desk');
      bobPhone = await client(BOB, 'bob-phone');
      await subscribeBothWays(bobDesk, BOB_JID, 'Bob', ['Friends']);
      // Colleagues, for a roster with some life in it (and the screenshot).
      const carol = await client(CAROL, 'carol');
      const dave = await client(DAVE, 'dave');
      const erin = await client(ERIN, 'erin');
      await subscribeBothWays(carol, 'carol@localhost', 'Carol', ['Work']);
      await subscribeBothWays(dave, 'dave@localhost', 'Dave', ['Work']);
      await subscribeBothWays(erin, 'erin@localhost', 'Erin', ['Work']);
      await setPresence(carol, 'chat', 'Reviewing pull requests', 0);
      await setPresence(dave, 'away', 'Back in 10 minutes', 0);
      await setPresence(erin, 'available', 'Signing off', 0);
      erinClient = erin;
      // The helper must not count as one of Alice's devices in what Bob sees: it goes offline.
      await aliceHelper.messenger.invoke('presence.set', { accountId: aliceHelper.accountId, show: 'offline' });
      await setPresence(bobDesk, 'dnd', 'In a meeting', 5);
      await setPresence(bobPhone, 'away', 'On the train', 10);
    },
    preparePage: async (page) => {
      // Long tasks on the page, with when they started (ms after navigation), reported at the end.
      await page.exposeFunction('__jwLongTask', (start: number, ms: number) => longTasks.push([start, ms]));
      // A string: it runs in the page, where the DOM types live (this file type-checks without them).
      await page.addInitScript({
        content: `new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__jwLongTask(entry.startTime, entry.duration);
      }).observe({ type: 'longtask', buffered: true });`,
      });
    },
    stop: async () => {
      for (const c of clients) await c.messenger.close();
    },
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('shows a contact’s two devices with status and priority, and which one gets messages', async () => {
    await openApp(page, ui.web.url);
    await addAccountInUi(page, prosody, { jid: ALICE_JID, password: ALICE.password, label: 'Home', remember: true });

    // The row: the aggregate (dnd beats away), its status, and two devices.
    await tree()
      .getByRole('treeitem', { name: 'Bob, do not disturb, In a meeting, 2 devices' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await tree().getByRole('treeitem', { name: 'Friends, 1 of 1 online' }).waitFor();
    await bobRow().dblclick();
    const panel = page.getByRole('main');
    await panel.getByRole('heading', { name: 'Bob' }).waitFor();
    const devices = panel.getByRole('list', { name: 'Devices' }).getByRole('listitem');
    await expect.poll(() => devices.count()).toBe(2);
    // Most available first: the desk (dnd), then the phone (away, priority 10) which gets the messages.
    await expect.poll(() => devices.nth(0).innerText()).toMatch(/Do not disturb[\s\S]*In a meeting[\s\S]*Priority 5/);
    await expect.poll(() => devices.nth(1).innerText()).toMatch(/Away[\s\S]*On the train[\s\S]*Priority 10/);
    expect(await devices.nth(1).innerText()).toContain(`Receives messages sent to ${BOB_JID}`);
    expect(await devices.nth(0).innerText()).not.toContain('Receives messages');

    // A change on one device shows live: the phone lowers its priority below the desk's.
    await setPresence(bobPhone, 'away', 'On the train', 1);
    await expect.poll(() => devices.nth(1).innerText()).toMatch(/Priority 1\b/);
    await expect.poll(() => devices.nth(0).innerText()).toContain('Receives messages sent to');

    const shot = path.join(ROOT, 'out/screenshots/presence.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/presence-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('sets status from the picker (keyboard) and the contact receives it', async () => {
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('Control+Shift+S');
    const picker = page.getByRole('dialog', { name: 'Set your status' });
    await picker.waitFor();
    await picker.getByLabel('Away', { exact: true }).check();
    await picker.getByLabel(/Status message/).fill('Out for lunch');
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/presence-picker.png') });
    await picker.getByRole('button', { name: 'Set status' }).click();
    await picker.waitFor({ state: 'detached' });

    // Bob's desk sees Alice away with that text.
    await eventually(() => {
      const view = bobDesk.messenger.presence.contactView(bobDesk.accountId, ALICE_JID);
      expect(view.resources.map((r) => [r.show, r.status])).toContainEqual(['away', 'Out for lunch']);
    }, LIVE_TIMEOUT);
    // The sidebar says so too.
    await page.getByRole('button', { name: /^Your status: Away, Out for lunch\. Change status$/ }).waitFor();

    // Changing only the text keeps the show; the recent status is offered.
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByRole('listitem')
      .filter({ hasText: 'alice@localhost' })
      .getByRole('button', { name: /^Status: Away/ })
      .click();
    const perAccount = page.getByRole('dialog', { name: 'Set your status' });
    await perAccount
      .getByRole('group', { name: 'Recent status messages' })
      .getByRole('button', { name: 'Out for lunch' })
      .waitFor();
    await perAccount.getByLabel(/Status message/).fill('Back at 2');
    await perAccount.getByLabel('Priority').fill('200');
    await perAccount.getByRole('button', { name: 'Set status' }).click();
    await perAccount.getByText('The priority is a whole number from −128 to 127.').waitFor();
    await perAccount.getByLabel('Priority').fill('3');
    await perAccount.getByRole('button', { name: 'Set status' }).click();
    await perAccount.waitFor({ state: 'detached' });
    await eventually(() => {
      const view = bobDesk.messenger.presence.contactView(bobDesk.accountId, ALICE_JID);
      expect(view.resources.map((r) => [r.show, r.status, r.priority])).toContainEqual(['away', 'Back at 2', 3]);
    }, LIVE_TIMEOUT);
    await page.getByRole('button', { name: /^Your status: Away, Back at 2\. Change status$/ }).waitFor();
    await tree().getByRole('treeitem', { name: 'Work, 3 of 3 online' }).waitFor();
    await erinClient.messenger.invoke('account.setEnabled', { id: erinClient.accountId, enabled: false });
    await tree()
      .getByRole('treeitem', { name: /^Erin, offline, last seen just now/ })
      .waitFor();
    await tree().getByRole('treeitem', { name: 'Work, 2 of 3 online' }).waitFor();
    await expect.poll(() => page.locator('.roster-group-count').allInnerTexts()).toEqual(['1/1', '2/3']);
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/presence-overview.png') });
  });

  it('shows when the contact was last seen after it goes offline', async () => {
    await bobPhone.messenger.invoke('account.setEnabled', { id: bobPhone.accountId, enabled: false });
    await tree()
      .getByRole('treeitem', { name: 'Bob, do not disturb, In a meeting' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await bobDesk.messenger.invoke('account.setEnabled', { id: bobDesk.accountId, enabled: false });
    await bobRow()
      .filter({ hasText: /last seen just now/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    expect(await bobRow().getAttribute('aria-label')).toMatch(/^Bob, offline, last seen just now/);
    const panel = page.getByRole('main');
    await panel.getByText(/^Last seen just now/).waitFor();
    await tree().getByRole('treeitem', { name: 'Friends, 0 of 1 online' }).waitFor();
  });

  it('keeps idle, tray and start-at-login settings, refusing nonsense in the dialog', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Away after (minutes)', { exact: true }).fill('0');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByText('A whole number of minutes from 1 to 240.').waitFor();
    await settings.getByLabel('Away after (minutes)', { exact: true }).fill('12');
    await settings.getByLabel(/keeps Jabberwock running in the tray/).check();
    // Starting hidden is a choice only for a start at login.
    expect(await settings.getByLabel('Start hidden in the tray').isDisabled()).toBe(true);
    await settings.getByLabel('Start Jabberwock when I log in').check();
    await settings.getByLabel('Start hidden in the tray').check();
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    // Reopened after a reload: what the core kept.
    await page.reload();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect.poll(() => settings.getByLabel('Away after (minutes)', { exact: true }).inputValue()).toBe('12');
    expect(await settings.getByLabel(/keeps Jabberwock running in the tray/).isChecked()).toBe(true);
    expect(await settings.getByLabel('Start Jabberwock when I log in').isChecked()).toBe(true);
    expect(await settings.getByLabel('Start hidden in the tray').isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
  });

  it('sends directed presence to a contact who does not see ours, and stops', async () => {
    const added = await aliceHelper.messenger.invoke('roster.update', {
      accountId: aliceHelper.accountId,
      jid: 'frank@localhost',
      name: 'Frank',
      groups: ['Work'],
    });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const frank = tree().getByRole('treeitem', { name: /^Frank, offline, / });
    await frank.waitFor({ timeout: LIVE_TIMEOUT });
    await frank.dblclick();
    const panel = page.getByRole('main');
    await panel.getByText('You don’t see their status.').waitFor();
    await panel.getByRole('button', { name: 'Send my presence to frank@localhost' }).click();
    await panel.getByRole('button', { name: 'Stop sending my presence' }).waitFor({ timeout: LIVE_TIMEOUT });
    await panel.getByText('They receive your presence directly (until you go offline).').waitFor();
    await panel.getByRole('button', { name: 'Stop sending my presence' }).click();
    await panel.getByRole('button', { name: 'Send my presence to frank@localhost' }).waitFor({ timeout: LIVE_TIMEOUT });
    // Bob's contact panel has no such action: he sees Alice's presence through the subscription.
    await bobRow().click();
    await panel.getByRole('heading', { name: 'Bob' }).waitFor();
    expect(await panel.getByRole('button', { name: /Send my presence/ }).count()).toBe(0);
  });

  it('ran without Content-Security-Policy violations (long tasks are reported, not asserted)', () => {
    expect(ui.cspViolations).toEqual([]);
    // Reported, not asserted as timing: the budget is checked by the bench.
    const list = longTasks.map(([start, ms]) => `${Math.round(ms)} ms at ${Math.round(start)} ms`);
    console.info(`long tasks: ${longTasks.length} (${list.join(', ')})`);
  });
});
