/**
 * End to end, in the built renderer: the composer's spell checking language per conversation. The
 * browser bridge has no spell checker to drive (only Electron's session has), so the page runs on a
 * stand-in core that answers the two spellcheck commands the way the real one does and records them.
 */
import path from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowserUi, expectBuilt, openBrowserUi, screenshotFailures, type BrowserUi } from '../support/e2e';
import { ROOT } from '../support/web';

// Runs in the page before its scripts: one account, two conversations, dictionaries for three languages.
const STAND_IN = `
  window.__jw = { calls: [], available: ['de-DE', 'en-US', 'fr'], chosen: { 'romeo@example.org': 'de-DE' } };
  const account = { id: 'acc', jid: 'me@example.org', host: null, port: null, label: 'Me', color: '#3a5bd9',
    enabled: true, password: 'session', pinnedCertificates: [], connection: { status: 'online', since: Date.now() } };
  const now = Date.now();
  const contact = (jid, name) => ({ accountId: 'acc', jid, name, subscription: 'both', pendingOut: false, groups: [] });
  const conversation = (jid) => ({ accountId: 'acc', conversation: jid, kind: 'chat', lastAt: now, lastBody: 'hi', unread: 0 });
  const snapshot = { seq: 1, accounts: [account], secretStorage: { encrypted: false, description: 'stand-in' },
    roster: [contact('romeo@example.org', 'Romeo'), contact('mercutio@example.org', 'Mercutio')],
    rosterSync: [{ accountId: 'acc', state: 'synced', version: null, syncedAt: now }],
    prefs: { rosterSort: 'availability', rosterHideOffline: false, rosterCollapsed: [], rosterView: 'all',
      closeToTray: false, startAtLogin: false, startHidden: false, idleEnabled: false, idleAwayMinutes: 5,
      idleXaMinutes: null },
    presence: [], ownPresence: { acc: { show: 'available', status: null, priority: 0, auto: false } }, recentStatuses: [],
    subscriptionRequests: [], subscriptionPolicies: [], subscriptionNotes: [], blockingAccounts: [],
    rooms: [], occupants: [], roomNotices: [], bookmarks: [], roomInvites: [],
    conversations: [conversation('romeo@example.org'), conversation('mercutio@example.org')] };
  const answer = (value) => Promise.resolve({ ok: true, value });
  window.jabberwock = {
    invoke: (command, input) => {
      if (command === 'app.snapshot') return answer(snapshot);
      if (command.startsWith('spellcheck.')) {
        window.__jw.calls.push([command, input]);
        if (command === 'spellcheck.setLanguage') window.__jw.chosen[input.conversation] = input.language;
        const language = window.__jw.chosen[input.conversation] ?? null;
        return answer({ available: window.__jw.available, language });
      }
      if (command === 'message.history') return answer([]);
      if (command === 'conversation.markRead' || command === 'chat.setState') return answer(null);
      return Promise.resolve({ ok: false, error: { code: 'internal', message: 'stand-in' } });
    },
    onEvents: () => () => {},
  };
`;

describe('spell checking language per conversation (built renderer, stand-in core)', () => {
  let ui: BrowserUi | undefined;
  let page: Page;

  beforeAll(async () => {
    expectBuilt();
    ui = await openBrowserUi({ prefix: 'jw-spell-', viewport: { width: 1280, height: 800 } });
    page = ui.page;
    await page.addInitScript({ content: STAND_IN });
    await page.goto(ui.web.url);
  });
  afterAll(() => closeBrowserUi(ui));
  screenshotFailures(() => ui);

  const calls = () => page.evaluate('window.__jw.calls') as Promise<[string, Record<string, unknown>][]>;
  const picker = () => page.getByRole('combobox', { name: 'Spell checking language' });
  const open = (name: string) => page.getByRole('button', { name, exact: true }).click();

  it("shows each conversation's language, puts it to use, and keeps a new choice", async () => {
    await open('Romeo');
    await expect.poll(() => picker().inputValue()).toBe('de-DE');
    const options = await picker().locator('option').allInnerTexts();
    expect(options).toEqual(['Default spelling', 'German (Germany)', 'English (United States)', 'French']);
    expect(await calls()).toContainEqual([
      'spellcheck.forConversation',
      { accountId: 'acc', conversation: 'romeo@example.org' },
    ]);

    await open('Mercutio');
    await expect.poll(() => picker().inputValue()).toBe('');
    await picker().selectOption('fr');
    await expect
      .poll(calls)
      .toContainEqual([
        'spellcheck.setLanguage',
        { accountId: 'acc', conversation: 'mercutio@example.org', language: 'fr' },
      ]);

    await open('Romeo');
    await expect.poll(() => picker().inputValue()).toBe('de-DE');
    await open('Mercutio');
    await expect.poll(() => picker().inputValue()).toBe('fr');
    await page.screenshot({ path: path.join(ROOT, 'out/screenshots/spellcheck.png') });
    await picker().selectOption('');
    await expect
      .poll(calls)
      .toContainEqual([
        'spellcheck.setLanguage',
        { accountId: 'acc', conversation: 'mercutio@example.org', language: null },
      ]);
    expect(ui!.cspViolations).toEqual([]);
  });

  it('offers no choice where the system picks the language', async () => {
    await page.evaluate('window.__jw.available = []');
    // The first test left Mercutio in front.
    for (const [name, jid] of [
      ['Romeo', 'romeo@example.org'],
      ['Mercutio', 'mercutio@example.org'],
    ]) {
      const before = (await calls()).length;
      await open(name);
      await page.getByRole('textbox', { name: `Message to ${name}` }).waitFor();
      await expect
        .poll(async () => (await calls()).slice(before))
        .toContainEqual(['spellcheck.forConversation', { accountId: 'acc', conversation: jid }]);
      await expect.poll(() => picker().count()).toBe(0);
    }
  });
});
