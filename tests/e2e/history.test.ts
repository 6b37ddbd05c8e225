/**
 * End to end: history that reaches back, in Chromium through the browser bridge, against the real
 * core and a real Prosody. A second client (slixmpp) wrote 160 messages of many lengths (rows laid
 * out by estimates until drawn) to Alice before her first sign-in, so her store holds only the
 * latest page: scrolling up pages older ones from the server's archive without moving what is on
 * screen, down to the start; a search result opens the conversation at its message, highlighted,
 * with the messages before it loaded.
 */
import { type Locator, type Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillArchive } from '../support/archive-filler';
import { LIVE_TIMEOUT, type BrowserUi } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-history' };
const BOB = { user: 'bob', password: 'bob-Pa55-history' };
const COUNT = 160;

describe('history that reaches back, in the browser UI', () => {
  let ui: BrowserUi;
  let page: Page;

  const main = (): Locator => page.getByRole('main');
  const sidebar = (): Locator => page.getByRole('navigation', { name: 'Accounts' });
  const messages = (): Locator => main().getByRole('region', { name: /^Messages with / });
  /** The row of the message "<body>." (the filler ends each number with a full stop). */
  const row = (body: string): Locator =>
    messages()
      .locator('[data-message-id]')
      .filter({ has: page.locator('.chat-body', { hasText: new RegExp(`${body}\\.`) }) });

  const live = useLiveUi({
    server: { users: [ALICE, BOB] },
    prefix: 'jabberwock-e2e-history-',
    viewport: { width: 1200, height: 800 },
    prepare: (prosody) =>
      // Bodies of many lengths: rows whose estimated heights miss, as real conversations have.
      fillArchive(prosody, BOB, { to: 'alice@localhost', type: 'chat', prefix: 'old', count: COUNT, wordy: true }),
    signIn: ALICE,
  });
  beforeAll(() => ({ ui, page } = live));

  it('scrolling up pages older messages from the archive, without a jump, down to the start', async () => {
    await sidebar().getByRole('button', { name: /^bob/ }).first().click({ timeout: LIVE_TIMEOUT });
    await row(`old ${COUNT}`).waitFor({ timeout: LIVE_TIMEOUT });
    // The first session stored the latest page only: the first messages are not here yet.
    expect(await row('old 1').count()).toBe(0);

    for (let round = 0; round < 40 && (await row('old 1').count()) === 0; round++) {
      const before = await messages().evaluate(async (el) => {
        el.scrollTop = 0;
        // After the view took the scroll in (its "jump to the latest" button shows).
        const frame = (globalThis as unknown as { requestAnimationFrame(callback: () => void): void })
          .requestAnimationFrame;
        await new Promise<void>((resolve) => frame(() => frame(resolve)));
        const top = [...el.querySelectorAll('[data-message-id]')].find(
          (r) => r.getBoundingClientRect().bottom > el.getBoundingClientRect().top + 40,
        );
        const text = top?.querySelector('.chat-body');
        // Marks the row's element: the same element must show it after the page arrived.
        if (top) (top as unknown as { kept?: boolean }).kept = true;
        return top && text ? { id: top.getAttribute('data-message-id')!, y: text.getBoundingClientRect().top } : null;
      });
      await page.waitForTimeout(300);
      if (!before) continue;
      // The text on screen stays where it was while older messages arrive above it, and its row is
      // never taken down and drawn again on the way (the new page's top drawn first, then replaced).
      const after = await messages().evaluate((el, id) => {
        const shown = el.querySelector(`[data-message-id="${id}"]`);
        const y = shown?.querySelector('.chat-body')?.getBoundingClientRect().top;
        return shown && y !== undefined ? { y, kept: (shown as unknown as { kept?: boolean }).kept === true } : null;
      }, before.id);
      if (after !== null) {
        expect(Math.abs(after.y - before.y)).toBeLessThan(2);
        expect(after.kept).toBe(true);
      }
    }
    await row('old 1').waitFor();
    await main()
      .getByText('Start of the conversation: the server keeps nothing older.')
      .waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('a search result opens the conversation at its message, highlighted, with what came before it', async () => {
    await sidebar()
      .getByRole('button', { name: /^Home, / })
      .click();
    const search = sidebar().getByRole('searchbox', { name: 'Search messages' });
    await search.fill('17');
    await search.press('Enter');
    const result = main().getByRole('button', { name: /old 17\.$/ });
    await result.waitFor({ timeout: LIVE_TIMEOUT });
    await result.click();
    const match = row('old 17');
    await match.waitFor({ timeout: LIVE_TIMEOUT });
    await eventually(async () => {
      expect(await match.isVisible()).toBe(true);
      expect(await messages().locator('.chat-row-match').count()).toBe(1);
    }, LIVE_TIMEOUT);
    expect(await messages().locator('.chat-row-match .chat-body').textContent()).toMatch(/old 17\./);
    // Context before it is loaded; the newest message is far below, out of view.
    expect(await row('old 14').count()).toBe(1);
    expect(await row(`old ${COUNT}`).count()).toBe(0);
    expect(ui.cspViolations).toEqual([]);
  });
});
