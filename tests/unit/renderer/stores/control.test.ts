/**
 * The control store fed through the event pump: block lists from the snapshot and live changes
 * (a domain block covers its addresses), the console's entries bounded, an xmpp: link from the
 * snapshot or an event taken once, and an account's state gone with the account.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleEntryView } from '../../../../src/shared/contract';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { CONSOLE_KEEP, useControlStore } from '../../../../src/renderer/src/stores/control';
import { flush, pumpInto, snapshot } from '../fixtures';

const entry = (id: number): ConsoleEntryView => ({
  id,
  at: id,
  direction: 'in',
  text: `<message id="${id}"/>`,
  redacted: false,
  truncated: false,
});

function start(extra: Parameters<typeof snapshot>[0] = {}) {
  return pumpInto(snapshot(extra), { accounts: useAccountsStore(), app: useAppStore(), control: useControlStore() });
}

describe('control store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('knows each block list, from the snapshot and as it changes', async () => {
    const s = start({ blocklists: [{ accountId: 'a1', blocked: ['spam@evil.example', 'worse.example'] }] });
    await flush();
    expect(s.control.blocklistOf('a1')).toEqual(['spam@evil.example', 'worse.example']);
    expect(s.control.blocklistOf('a2')).toBeNull();
    expect(s.control.isBlocked('a1', 'Spam@Evil.example')).toBe(true);
    expect(s.control.isBlocked('a1', 'anyone@worse.example')).toBe(true);
    expect(s.control.isBlocked('a1', 'romeo@montague.example')).toBe(false);
    s.push({ events: [{ type: 'blocklist.changed', accountId: 'a1', blocked: [] }] });
    await flush();
    expect(s.control.isBlocked('a1', 'spam@evil.example')).toBe(false);
    s.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    await flush();
    expect(s.control.blocklistOf('a1')).toBeNull();
  });

  it('keeps the console’s newest entries only', async () => {
    const s = start();
    await flush();
    const many = Array.from({ length: CONSOLE_KEEP + 10 }, (_, i) => entry(i));
    s.push({ events: [{ type: 'console.entries', accountId: 'a1', entries: many }] });
    await flush();
    const kept = s.control.consoleOf('a1');
    expect(kept).toHaveLength(CONSOLE_KEEP);
    expect(kept[0].id).toBe(10);
  });

  it('takes an xmpp: link once, from the snapshot or an event', async () => {
    const link = { ok: false, reason: 'uri.scheme' } as const;
    const s = start({ xmppUri: link });
    await flush();
    expect(s.control.takeLink()).toEqual(link);
    expect(s.control.takeLink()).toBeNull();
    s.push({ events: [{ type: 'ui.openXmppUri', result: link }] });
    await flush();
    expect(s.control.pendingLink).toEqual(link);
  });
});
