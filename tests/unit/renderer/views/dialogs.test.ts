/**
 * The dialog host's model: the open dialog gets what it is about from the stores and closes when
 * that is gone; connection prompts open once per occurrence, never over another dialog.
 */
import { createPinia, setActivePinia } from 'pinia';
import { effectScope, nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../../../src/shared/contract';
import { useConnectionPrompts } from '../../../../src/renderer/src/composables/useConnectionPrompts';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useDialogStore } from '../../../../src/renderer/src/stores/dialog';
import { useMucStore } from '../../../../src/renderer/src/stores/muc';
import { useRosterStore } from '../../../../src/renderer/src/stores/roster';
import { useSubscriptionsStore } from '../../../../src/renderer/src/stores/subscriptions';
import { useViewStore } from '../../../../src/renderer/src/stores/view';
import { useDialogs } from '../../../../src/renderer/src/views/dialogs';
import { account, flush, item, pumpInto, request, room, snapshot } from '../fixtures';

const TEA = 'tea@conference.x';
let scope = effectScope();

async function start() {
  const stores = pumpInto(
    snapshot({
      accounts: [account('a1', 'me@x', { label: 'Home' })],
      roster: [item('a1', 'juliet@x', { groups: ['Friends'] })],
      rooms: [room()],
      subscriptionRequests: [request('a1', 'romeo@x')],
    }),
    {
      accounts: useAccountsStore(),
      app: useAppStore(),
      roster: useRosterStore(),
      muc: useMucStore(),
      subscriptions: useSubscriptionsStore(),
    },
  );
  await expect.poll(() => stores.accounts.loaded).toBe(true);
  const shown = scope.run(() => useDialogs())!;
  return { ...stores, shown, dialogs: useDialogStore(), view: useViewStore() };
}

/** Lets the watchers run: the wait before checking that a dialog did not open. */
const settle = async () => {
  await flush();
  await nextTick();
};

describe('dialogs', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    scope = effectScope();
  });
  afterEach(() => scope.stop());

  it('gives a request dialog the pending request and closes it once the request is answered elsewhere', async () => {
    const { shown, dialogs, push } = await start();
    dialogs.open('accept-add', { accountId: 'a1', jid: 'romeo@x' });
    expect(shown.value?.props).toMatchObject({
      request: { jid: 'romeo@x' },
      accountLabel: 'Home',
      existing: ['Friends'],
    });

    push({ events: [{ type: 'subscription.requestRemoved', accountId: 'a1', jid: 'romeo@x' }] });
    await expect.poll(() => dialogs.current).toBeNull();
    expect(shown.value).toBeNull();
  });

  it('closes a contact dialog when the contact is removed, and a room dialog when the room is gone', async () => {
    const { shown, dialogs, push } = await start();
    dialogs.open('edit-groups', { accountId: 'a1', jid: 'juliet@x' });
    expect(shown.value?.props).toMatchObject({ item: { jid: 'juliet@x' }, existing: ['Friends'] });
    push({ events: [{ type: 'roster.removed', accountId: 'a1', jid: 'juliet@x' }] });
    await expect.poll(() => dialogs.current).toBeNull();

    dialogs.open('moderate', { accountId: 'a1', room: TEA, nick: 'nurse' });
    expect(shown.value?.props).toMatchObject({ room: { room: TEA }, nick: 'nurse' });
    push({ events: [{ type: 'muc.roomRemoved', accountId: 'a1', room: TEA }] });
    await expect.poll(() => dialogs.current).toBeNull();
  });

  it('closes an account dialog when the account is removed', async () => {
    const { shown, dialogs, push } = await start();
    dialogs.open('edit-account', { accountId: 'a1' });
    expect(shown.value?.props).toMatchObject({ account: { id: 'a1' } });
    push({ events: [{ type: 'account.removed', id: 'a1' }] });
    await expect.poll(() => dialogs.current).toBeNull();
  });

  it('renders a new opening afresh, and a dialog about nothing in particular without props', async () => {
    const { shown, dialogs } = await start();
    dialogs.open('settings');
    const first = shown.value!.key;
    expect(shown.value?.props).toEqual({});
    dialogs.open('settings');
    expect(shown.value!.key).not.toBe(first);
  });

  it('gives the certificate prompt the certificate, and closes it once the connection no longer waits on it', async () => {
    const { shown, dialogs, push, accounts } = await start();
    const certificate = {
      fingerprint256: 'AB:CD',
      subject: 'CN=x',
      issuer: 'CN=x',
      validFrom: '2026-01-01',
      validTo: '2027-01-01',
      problem: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', domain: 'example.org', notBefore: null, notAfter: null },
      changedFromPinned: false,
    };
    const refused: ConnectionView = {
      status: 'error',
      since: 3,
      error: { kind: 'certificate', reason: 'connection.certificateNotTrusted', certificate },
    };
    push({ events: [{ type: 'account.connection', id: 'a1', connection: refused }] });
    await expect.poll(() => accounts.get('a1')?.connection.since).toBe(3);
    dialogs.open('certificate', { accountId: 'a1' });
    expect(shown.value?.props).toMatchObject({ certificate: { fingerprint256: 'AB:CD' } });

    push({ events: [{ type: 'account.connection', id: 'a1', connection: { status: 'connecting', since: 4 } }] });
    await expect.poll(() => dialogs.current).toBeNull();
  });
});

describe('connection prompts', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    scope = effectScope();
  });
  afterEach(() => scope.stop());

  const needsPassword = (since: number): ConnectionView => ({
    status: 'error',
    since,
    error: { kind: 'needs-password', reason: 'connection.needsPassword', params: { jid: 'alice@example.org' } },
  });

  it('asks for a password once per occurrence, and never over another dialog', async () => {
    const { dialogs, push, accounts } = await start();
    scope.run(() => useConnectionPrompts());
    dialogs.open('settings');
    push({ events: [{ type: 'account.connection', id: 'a1', connection: needsPassword(5) }] });
    // The account waits for a password now; the prompt's watcher had its turn and left the settings open.
    await expect.poll(() => accounts.get('a1')?.connection.since).toBe(5);
    await settle();
    expect(dialogs.current?.kind).toBe('settings');

    dialogs.close();
    await expect.poll(() => dialogs.current).toMatchObject({ kind: 'password', props: { accountId: 'a1' } });

    // Closed, it stays closed for this occurrence: the watcher runs on the close and opens nothing.
    dialogs.close();
    await settle();
    expect(dialogs.current).toBeNull();

    push({ events: [{ type: 'account.connection', id: 'a1', connection: needsPassword(9) }] });
    await expect.poll(() => dialogs.current?.kind).toBe('password');
  });
});
