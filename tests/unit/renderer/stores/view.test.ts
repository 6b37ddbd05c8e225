/**
 * The main area's view: one view at a time, each action replacing the one before; the overview of
 * the chosen account while a view's contact or room does not exist; the conversation on screen.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useMucStore } from '../../../../src/renderer/src/stores/muc';
import { useRosterStore } from '../../../../src/renderer/src/stores/roster';
import { useViewStore } from '../../../../src/renderer/src/stores/view';
import { account, flush, item, pumpInto, room, snapshot } from '../fixtures';

const TEA = 'tea@conference.x';

async function start() {
  const stores = pumpInto(
    snapshot({
      accounts: [account('a1', 'me@x'), account('a2', 'me@y')],
      roster: [item('a1', 'juliet@x')],
      rooms: [room()],
    }),
    { accounts: useAccountsStore(), app: useAppStore(), roster: useRosterStore(), muc: useMucStore() },
  );
  await flush();
  return { ...stores, view: useViewStore() };
}

describe('view store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows one view at a time: each action replaces whatever was shown', async () => {
    const { view } = await start();
    expect(view.shown).toEqual({ kind: 'overview' });

    view.openInbox(null);
    expect(view.shown).toEqual({ kind: 'inbox', accountId: null });
    view.openRoom('a1', TEA);
    expect(view.shown).toEqual({ kind: 'room', accountId: 'a1', room: TEA });
    view.openConversation({ accountId: 'a1', conversation: 'juliet@x', kind: 'chat' });
    expect(view.shown).toEqual({ kind: 'conversation', accountId: 'a1', conversation: 'juliet@x', chat: 'chat' });
    view.selectContact('a1', 'juliet@x', 'row-1');
    expect(view.shown).toMatchObject({ kind: 'contact', jid: 'juliet@x', rowKey: 'row-1', focus: false });
    view.openSearch('tea');
    expect(view.shown).toMatchObject({ kind: 'search', query: 'tea' });
    view.showOverview();
    expect(view.shown).toEqual({ kind: 'overview' });
  });

  it('opens a group chat conversation in the room view', async () => {
    const { view } = await start();
    view.openConversation({ accountId: 'a1', conversation: TEA, kind: 'groupchat' });
    expect(view.shown).toEqual({ kind: 'room', accountId: 'a1', room: TEA });
    expect(view.room?.nick).toBe('me');
  });

  it('runs the same search again as a new one', async () => {
    const { view } = await start();
    view.openSearch('tea');
    const first = view.main;
    view.openSearch('tea');
    expect(view.main).toMatchObject({ kind: 'search', query: 'tea' });
    expect(view.main).not.toEqual(first);
  });

  it('shows the overview while the contact does not exist, and the contact once its roster push arrives', async () => {
    const { view, push } = await start();
    view.openContact('a1', 'romeo@x');
    expect(view.main).toMatchObject({ kind: 'contact', jid: 'romeo@x', focus: true });
    expect(view.shown).toEqual({ kind: 'overview' });

    push({ events: [{ type: 'roster.item', item: item('a1', 'romeo@x') }] });
    await flush();
    expect(view.shown).toMatchObject({ kind: 'contact', jid: 'romeo@x' });
    expect(view.contact?.item.jid).toBe('romeo@x');

    push({ events: [{ type: 'roster.removed', accountId: 'a1', jid: 'romeo@x' }] });
    await flush();
    expect(view.shown).toEqual({ kind: 'overview' });
  });

  it('shows the overview once the room is gone, and the room again when it comes back', async () => {
    const { view, push } = await start();
    view.openRoom('a1', TEA);
    push({ events: [{ type: 'muc.roomRemoved', accountId: 'a1', room: TEA }] });
    await flush();
    expect(view.shown).toEqual({ kind: 'overview' });
    expect(view.conversation).toBeNull();

    push({ events: [{ type: 'muc.room', room: room() }] });
    await flush();
    expect(view.shown).toEqual({ kind: 'room', accountId: 'a1', room: TEA });
  });

  it('keeps the roster row marked when the contact chosen on it is opened, and marks none for another', async () => {
    const { view } = await start();
    view.selectContact('a1', 'juliet@x', 'Friends\njuliet');
    view.openContact('a1', 'juliet@x');
    expect(view.main).toMatchObject({ kind: 'contact', rowKey: 'Friends\njuliet', focus: true });

    view.openContact('a2', 'juliet@x');
    expect(view.main).toMatchObject({ kind: 'contact', accountId: 'a2', rowKey: '' });
  });

  it('names the conversation on screen: a chat, a private message or a room', async () => {
    const { view } = await start();
    expect(view.conversation).toBeNull();
    view.openConversation({ accountId: 'a1', conversation: `${TEA}/nurse`, kind: 'pm' });
    expect(view.conversation).toEqual({ accountId: 'a1', conversation: `${TEA}/nurse`, kind: 'pm' });
    view.openRoom('a1', TEA);
    expect(view.conversation).toEqual({ accountId: 'a1', conversation: TEA, kind: 'groupchat' });
    view.selectContact('a1', 'juliet@x', 'row');
    expect(view.conversation).toBeNull();
  });

  it('falls back to the first account when the chosen one is gone', async () => {
    const { view, push } = await start();
    expect(view.account?.id).toBe('a1');
    view.openInbox('a2');
    view.selectAccount('a2');
    expect(view.shown).toEqual({ kind: 'overview' });
    expect(view.account?.id).toBe('a2');

    push({ events: [{ type: 'account.removed', id: 'a2' }] });
    await flush();
    expect(view.account?.id).toBe('a1');
  });
});
