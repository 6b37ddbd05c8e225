/**
 * What the main area shows: one view at a time, replaced as a whole by the actions below, so that
 * opening one thing can never leave another half shown. The account chosen in the sidebar is kept
 * apart: its overview is what the main area falls back to when a view is closed, and while the
 * contact or room a view is about does not exist (not yet, or no longer).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useAccountsStore } from './accounts';
import type { ConversationRef } from './chat';
import { useMucStore } from './muc';
import { useRosterStore } from './roster';

export type MainView =
  /** The chosen account's overview (or the welcome when there is no account). */
  | { kind: 'overview' }
  /**
   * A roster contact: `rowKey` is the roster row it was chosen on ('' when opened from elsewhere);
   * `focus` when it was opened to be read (the contact panel takes the keyboard focus).
   */
  | { kind: 'contact'; accountId: string; jid: string; rowKey: string; focus: boolean }
  /** A one-to-one chat or a private message in a room; rooms show in the room view. */
  | { kind: 'conversation'; accountId: string; conversation: string; chat: 'chat' | 'pm' }
  | { kind: 'room'; accountId: string; room: string }
  /** The request inbox: for every account (null) or one. */
  | { kind: 'inbox'; accountId: string | null }
  /** Search results; `n` tells a repeated search from the one before, so that it runs again. */
  | { kind: 'search'; query: string; n: number }
  /** Service discovery from an address (and node) on, as one account sees it. */
  | { kind: 'services'; accountId: string; jid: string; node: string | null }
  /** An account's XML console. */
  | { kind: 'console'; accountId: string };

const OVERVIEW: MainView = { kind: 'overview' };

export const useViewStore = defineStore('view', () => {
  const accounts = useAccountsStore();
  const roster = useRosterStore();
  const muc = useMucStore();

  /** The view asked for (it may name a contact or room that does not exist). */
  const main = ref<MainView>(OVERVIEW);
  const chosenAccountId = ref<string | null>(null);
  let searches = 0;

  /** The account chosen in the sidebar: the first one when none was chosen or it is gone. */
  const account = computed(() => accounts.get(chosenAccountId.value) ?? accounts.list[0]);
  const contact = computed(() => {
    const asked = main.value;
    return asked.kind === 'contact' ? roster.index.get(asked.accountId, asked.jid) : undefined;
  });
  const room = computed(() => {
    const asked = main.value;
    return asked.kind === 'room' ? muc.room(asked.accountId, asked.room) : undefined;
  });
  /** What the main area shows: the view asked for, or the overview while its contact or room does not exist. */
  const shown = computed<MainView>(() => {
    const asked = main.value;
    if ((asked.kind === 'contact' && !contact.value) || (asked.kind === 'room' && !room.value)) return OVERVIEW;
    return asked;
  });
  /** The conversation on screen, as the chat store names it: a chat, a private message or a room. */
  const conversation = computed<ConversationRef | null>(() => {
    const on = shown.value;
    if (on.kind === 'conversation') return { accountId: on.accountId, conversation: on.conversation, kind: on.chat };
    if (on.kind === 'room') return { accountId: on.accountId, conversation: on.room, kind: 'groupchat' };
    return null;
  });

  function selectAccount(id: string) {
    chosenAccountId.value = id;
    main.value = OVERVIEW;
  }

  /** Closes what is shown: back to the chosen account's overview. */
  function showOverview() {
    main.value = OVERVIEW;
  }

  /** A contact chosen on a roster row (the keyboard focus stays on the list). */
  function selectContact(accountId: string, jid: string, rowKey: string) {
    main.value = { kind: 'contact', accountId, jid, rowKey, focus: false };
  }

  /**
   * A contact opened to be read, by address: one just added (shown once the roster push brings it),
   * or an existing one. The roster row it was chosen on stays marked when it is the same contact.
   */
  function openContact(accountId: string, jid: string) {
    const asked = main.value;
    const same = asked.kind === 'contact' && asked.accountId === accountId && asked.jid === jid;
    main.value = { kind: 'contact', accountId, jid, rowKey: same ? asked.rowKey : '', focus: true };
  }

  function openConversation(target: ConversationRef) {
    if (target.kind === 'groupchat') {
      openRoom(target.accountId, target.conversation);
      return;
    }
    main.value = {
      kind: 'conversation',
      accountId: target.accountId,
      conversation: target.conversation,
      chat: target.kind,
    };
  }

  function openRoom(accountId: string, room: string) {
    main.value = { kind: 'room', accountId, room };
  }

  function openInbox(accountId: string | null) {
    main.value = { kind: 'inbox', accountId };
  }

  function openSearch(query: string) {
    main.value = { kind: 'search', query, n: ++searches };
  }

  function openServices(accountId: string, jid: string, node: string | null = null) {
    main.value = { kind: 'services', accountId, jid, node };
  }

  function openConsole(accountId: string) {
    main.value = { kind: 'console', accountId };
  }

  return {
    main,
    account,
    contact,
    room,
    shown,
    conversation,
    selectAccount,
    showOverview,
    selectContact,
    openContact,
    openConversation,
    openRoom,
    openInbox,
    openSearch,
    openServices,
    openConsole,
  };
});
