/**
 * The conversations store fed through the event pump: conversations sorted by activity, unread
 * totals per account and overall, history pages (latest, then older ones), live messages merged by
 * id (state changes, corrections, a message arriving while its page loads), typing that expires.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { computed } from 'vue';
import type { CommandName, ConversationView, EventBatch, MessageView, Snapshot } from '../../../../src/shared/contract';
import { fail, ok } from '../../../../src/shared/result';
import { startEventPump } from '../../../../src/renderer/src/api/pump';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import {
  mergeMessages,
  PAGE_SIZE,
  TYPING_EXPIRY_MS,
  upsertMessage,
  useChatStore,
} from '../../../../src/renderer/src/stores/chat';
import { scriptedTransport, snapshot } from '../fixtures';

const BOB = 'bob@x';

function message(id: number, extra: Partial<MessageView> = {}): MessageView {
  return {
    accountId: 'a1',
    id,
    conversation: BOB,
    kind: 'chat',
    direction: 'in',
    from: BOB,
    body: `message ${id}`,
    at: 1_000_000 + id,
    state: 'received',
    corrected: false,
    error: null,
    ...extra,
  };
}

function conversation(accountId: string, jid: string, lastAt: number, unread: number): ConversationView {
  return { accountId, conversation: jid, kind: 'chat', lastAt, lastBody: 'hi', unread };
}

/** A transport serving app.snapshot and message.history from `stored` (ids ascending). */
function transportWith(initial: Snapshot, stored: MessageView[]) {
  const calls: { command: CommandName; input: unknown }[] = [];
  /** While set, history answers wait for it. */
  let gate: Promise<void> | null = null;
  const fake = scriptedTransport(async (command, input) => {
    calls.push({ command, input });
    if (command === 'app.snapshot') return ok(initial) as never;
    if (command === 'message.history') {
      if (gate) await gate;
      const { conversation, before, limit } = input as { conversation: string; before?: number; limit: number };
      const list = stored.filter((m) => m.conversation === conversation && (before === undefined || m.id < before));
      return ok(list.slice(Math.max(0, list.length - limit))) as never;
    }
    return fail('internal', 'app.unexpected') as never;
  });
  let seq = initial.seq;
  return {
    transport: fake.transport,
    calls,
    up: () => fake.setLink(true),
    push: (batch: Omit<EventBatch, 'seq'>) => fake.push({ seq: ++seq, ...batch }),
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

async function start(initial: Snapshot, stored: MessageView[] = []) {
  const chat = useChatStore();
  const fake = transportWith(initial, stored);
  startEventPump(fake.transport, { accounts: useAccountsStore(), app: useAppStore(), chat });
  fake.up();
  await vi.waitFor(() => expect(useAppStore().link).toBe('up'));
  await Promise.resolve();
  return { chat, ...fake };
}

describe('chat store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.useRealTimers());

  it('sorts conversations by last activity and totals unread per account and overall', async () => {
    const { chat, push } = await start(
      snapshot({
        conversations: [
          conversation('a1', 'old@x', 100, 2),
          conversation('a2', 'new@x', 300, 1),
          conversation('a1', 'mid@x', 200, 0),
        ],
      }),
    );
    await vi.waitFor(() => expect(chat.sorted.map((c) => c.conversation)).toEqual(['new@x', 'mid@x', 'old@x']));
    expect(chat.unreadOf('a1')).toBe(2);
    expect(chat.unreadOf('a2')).toBe(1);
    expect(chat.totalUnread).toBe(3);

    // A new message in the oldest conversation moves it to the top; marking read clears its count.
    push({ events: [{ type: 'conversation', conversation: conversation('a1', 'old@x', 400, 3) }] });
    expect(chat.sorted.map((c) => c.conversation)).toEqual(['old@x', 'new@x', 'mid@x']);
    expect(chat.totalUnread).toBe(4);
    push({ events: [{ type: 'conversation', conversation: conversation('a1', 'old@x', 400, 0) }] });
    expect(chat.unreadOf('a1')).toBe(0);
    expect(chat.totalUnread).toBe(1);

    push({ events: [{ type: 'account.removed', id: 'a2' }] });
    expect(chat.totalUnread).toBe(0);
    expect(chat.sorted.map((c) => c.conversation)).toEqual(['old@x', 'mid@x']);
  });

  it('loads the latest page, then older pages until the start, each message once and in order', async () => {
    const stored = Array.from({ length: 250 }, (_, i) => message(i + 1));
    const { chat, transport, calls } = await start(snapshot(), stored);
    await chat.open(transport, 'a1', BOB);
    let page = chat.page('a1', BOB)!;
    expect(page.messages.map((m) => m.id)).toEqual(stored.slice(150).map((m) => m.id));
    expect(page.hasOlder).toBe(true);
    // Opening again does not load again.
    await chat.open(transport, 'a1', BOB);
    expect(calls.filter((c) => c.command === 'message.history')).toHaveLength(1);

    expect(await chat.loadOlder(transport, 'a1', BOB)).toBe(PAGE_SIZE);
    expect(calls.at(-1)?.input).toMatchObject({ before: 151, limit: PAGE_SIZE });
    expect(await chat.loadOlder(transport, 'a1', BOB)).toBe(50);
    page = chat.page('a1', BOB)!;
    expect(page.hasOlder).toBe(false);
    expect(page.messages.map((m) => m.id)).toEqual(stored.map((m) => m.id));
    expect(await chat.loadOlder(transport, 'a1', BOB)).toBe(0);
  });

  it('a loaded message read by id follows the list changing in place: an older page brings it, an event changes it', async () => {
    const stored = Array.from({ length: 250 }, (_, i) => message(i + 1));
    const { chat, transport, push } = await start(snapshot(), stored);
    await chat.open(transport, 'a1', BOB);
    // What a reply's quote shows of its original.
    const original = computed(() => chat.loadedMessage('a1', BOB, 120)?.body ?? null);
    expect(original.value).toBeNull();
    await chat.loadOlder(transport, 'a1', BOB);
    expect(original.value).toBe('message 120');
    push({ events: [{ type: 'message', message: message(120, { body: 'fixed', corrected: true }) }] });
    expect(original.value).toBe('fixed');
  });

  it('merges live messages by id: new ones appended, state changes and corrections replace the row', async () => {
    const stored = [message(1), message(2, { direction: 'out', from: 'me@x', state: 'sent' })];
    const { chat, transport, push } = await start(snapshot(), stored);
    await chat.open(transport, 'a1', BOB);
    const version = chat.page('a1', BOB)!.version;

    push({
      events: [
        { type: 'message', message: message(3, { direction: 'out', from: 'me@x', state: 'queued' }) },
        { type: 'message', message: message(2, { direction: 'out', from: 'me@x', state: 'delivered' }) },
        { type: 'message', message: message(1, { body: 'fixed', corrected: true }) },
        {
          type: 'message',
          message: message(3, {
            direction: 'out',
            from: 'me@x',
            state: 'failed',
            error: { condition: 'forbidden', text: null },
          }),
        },
      ],
    });
    const page = chat.page('a1', BOB)!;
    expect(page.version).toBeGreaterThan(version);
    expect(page.messages.map((m) => [m.id, m.state, m.body, m.corrected])).toEqual([
      [1, 'received', 'fixed', true],
      [2, 'delivered', 'message 2', false],
      [3, 'failed', 'message 3', false],
    ]);
    expect(chat.lastOwn('a1', BOB)?.id).toBe(3);

    // A message for a conversation that is not loaded only updates the list (via its conversation event).
    push({ events: [{ type: 'message', message: message(9, { conversation: 'carol@x', from: 'carol@x' }) }] });
    expect(chat.page('a1', 'carol@x')).toBeUndefined();
  });

  it('keeps a message that arrived while its page was loading', async () => {
    const stored = [message(1), message(2)];
    const { chat, transport, push, hold } = await start(snapshot(), stored);
    const release = hold();
    const loading = chat.open(transport, 'a1', BOB);
    expect(chat.page('a1', BOB)?.loading).toBe(true);
    push({ events: [{ type: 'message', message: message(3) }] });
    push({ events: [{ type: 'message', message: message(2, { body: 'newer' }) }] });
    release();
    await loading;
    const page = chat.page('a1', BOB)!;
    expect(page.loaded).toBe(true);
    expect(page.messages.map((m) => [m.id, m.body])).toEqual([
      [1, 'message 1'],
      [2, 'newer'],
      [3, 'message 3'],
    ]);
  });

  it('a fresh snapshot drops loaded pages (events may have been missed) and the answer of a stale load', async () => {
    const { chat, transport, hold } = await start(snapshot(), [message(1)]);
    const release = hold();
    const loading = chat.open(transport, 'a1', BOB);
    chat.applySnapshot(snapshot());
    release();
    await loading;
    expect(chat.page('a1', BOB)).toBeUndefined();
  });

  it('typing: composing shows, a message or active ends it, and it expires without news', async () => {
    vi.useFakeTimers();
    const { chat, push } = await start(snapshot());
    const typing = (state: 'composing' | 'paused' | 'active', from = BOB) =>
      push({ events: [{ type: 'chat.typing', accountId: 'a1', conversation: BOB, from, state }] });

    typing('composing');
    expect(chat.typingOf('a1', BOB).map((t) => [t.from, t.state])).toEqual([[BOB, 'composing']]);
    typing('active');
    expect(chat.typingOf('a1', BOB)).toEqual([]);

    typing('composing');
    push({ events: [{ type: 'message', message: message(5) }] });
    expect(chat.typingOf('a1', BOB)).toEqual([]);

    typing('composing');
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1000);
    expect(chat.typingOf('a1', BOB)).toHaveLength(1);
    // Still composing: the other side said so again, the clock restarts.
    typing('composing');
    vi.advanceTimersByTime(2000);
    expect(chat.typingOf('a1', BOB)).toHaveLength(1);
    vi.advanceTimersByTime(TYPING_EXPIRY_MS);
    expect(chat.typingOf('a1', BOB)).toEqual([]);
  });

  it('archive progress per account and the conversation a notification asks to open', async () => {
    const { chat, push } = await start(snapshot());
    push({ events: [{ type: 'archive.sync', accountId: 'a1', state: 'syncing', fetched: 100 }] });
    push({ events: [{ type: 'archive.sync', accountId: 'a2', state: 'syncing', fetched: 20 }] });
    expect(chat.syncing).toEqual({ accounts: 2, fetched: 120, failed: 0 });
    push({ events: [{ type: 'archive.sync', accountId: 'a1', state: 'done', fetched: 140 }] });
    push({ events: [{ type: 'archive.sync', accountId: 'a2', state: 'failed', fetched: 20 }] });
    expect(chat.syncing).toEqual({ accounts: 0, fetched: 0, failed: 1 });

    push({ events: [{ type: 'ui.openConversation', accountId: 'a1', conversation: BOB, kind: 'chat' }] });
    expect(chat.openRequest).toMatchObject({ accountId: 'a1', conversation: BOB, kind: 'chat', n: 1 });
    push({ events: [{ type: 'ui.openConversation', accountId: 'a1', conversation: BOB, kind: 'chat' }] });
    expect(chat.openRequest?.n).toBe(2);
  });

  it('merging 10,000 messages and appending live ones stays linear', () => {
    const list = mergeMessages(
      [],
      Array.from({ length: 10_000 }, (_, i) => message(i * 2 + 2)),
    );
    upsertMessage(list, message(20_002));
    upsertMessage(list, message(5)); // an old id in between (a late carbon)
    upsertMessage(list, message(4, { body: 'edited' }));
    expect(list).toHaveLength(10_002);
    expect(list.every((m, i) => i === 0 || m.id > list[i - 1].id)).toBe(true);
    expect(list.find((m) => m.id === 4)?.body).toBe('edited');
  });
});
