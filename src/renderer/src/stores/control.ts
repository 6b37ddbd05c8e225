/**
 * Control and discovery in the renderer: each account's block list (XEP-0191) as the core last sent
 * it, the XML console's recorded stanzas per account, and the `xmpp:` link waiting for its dialog.
 * Block lists live in a shallowRef triggered once per batch; the console keeps at most as many
 * entries per account as the core does.
 */
import { defineStore } from 'pinia';
import { ChangedRefs } from '../lib/changed-refs';
import { shallowRef, triggerRef } from 'vue';
import type { AppEvent, ConsoleEntryView, Snapshot, XmppUriResult } from '../../../shared/contract';
import { normalizeJid } from '../../../shared/jid';

/** Entries kept per account (the core's ring buffer holds as many). */
export const CONSOLE_KEEP = 2000;

export const useControlStore = defineStore('control', () => {
  /** Blocked addresses per account id; an account is absent until its list was fetched. */
  const blocklists = shallowRef(new Map<string, Set<string>>());
  /** Recorded stanzas per account id, oldest first. */
  const consoles = shallowRef(new Map<string, ConsoleEntryView[]>());
  /** An `xmpp:` link handed over and not shown yet. */
  const pendingLink = shallowRef<XmppUriResult | null>(null);

  /** The account's block list, sorted; null while unknown. */
  function blocklistOf(accountId: string): string[] | null {
    const list = blocklists.value.get(accountId);
    return list ? [...list].sort() : null;
  }

  /** Whether the address itself (or its whole domain) is on the account's block list. */
  function isBlocked(accountId: string, jid: string): boolean {
    const list = blocklists.value.get(accountId);
    if (!list || list.size === 0) return false;
    const bare = normalizeJid(jid) ?? jid;
    return list.has(bare) || list.has(bare.slice(bare.indexOf('@') + 1));
  }

  function consoleOf(accountId: string): ConsoleEntryView[] {
    return consoles.value.get(accountId) ?? [];
  }

  /** Replaces what the console shows (after recording started, or was cleared). */
  function setConsole(accountId: string, entries: ConsoleEntryView[]) {
    consoles.value.set(accountId, entries.slice(-CONSOLE_KEEP));
    triggerRef(consoles);
  }

  function takeLink(): XmppUriResult | null {
    const link = pendingLink.value;
    pendingLink.value = null;
    return link;
  }

  function showLink(link: XmppUriResult) {
    pendingLink.value = link;
  }

  function applySnapshot(snapshot: Snapshot) {
    blocklists.value = new Map((snapshot.blocklists ?? []).map((list) => [list.accountId, new Set(list.blocked)]));
    if (snapshot.xmppUri) pendingLink.value = snapshot.xmppUri;
  }

  function applyEvents(events: readonly AppEvent[]) {
    const changed = new ChangedRefs();
    for (const event of events) {
      switch (event.type) {
        case 'blocklist.changed':
          blocklists.value.set(event.accountId, new Set(event.blocked));
          changed.mark(blocklists);
          break;
        case 'console.entries': {
          const kept = [...consoleOf(event.accountId), ...event.entries];
          consoles.value.set(event.accountId, kept.length > CONSOLE_KEEP ? kept.slice(-CONSOLE_KEEP) : kept);
          changed.mark(consoles);
          break;
        }
        case 'ui.openXmppUri':
          pendingLink.value = event.result;
          break;
        case 'account.removed':
          changed.mark(blocklists, blocklists.value.delete(event.id));
          changed.mark(consoles, consoles.value.delete(event.id));
          break;
      }
    }
    changed.trigger();
  }

  return {
    blocklists,
    consoles,
    pendingLink,
    blocklistOf,
    isBlocked,
    consoleOf,
    setConsole,
    takeLink,
    showLink,
    applySnapshot,
    applyEvents,
  };
});
