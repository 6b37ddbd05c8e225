/**
 * End to end: the roster UI in Chromium, through the browser bridge, against the real core and a
 * real Prosody, with two accounts. A second client of the same accounts (the core, in this process)
 * puts contacts on the server and confirms each edit made in the UI from the server's pushes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, RosterItemView } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { ROOT, startWeb } from '../support/web';
import { addAccountInUi, LIVE_TIMEOUT, openApp, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { type ProsodyServer } from '../support/prosody';
import xml from '@xmpp/xml';
import { newReport } from '../../src/main/core/features/roster/items';
import { eventually } from '../support/wait';
import { NS_ROSTER } from '../../src/main/core/xmpp/ns';
import { type SessionXmpp } from '../../src/main/core/accounts/client';

const ALICE = { user: 'alice', password: 'alice-Pa55-r0st3r' };
const BOB = { user: 'bob', password: 'bob-Pa55-r0st3r' };

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A sorted copy (server order of groups is not ours to assume). */
function sorted(list: readonly string[] | undefined): string[] {
  return [...(list ?? [])].sort();
}

describe('roster in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  /** The second client: the same two accounts, another resource each. */
  let other: Messenger;
  const otherIds: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
  const otherLog: string[] = [];

  const tree = (): Locator => page.getByRole('tree');
  /** A row by its accessible name: exact for strings (group headers read "Work, 0 of 3 online"). */
  const row = (name: string | RegExp): Locator =>
    tree().getByRole('treeitem', typeof name === 'string' ? { name, exact: true } : { name });
  /** A contact row: "<name>, offline, [subscription in words, ]account <label>". */
  const contact = (name: string, account?: string): Locator =>
    row(new RegExp(`^${escape(name)}, offline, ${account ? `(.*, )?account ${escape(account)}$` : ''}`));
  const serverItem = (who: 'alice' | 'bob', jid: string): RosterItemView | undefined =>
    other.roster.items().find((item) => item.accountId === otherIds[who] && item.jid === jid);
  /** The second client's streams, to read the roster from the server afresh. */
  const otherXmpp = new Map<string, SessionXmpp>();

  /** One item as the server has it now, fetched with a new roster request: { name, groups } or undefined. */
  async function fetchFromServer(who: 'alice' | 'bob', jid: string) {
    const query = await otherXmpp.get(otherIds[who])!.iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
    // The core's stream layer hands a roster result's items to the roster service as they arrive.
    const item = other.roster.readQuery(otherIds[who], query, newReport()).get(jid);
    if (!item) return undefined;
    return { name: item.name, groups: sorted(item.groups) };
  }

  async function otherAccount(user: typeof ALICE): Promise<string> {
    const added = await other.invoke('account.add', {
      jid: `${user.user}@localhost`,
      password: user.password,
      host: prosody.host,
      port: prosody.port,
    });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const id = (added.value as AccountView).id;
    await eventually(
      () => expect(other.accounts.list().find((a) => a.id === id)?.connection.status).toBe('online'),
      20_000,
    );
    await eventually(
      () => expect(other.roster.syncView(id).state, `second client:\n${otherLog.join('\n')}`).toBe('synced'),
      30_000,
    );
    return id;
  }

  async function setOnServer(who: 'alice' | 'bob', jid: string, name: string | null, groups: string[]) {
    const result = await other.invoke('roster.update', { accountId: otherIds[who], jid, name, groups });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    await eventually(() => {
      expect(serverItem(who, jid)?.name ?? null).toBe(name);
      expect(sorted(serverItem(who, jid)?.groups)).toEqual(sorted(groups));
    });
  }

  const addAccount = (jid: string, password: string, label: string) =>
    addAccountInUi(page, prosody, { jid, password, label, remember: true });

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-roster-',
    viewport: { width: 1200, height: 720 },
    prepare: async (server) => {
      // otherAccount() reaches the server through the suite's variable.
      prosody = server;
      other = await createMessenger({
        dataDir: ':memory:',
        secrets: createMemorySecretStore(),
        // Kept quiet, but at hand when the second client misbehaves.
        log: createLogger((level, scope, message) => otherLog.push(`${level} ${scope}: ${message}`), 'info'),
        extraCa: prosody.caPem,
      });
      other.accounts.addLifecycleListener({ onOnline: (id, online) => otherXmpp.set(id, online.xmpp) });
      otherIds.alice = await otherAccount(ALICE);
      otherIds.bob = await otherAccount(BOB);
      // Alice: Carol in two groups, Dave at work, Erin in no group. Bob: his own Carol, and Alice.
      await setOnServer('alice', 'carol@example.org', 'Carol', ['Friends', 'Work']);
      await setOnServer('alice', 'dave@example.org', 'Dave', ['Work']);
      await setOnServer('alice', 'erin@example.org', null, []);
      await setOnServer('bob', 'carol@example.org', 'Carol', ['Friends']);
      await setOnServer('bob', 'alice@localhost', 'Alice', ['Work']);
    },
    stop: async () => other?.close(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('shows both accounts’ contacts grouped, with counts, the same JID twice labelled by account', async () => {
    await openApp(page, ui.web.url);
    await addAccount('alice@localhost', ALICE.password, 'Home');
    await addAccount('bob@localhost', BOB.password, 'Office');

    // Unified view: Friends holds Alice's Carol and Bob's Carol; Work holds Carol, Dave and Bob's Alice.
    await row('Friends, 0 of 2 online').waitFor({ timeout: LIVE_TIMEOUT });
    await row('Work, 0 of 3 online').waitFor();
    await row('Contacts, 0 of 1 online').waitFor();
    await contact('Carol', 'Home').first().waitFor();
    await contact('Carol', 'Office').first().waitFor();
    // Carol of Home is in two groups: two rows.
    expect(await contact('Carol', 'Home').count()).toBe(2);
    await contact('erin', 'Home').waitFor();
    await expect.poll(() => page.locator('.roster-unsynced').count(), { timeout: LIVE_TIMEOUT }).toBe(0);

    // One click (or Ctrl+1) for one account's view.
    await page.getByRole('tab', { name: /^Home/ }).click();
    await row('Friends, 0 of 1 online').waitFor();
    await row('Work, 0 of 2 online').waitFor();
    expect(await row(/account /).count()).toBe(0);
    await page.keyboard.press('Control+0');
    await row('Friends, 0 of 2 online').waitFor();

    // Pictures for people (light, and dark for a theme check), with a contact's details open.
    await contact('Carol', 'Home').first().click();
    await page.getByRole('main').getByRole('heading', { name: 'Carol' }).waitFor();
    const shot = path.join(ROOT, 'out/screenshots/roster.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/roster-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    if (process.env.UPDATE_SCREENSHOT === '1') fs.copyFileSync(shot, path.join(ROOT, 'docs/screenshot.png'));
  });

  it('filters by name, address or group, and collapses a group across a reload', async () => {
    const filter = page.getByLabel('Filter contacts by name, address or group');
    await filter.fill('DAVE');
    await contact('Dave').waitFor();
    await expect.poll(() => tree().getByRole('treeitem').count()).toBe(2); // Work + Dave
    await filter.fill('friends');
    await row('Friends, 0 of 2 online').waitFor();
    await expect.poll(() => tree().getByRole('treeitem').count()).toBe(3);
    await filter.fill('');
    await row('Work, 0 of 3 online').waitFor();

    // Everyone is offline (presence comes later): "online only" leaves nothing, and says so.
    await page.getByRole('button', { name: 'Online only' }).click();
    await page.getByText('No one is online right now.').waitFor();
    expect(await tree().isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Show offline contacts' }).click();
    await row('Work, 0 of 3 online').waitFor();
    expect(await page.getByRole('button', { name: 'Online only' }).getAttribute('aria-pressed')).toBe('false');

    const work = row('Work, 0 of 3 online');
    await work.click();
    await expect.poll(() => work.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => row(/^Dave/).count()).toBe(0);
    await page.reload();
    await row('Work, 0 of 3 online').waitFor();
    expect(await row('Work, 0 of 3 online').getAttribute('aria-expanded')).toBe('false');
    expect(await row(/^Dave/).count()).toBe(0);
    // Keyboard: Enter on the focused header expands it again.
    await tree().focus();
    await page.keyboard.press('Home');
    const workId = await row('Work, 0 of 3 online').getAttribute('id');
    for (let i = 0; i < 20 && (await tree().getAttribute('aria-activedescendant')) !== workId; i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await contact('Dave', 'Home').waitFor();
  });

  it('renames a contact through the UI, confirmed by the server', async () => {
    await contact('Carol', 'Home').first().click();
    await page.getByRole('main').getByRole('button', { name: 'Rename…' }).click();
    const d = page.getByRole('dialog', { name: 'Rename Carol' });
    await d.getByLabel('Name', { exact: true }).fill('Caroline');
    await d.getByRole('button', { name: 'Rename' }).click();
    await d.waitFor({ state: 'detached' });
    await eventually(() => expect(serverItem('alice', 'carol@example.org')?.name).toBe('Caroline'));
    expect(await fetchFromServer('alice', 'carol@example.org')).toEqual({
      name: 'Caroline',
      groups: ['Friends', 'Work'],
    });
    await contact('Caroline', 'Home').first().waitFor();
    // Bob's Carol is another contact: unchanged.
    await contact('Carol', 'Office').waitFor();
  });

  it('moves a contact to another group (a new one) through the UI, confirmed by the server', async () => {
    await contact('Dave', 'Home').click();
    await page.getByRole('main').getByRole('button', { name: 'Groups…' }).click();
    const d = page.getByRole('dialog', { name: 'Groups of Dave' });
    await d.getByRole('checkbox', { name: 'Work' }).uncheck();
    await d.getByLabel('New group').fill('Clients');
    await d.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await d.getByRole('checkbox', { name: 'Clients' }).isChecked()).toBe(true);
    await d.getByRole('button', { name: 'Save groups' }).click();
    await d.waitFor({ state: 'detached' });
    await eventually(() => expect(serverItem('alice', 'dave@example.org')?.groups).toEqual(['Clients']));
    expect(await fetchFromServer('alice', 'dave@example.org')).toEqual({ name: 'Dave', groups: ['Clients'] });
    await row('Clients, 0 of 1 online').waitFor();
    await row('Work, 0 of 2 online').waitFor();
  });

  it('renames a group in every account that has it, confirmed by the server', async () => {
    await row('Friends, 0 of 2 online').hover();
    await page.getByRole('button', { name: 'Rename group Friends' }).click();
    const d = page.getByRole('dialog', { name: 'Rename group Friends' });
    await d.getByText(/renamed in 2 accounts/).waitFor();
    await d.getByLabel('New name').fill('Pals');
    await d.getByRole('button', { name: 'Rename group' }).click();
    await d.waitFor({ state: 'detached' });
    await eventually(() => {
      expect(sorted(serverItem('alice', 'carol@example.org')?.groups)).toEqual(['Pals', 'Work']);
      expect(serverItem('bob', 'carol@example.org')?.groups).toEqual(['Pals']);
    });
    expect((await fetchFromServer('alice', 'carol@example.org'))?.groups).toEqual(['Pals', 'Work']);
    expect((await fetchFromServer('bob', 'carol@example.org'))?.groups).toEqual(['Pals']);
    await row('Pals, 0 of 2 online').waitFor();
    expect(await row(/^Friends/).count()).toBe(0);
  });

  it('removes a contact after confirmation, confirmed by the server', async () => {
    await contact('erin', 'Home').click();
    await page.keyboard.press('Delete');
    const d = page.getByRole('dialog', { name: 'Remove erin?' });
    await d.getByRole('button', { name: 'Remove contact' }).click();
    await d.waitFor({ state: 'detached' });
    await eventually(() => expect(serverItem('alice', 'erin@example.org')).toBeUndefined());
    expect(await fetchFromServer('alice', 'erin@example.org')).toBeUndefined();
    await row(/^erin/).waitFor({ state: 'detached' });
    await row(/^Contacts,/).waitFor({ state: 'detached' });
  });

  it('shows edits made by another client live', async () => {
    await setOnServer('bob', 'carol@example.org', 'Carol (Bob)', ['Pals', 'Chess']);
    await contact('Carol (Bob)', 'Office').first().waitFor();
    await row('Chess, 0 of 1 online').waitFor();
  });

  it('shows hostile names as text, cut to fit, isolated from the text around them', async () => {
    // The longest name the contract allows, right-to-left, with markup and a bidi override in it.
    const name = `<img src=x onerror="window.__pwned=1">\u202E${'ש'.repeat(1100)}`.slice(0, 1024);
    await setOnServer('bob', 'mallory@example.org', name, ['\u202Etxet<b>', 'Pals']);
    const rowName = tree().locator('.roster-contact-name', { hasText: '<img src=x' }).first();
    await rowName.waitFor();
    // A string: evaluated in the page, where the DOM types live (this file type-checks without them).
    const shown = (await page.evaluate(`(() => {
      const el = [...document.querySelectorAll('.roster-contact-name')].find((e) => e.textContent.includes('<img src=x'));
      return {
        text: el.textContent ?? '',
        title: el.getAttribute('title') ?? '',
        dir: el.getAttribute('dir'),
        rowHeight: el.closest('[role="treeitem"]').getBoundingClientRect().height,
        overflow: getComputedStyle(el).textOverflow,
        images: document.querySelectorAll('[role="tree"] img').length,
      };
    })()`)) as { text: string; title: string; dir: string | null; rowHeight: number; overflow: string; images: number };
    expect(shown.text.length).toBeLessThanOrEqual(257);
    expect(shown.text.endsWith('…')).toBe(true);
    expect(shown.title.length).toBeLessThanOrEqual(513);
    expect(shown.dir).toBe('auto');
    expect(shown.rowHeight).toBe(40);
    expect(shown.overflow).toBe('ellipsis');
    expect(shown.images).toBe(0);
    expect(await page.evaluate('window.__pwned ?? null')).toBeNull();
    await row(/^\u202Etxet<b>, 0 of 1 online$/).waitFor();
  });

  it('shows a refused edit in the dialog where it was made, and changes nothing', async () => {
    const office = page.getByRole('navigation', { name: 'Accounts' }).getByRole('switch', { name: 'Connect Office' });
    await office.uncheck();
    await page.getByRole('navigation', { name: 'Accounts' }).getByText('Offline', { exact: true }).waitFor();
    await contact('Carol (Bob)', 'Office').first().click();
    await page.keyboard.press('F2');
    const d = page.getByRole('dialog', { name: 'Rename Carol (Bob)' });
    await d.getByLabel('Name', { exact: true }).fill('Nope');
    await d.getByRole('button', { name: 'Rename' }).click();
    await d.getByRole('alert').getByText('This account is not connected; connect it to change the roster.').waitFor();
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    expect(serverItem('bob', 'carol@example.org')?.name).toBe('Carol (Bob)');
    await contact('Carol (Bob)', 'Office').first().waitFor();
    await office.check();
    await page.locator('.roster-unsynced').waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
  });

  it('after a restart with the server down, shows the cached roster marked not synced', async () => {
    expect(await ui.web.stop()).toBe(0);
    await prosody.halt();
    try {
      ui.web = await startWeb(ui.dataDir, prosody.caFile);
      await openApp(page, ui.web.url);
      await row('Pals, 0 of 3 online').waitFor();
      await contact('Caroline', 'Home').first().waitFor();
      await row('Clients, 0 of 1 online').waitFor();
      await page.getByText(/^Not yet synced: Home and Office$/).waitFor();
      await page.getByRole('tab', { name: /^Home — not yet synced/ }).waitFor();
    } finally {
      await prosody.start();
    }
    // Back online: synced again.
    await page.locator('.roster-unsynced').waitFor({ state: 'detached', timeout: 60_000 });
  }, 120_000);

  it('ran without Content-Security-Policy violations', () => {
    expect(ui.cspViolations).toEqual([]);
  });
});
