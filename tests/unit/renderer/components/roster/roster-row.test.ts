/**
 * A roster contact row draws its presence dot, face, subscription badge and blocked mark itself (no
 * child components), and composes a face once per person: a scroll hands each row element a new
 * contact every frame.
 */
import { createPinia } from 'pinia';
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RosterItemView } from '../../../../../src/shared/contract';
import RosterContactRow from '../../../../../src/renderer/src/components/roster/RosterContactRow.vue';
import { faceOf } from '../../../../../src/renderer/src/components/roster/row-face';
import { colourFor, nameColoursOn } from '../../../../../src/renderer/src/lib/avatar';
import { entryKey, type RosterEntry } from '../../../../../src/renderer/src/lib/roster-model';

afterEach(() => {
  nameColoursOn.value = true;
});

// The rows' clock (useNow) ticks on the window's timer; no clock runs during a server render.
vi.stubGlobal('window', { setInterval: () => 0, clearInterval: () => undefined });

function entry(item: Partial<RosterItemView> = {}): RosterEntry {
  const full: RosterItemView = {
    accountId: 'acc',
    jid: 'alice@example.org',
    name: 'Alice Liddell',
    subscription: 'both',
    pendingOut: false,
    groups: ['Friends'],
    ...item,
  };
  return {
    key: entryKey(full.accountId, full.jid),
    item: full,
    display: full.name ?? full.jid,
    sortKey: (full.name ?? full.jid).toLowerCase(),
    groups: full.groups.length ? full.groups : [''],
  } as RosterEntry;
}

async function row(item: Partial<RosterItemView> = {}): Promise<string> {
  const app = createSSRApp({
    render: () => h(RosterContactRow as Component, { entry: entry(item), showAccount: false }),
  });
  app.use(createPinia());
  return renderToString(app);
}

describe('a roster row’s face', () => {
  it('is composed once per address and name: the same object comes back', () => {
    const face = faceOf('alice@example.org', 'Alice Liddell');
    expect(face).toMatchObject({ initials: 'AL', title: 'Alice Liddell' });
    expect(face.style['--avatar-bg']).toBe(colourFor('alice@example.org'));
    expect(faceOf('alice@example.org', 'Alice Liddell')).toBe(face);
    expect(faceOf('alice@example.org', 'Alice Liddell').style).toBe(face.style);
  });

  it('is composed again for a new name or when the name colours are turned off', () => {
    const face = faceOf('alice@example.org', 'Alice Liddell');
    expect(faceOf('alice@example.org', 'Bob').initials).toBe('B');
    nameColoursOn.value = false;
    const neutral = faceOf('alice@example.org', 'Alice Liddell');
    expect(neutral).not.toBe(face);
    expect(neutral.style['--avatar-bg']).toBe(colourFor('alice@example.org'));
    expect(neutral.style['--avatar-bg']).not.toBe(face.style['--avatar-bg']);
  });

  it('is kept for the last contacts seen only, not for every contact a scroll passed', () => {
    const face = faceOf('alice@example.org', 'Alice Liddell');
    for (let i = 0; i < 600; i++) faceOf(`user${i}@example.org`, `Contact ${i}`);
    const again = faceOf('alice@example.org', 'Alice Liddell');
    expect(again).not.toBe(face);
    expect(again).toEqual(face);
  });
});

describe('RosterContactRow', () => {
  it('draws the dot, the initials and the name, and no badge for a mutual subscription', async () => {
    const html = await row();
    expect(html).toMatch(
      /<span class="(presence-dot presence-offline|presence-offline presence-dot)" aria-hidden="true" title="Offline"><\/span>/,
    );
    expect(html).toMatch(/<span class="avatar avatar-small"[^>]*aria-hidden="true" data-avatar>/);
    expect(html).toContain('<span class="avatar-initials">AL</span>');
    expect(html).toContain('>Alice Liddell</span>');
    expect(html).toContain('>alice@example.org</span>');
    expect(html).not.toContain('sub-badge');
    expect(html).not.toContain('blocked-mark');
    expect(html).not.toContain('<img');
  });

  it('flags a subscription that is not mutual with its badge, named for screen readers', async () => {
    const html = await row({ subscription: 'to' });
    expect(html).toMatch(
      /<span class="sub-badge-to sub-badge" title="[^"]+" aria-label="Subscription: [^"]+">to<\/span>/,
    );
    const pending = await row({ subscription: 'none', pendingOut: true });
    expect(pending).toContain('sub-badge-pending');
    expect(pending).toContain('roster-contact-awaiting');
  });
});
