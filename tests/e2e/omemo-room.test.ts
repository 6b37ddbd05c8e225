/**
 * End to end: the lock in a room's header, in Chromium through the browser bridge against the real
 * core and Prosody. A room Alice creates with Prosody's defaults is open to anyone, so its messages
 * cannot be encrypted: the lock is off, cannot be turned on, and says why in words.
 */
import type { Locator, Page } from 'playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_TIMEOUT } from '../support/e2e';
import { useLiveUi } from '../support/live-ui';

const ALICE = { user: 'alice', password: 'alice-Pa55-omemo-room' };
const ROOM = 'open-tea@conference.localhost';

describe('the lock in a room header', () => {
  let page: Page;
  const live = useLiveUi({
    server: { users: [ALICE] },
    prefix: 'jabberwock-e2e-omemo-room-',
    signIn: ALICE,
  });
  beforeAll(() => ({ page } = live));

  const main = (): Locator => page.getByRole('main');

  it('is off and disabled in a room that is not members-only, with the reason in words', async () => {
    const sidebar = page.getByRole('navigation', { name: 'Accounts' });
    await sidebar.getByRole('button', { name: 'Join a room' }).click();
    const dialog = page.getByRole('dialog', { name: 'Join a room' });
    await dialog.getByLabel('Room address').fill(ROOM);
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

    const header = main().locator('.muc-room-header');
    const lock = header.getByRole('switch');
    const reason = 'Encryption is off: this room is open to anyone, not members-only.';
    await header.getByText(reason).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await lock.getAttribute('aria-checked')).toBe('false');
    expect(await lock.isDisabled()).toBe(true);
    // The switch is described by the reason, so a screen reader says why it cannot be turned on.
    const describedBy = await lock.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(reason);
  });
});
