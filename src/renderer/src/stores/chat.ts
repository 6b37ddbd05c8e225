/**
 * Conversations and messages: the conversation list with unread counts (per
 * conversation, per account, overall), the loaded history of the conversations on screen (a page
 * from message.history, older pages as the user scrolls back), live `message` events merged by id
 * (state changes and corrections replace the row), what the other side is typing (composing expires
 * after TYPING_EXPIRY_MS without news), archive catch-up progress per account, and the conversation
 * a notification asked to open. Maps live in shallowRefs triggered once per batch. Each loaded page
 * is its own shallowReactive object: a message, a status change or an older page triggers the views
 * of that conversation only (on the property that changed), never the map; its messages are a raw
 * chunked list (never deeply reactive, message-chunks.ts) changed in place, with `version` bumped
 * once per change: an older page adds a chunk of its own size, nothing the size of the conversation.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowReactive, shallowRef, triggerRef } from 'vue';
import type {
  AppEvent,
  ChatState,
  ConversationKind,
  ConversationView,
  MessageView,
  Snapshot,
} from '../../../shared/contract';
import type { Transport } from '../api/types';
import { errorText } from '../lib/words/errors';
import { entryKey } from '../lib/roster-model';
import { MessageChunks } from './message-chunks';

export { findById, mergeMessages, upsertMessage } from './message-chunks';

/** Messages per history request. */
export const PAGE_SIZE = 100;
/** A 'composing' (or 'paused') the other side never ended stops showing after this long. */
export const TYPING_EXPIRY_MS = 30_000;
/** Conversations whose loaded history is kept; the least recently opened is dropped beyond this. */
export const PAGES_KEPT = 8;

export interface ConversationRef {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
}

export interface MessagePage {
  key: string;
  accountId: string;
  conversation: string;
  /** Ordered by local id (the conversation's order; pages from the archive below), oldest first. Raw: changed in place
   * (with `version` bumped); a page merged in is a chunk of its own. */
  messages: MessageChunks;
  /** The core may hold messages older than the first one here. */
  hasOlder: boolean;
  loading: boolean;
  /** The first (latest) page has arrived. */
  loaded: boolean;
  error: string | null;
  /** Bumped on every change to `messages`, for views that read the array in place. */
  version: number;
}

export interface TypingView {
  from: string;
  state: 'composing' | 'paused';
  until: number;
}

export interface ArchiveSyncView {
  state: 'syncing' | 'done' | 'failed';
  fetched: number;
}

export function conversationKey(accountId: string, conversation: string): string {
  return entryKey(accountId, conversation);
}

/** Conversations most recent first; ties by key so the order is stable. */
export function compareConversations(a: ConversationView, b: ConversationView): number {
  if (a.lastAt !== b.lastAt) return b.lastAt - a.lastAt;
  const ka = conversationKey(a.accountId, a.conversation);
  const kb = conversationKey(b.accountId, b.conversation);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export const useChatStore = defineStore('chat', () => {
  /** By conversationKey(accountId, conversation). */
  const conversations = shallowRef(new Map<string, ConversationView>());
  /** Loaded history by conversationKey, least recently opened first. */
  const pages = shallowRef(new Map<string, MessagePage>());
  /** Who is typing, by conversationKey (several in a room). */
  const typing = shallowRef(new Map<string, TypingView[]>());
  /** Archive catch-up by account id. */
  const archive = shallowRef(new Map<string, ArchiveSyncView>());
  /** The last conversation a notification asked to show; `n` tells repeated requests apart. */
  const openRequest = ref<(ConversationRef & { n: number }) | null>(null);
  let requests = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const sorted = computed(() => [...conversations.value.values()].sort(compareConversations));
  const unreadByAccount = computed(() => {
    const out = new Map<string, number>();
    for (const c of conversations.value.values()) {
      if (c.unread > 0) out.set(c.accountId, (out.get(c.accountId) ?? 0) + c.unread);
    }
    return out;
  });
  const totalUnread = computed(() => {
    let total = 0;
    for (const n of unreadByAccount.value.values()) total += n;
    return total;
  });
  const syncing = computed(() => {
    let fetched = 0;
    let accounts = 0;
    let failed = 0;
    for (const a of archive.value.values()) {
      if (a.state === 'syncing') {
        accounts++;
        fetched += a.fetched;
      } else if (a.state === 'failed') failed++;
    }
    return { accounts, fetched, failed };
  });

  function conversation(accountId: string, jid: string): ConversationView | undefined {
    return conversations.value.get(conversationKey(accountId, jid));
  }
  function unreadOf(accountId: string): number {
    return unreadByAccount.value.get(accountId) ?? 0;
  }
  function page(accountId: string, jid: string): MessagePage | undefined {
    return pages.value.get(conversationKey(accountId, jid));
  }
  function typingOf(accountId: string, jid: string): readonly TypingView[] {
    return typing.value.get(conversationKey(accountId, jid)) ?? [];
  }
  /** A loaded message by id; tracked through the page's version (its list changes in place, an older page may bring it). */
  function loadedMessage(accountId: string, jid: string, id: number): MessageView | null {
    const p = page(accountId, jid);
    if (!p) return null;
    void p.version;
    const at = p.messages.indexOfId(id);
    return at >= 0 ? (p.messages.at(at) ?? null) : null;
  }
  /** Our last message in a loaded conversation (the one the Up arrow corrects). */
  function lastOwn(accountId: string, jid: string): MessageView | undefined {
    const list = page(accountId, jid)?.messages;
    if (!list) return undefined;
    for (let c = list.chunks.length - 1; c >= 0; c--) {
      const chunk = list.chunks[c].messages;
      for (let i = chunk.length - 1; i >= 0; i--) if (chunk[i].direction === 'out') return chunk[i];
    }
    return undefined;
  }

  // ---------- typing ----------

  function scheduleTypingSweep() {
    clearTimeout(typingTimer);
    let next = Infinity;
    for (const list of typing.value.values()) for (const t of list) next = Math.min(next, t.until);
    if (next === Infinity) return;
    typingTimer = setTimeout(sweepTyping, Math.max(0, next - Date.now()));
  }

  function sweepTyping() {
    const now = Date.now();
    let changed = false;
    for (const [key, list] of typing.value) {
      const kept = list.filter((t) => t.until > now);
      if (kept.length === list.length) continue;
      changed = true;
      if (kept.length === 0) typing.value.delete(key);
      else typing.value.set(key, kept);
    }
    if (changed) triggerRef(typing);
    scheduleTypingSweep();
  }

  /** Returns true when something changed. */
  function setTyping(key: string, from: string, state: ChatState | null): boolean {
    const list = typing.value.get(key) ?? [];
    const others = list.filter((t) => t.from !== from);
    if (state === 'composing' || state === 'paused') {
      others.push({ from, state, until: Date.now() + TYPING_EXPIRY_MS });
      typing.value.set(key, others);
      return true;
    }
    if (others.length === list.length) return false;
    if (others.length === 0) typing.value.delete(key);
    else typing.value.set(key, others);
    return true;
  }

  // ---------- snapshot and events ----------

  function applySnapshot(snapshot: Snapshot) {
    conversations.value = new Map(
      (snapshot.conversations ?? []).map((c) => [conversationKey(c.accountId, c.conversation), c]),
    );
    // Events may have been missed since the pages were loaded: views load them again.
    pages.value = new Map();
    typing.value = new Map();
    clearTimeout(typingTimer);
  }

  /** One action per batch: every messaging event in order, then one trigger per map that changed. */
  function applyEvents(events: readonly AppEvent[]) {
    let conversationsChanged = false;
    let pagesChanged = false; // pages added or removed
    let typingChanged = false;
    let archiveChanged = false;
    for (const event of events) {
      switch (event.type) {
        case 'message': {
          const m = event.message;
          const key = conversationKey(m.accountId, m.conversation);
          const loaded = pages.value.get(key);
          if (loaded) {
            // Triggers this page's views only (the map is unchanged).
            loaded.messages.upsert(m);
            loaded.version++;
          }
          // A message ends its sender's typing.
          if (m.direction === 'in' && setTyping(key, m.from, null)) typingChanged = true;
          break;
        }
        case 'conversation': {
          const c = event.conversation;
          conversations.value.set(conversationKey(c.accountId, c.conversation), c);
          conversationsChanged = true;
          break;
        }
        case 'chat.typing':
          if (setTyping(conversationKey(event.accountId, event.conversation), event.from, event.state))
            typingChanged = true;
          break;
        case 'archive.sync':
          archive.value.set(event.accountId, { state: event.state, fetched: event.fetched });
          archiveChanged = true;
          break;
        case 'ui.openConversation':
          openRequest.value = {
            accountId: event.accountId,
            conversation: event.conversation,
            kind: event.kind,
            n: ++requests,
          };
          break;
        case 'account.removed': {
          const prefix = conversationKey(event.id, '');
          for (const map of [conversations.value, pages.value, typing.value] as Map<string, unknown>[]) {
            for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
          }
          archive.value.delete(event.id);
          conversationsChanged = pagesChanged = typingChanged = archiveChanged = true;
          break;
        }
      }
    }
    if (conversationsChanged) triggerRef(conversations);
    if (pagesChanged) triggerRef(pages);
    if (typingChanged) {
      triggerRef(typing);
      scheduleTypingSweep();
    }
    if (archiveChanged) triggerRef(archive);
  }

  // ---------- history ----------

  function touch(key: string, value: MessagePage) {
    pages.value.delete(key);
    pages.value.set(key, value);
    while (pages.value.size > PAGES_KEPT) {
      const oldest = pages.value.keys().next().value as string;
      pages.value.delete(oldest);
    }
  }

  /** Loads the latest page of a conversation once (again after a snapshot reset it). */
  async function open(transport: Transport, accountId: string, jid: string): Promise<void> {
    const key = conversationKey(accountId, jid);
    const existing = pages.value.get(key);
    if (existing && (existing.loaded || existing.loading)) {
      touch(key, existing);
      return;
    }
    const fresh: MessagePage = shallowReactive({
      key,
      accountId,
      conversation: jid,
      messages: markRaw(new MessageChunks()),
      hasOlder: false,
      loading: true,
      loaded: false,
      error: null,
      version: 0,
    });
    touch(key, fresh);
    triggerRef(pages);
    const result = await transport.invoke('message.history', { accountId, conversation: jid, limit: PAGE_SIZE });
    if (pages.value.get(key) !== fresh) return; // reset or dropped meanwhile
    fresh.loading = false;
    if (!result.ok) {
      fresh.error = errorText(result.error);
    } else {
      fresh.messages.merge(result.value);
      fresh.version++;
      fresh.hasOlder = result.value.length >= PAGE_SIZE;
      fresh.loaded = true;
      fresh.error = null;
    }
  }

  /** Loads the page before the oldest loaded message; resolves to how many arrived. */
  async function loadOlder(transport: Transport, accountId: string, jid: string): Promise<number> {
    const key = conversationKey(accountId, jid);
    const loaded = pages.value.get(key);
    if (!loaded || !loaded.loaded || loaded.loading || !loaded.hasOlder) return 0;
    const before = loaded.messages.at(0)?.id;
    loaded.loading = true;
    const result = await transport.invoke('message.history', {
      accountId,
      conversation: jid,
      limit: PAGE_SIZE,
      ...(before !== undefined ? { before } : {}),
    });
    if (pages.value.get(key) !== loaded) return 0;
    loaded.loading = false;
    let count = 0;
    if (!result.ok) loaded.error = errorText(result.error);
    else {
      count = result.value.length;
      if (count > 0) {
        loaded.messages.merge(result.value);
        loaded.version++;
      }
      loaded.hasOlder = result.value.length >= PAGE_SIZE;
      loaded.error = null;
    }
    return count;
  }

  /** Older messages paged back from the server's archive (history.older), in their place. */
  function putOlder(accountId: string, jid: string, messages: MessageView[]) {
    const loaded = pages.value.get(conversationKey(accountId, jid));
    if (!loaded || messages.length === 0) return;
    loaded.messages.merge(messages);
    loaded.version++;
  }

  /** Shows a message a command answered with at once (the core also sends the event). */
  function putMessage(message: MessageView) {
    const loaded = pages.value.get(conversationKey(message.accountId, message.conversation));
    if (!loaded) return;
    loaded.messages.upsert(message);
    loaded.version++;
  }

  return {
    conversations,
    pages,
    typing,
    archive,
    openRequest,
    sorted,
    unreadByAccount,
    totalUnread,
    syncing,
    conversation,
    unreadOf,
    page,
    typingOf,
    lastOwn,
    loadedMessage,
    applySnapshot,
    applyEvents,
    open,
    loadOlder,
    putOlder,
    putMessage,
  };
});
