/**
 * End to end: a cached roster with kept avatars (no server: the account is off), scrolled quickly
 * from top to bottom in Chromium. Rows that only pass by ask for no picture; the rows the scroll
 * stops at show theirs; the rows keep their names for the screen reader.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterItemView } from '../../src/shared/contract';
import { IdentitiesRepository } from '../../src/main/core/features/avatars/repo';
import { createLogger } from '../../src/main/core/log';
import { AVATAR_LIMITS } from '../../src/main/core/media/limits';
import { MediaStore } from '../../src/main/core/media/store';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { AccountsRepository } from '../../src/main/core/store/accounts-repo';
import { openDatabase } from '../../src/main/core/store/db';
import { RosterRepository } from '../../src/main/core/store/roster-repo';
import { BRIDGE_MEDIA_PATH } from '../../src/shared/media';
import { expectBuilt } from '../support/e2e';
import { png } from '../support/media-samples';
import { launchChromium, startWeb, type WebProcess } from '../support/web';

const CONTACTS = 600;

/** A data directory with one account (off), CONTACTS cached contacts, each with a kept avatar. */
async function seed(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-avatars-scroll-'));
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  new AccountsRepository(db).insert({
    id: 'a1',
    jid: 'me@example.invalid',
    host: null,
    port: null,
    label: 'Me',
    color: '#3a5bd9',
    enabled: false,
    resource: 'e2e',
  });
  const items: RosterItemView[] = Array.from({ length: CONTACTS }, (_, i) => ({
    accountId: 'a1',
    jid: `user${i}@example.org`,
    name: `Contact ${String(i).padStart(3, '0')}`,
    subscription: 'both',
    pendingOut: false,
    groups: [`Team ${i % 6}`],
  }));
  new RosterRepository(db).applySync('a1', items, [], 'v1', Date.now());
  const store = await MediaStore.open({ dir: path.join(dir, 'media', 'store'), log: createLogger(() => {}, 'warn') });
  const identities = new IdentitiesRepository(db);
  for (let i = 0; i < CONTACTS; i++) {
    const bytes = png(24 + (i % 24), 24 + (i % 24), { seed: i % 256 });
    expect((await store.ingest(bytes, 'sha1', AVATAR_LIMITS)).ok).toBe(true);
    const hash = createHash('sha1').update(bytes).digest('hex');
    identities.save({ accountId: 'a1', jid: `user${i}@example.org`, avatarHash: hash, source: 'pep', nick: null }, 0);
  }
  db.close();
  return dir;
}

describe('scrolling a roster with avatars', () => {
  let dir: string;
  let web: WebProcess;
  let browser: Browser;
  let page: Page;
  const pictureRequests: string[] = [];

  beforeAll(async () => {
    expectBuilt();
    dir = await seed();
    web = await startWeb(dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith(`${BRIDGE_MEDIA_PATH}/`)) pictureRequests.push(request.url());
    });
    await page.goto(web.url);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for no picture of the rows a fast scroll passes, and shows those where it stops', async () => {
    const tree = page.getByRole('tree');
    const pictures = tree.locator('[data-avatar] img');
    await pictures.first().waitFor();
    const atTop = pictureRequests.length;
    expect(atTop).toBeGreaterThan(0);

    // One screen per frame to the bottom, as a fling does: each row is in the DOM for a frame or two.
    const passed = (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[role="tree"]');
      const seen = new Set();
      const step = () => {
        for (const row of el.querySelectorAll('[role="treeitem"]')) seen.add(row.dataset.index);
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return resolve(seen.size);
        el.scrollTop += el.clientHeight;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`)) as number;
    expect(passed).toBe(CONTACTS + 6);

    // Where it stops, the pictures come.
    const last = tree.getByRole('treeitem', { name: /^Contact 599, / });
    await last.locator('[data-avatar] img').waitFor();
    // Far fewer pictures asked for than rows passed: those at the top and at the bottom, and a few
    // of rows a slow frame kept long enough on a loaded machine; every row passed would be 600.
    expect(pictureRequests.length).toBeLessThan(CONTACTS / 2);
  });
});
