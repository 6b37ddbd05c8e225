/**
 * Every dialog the dialog host can show: its component (loaded on first use, so that dialogs, and
 * zod which the account form validates with, stay out of the first bundle, which is on the path to
 * the roster's first paint) and its props. A dialog about an account, contact,
 * request or room gets it from its store and closes when it is gone: nothing is left to act on.
 */
import { computed, defineAsyncComponent, watch, type Component, type ComputedRef } from 'vue';
import { accountName } from '../components/accounts/describe';
import { ALL_VIEW } from '../lib/roster-model';
import { useAccountsStore } from '../stores/accounts';
import { useDialogStore, type DialogKind, type DialogProps } from '../stores/dialog';
import { useMucStore } from '../stores/muc';
import { useRosterStore } from '../stores/roster';
import { useSubscriptionsStore } from '../stores/subscriptions';

interface Entry<K extends DialogKind> {
  component: Component;
  /** The dialog's props (none when left out), or null when what it is about is gone. */
  props?: (asked: DialogProps[K]) => Record<string, unknown> | null;
}

/** What the host renders: the open dialog's component and props. */
export interface ShownDialog {
  key: number;
  component: Component;
  props: Record<string, unknown>;
}

const load = (loader: () => Promise<Component>) => defineAsyncComponent(loader);

/** The open dialog as the host renders it; it closes the dialog when what it is about is gone. */
export function useDialogs(): ComputedRef<ShownDialog | null> {
  const accounts = useAccountsStore();
  const roster = useRosterStore();
  const subscriptions = useSubscriptionsStore();
  const muc = useMucStore();
  const dialogs = useDialogStore();

  const AccountDialog = load(() => import('../components/accounts/AccountDialog.vue'));

  function labelOf(accountId: string): string {
    const account = accounts.get(accountId);
    return account ? accountName(account) : accountId;
  }
  function withAccount({ accountId }: { accountId: string }) {
    const account = accounts.get(accountId);
    return account ? { account } : null;
  }
  function withContact({ accountId, jid }: { accountId: string; jid: string }) {
    const entry = roster.index.get(accountId, jid);
    return entry ? { item: entry.item, accountLabel: labelOf(accountId) } : null;
  }
  function withRoom({ accountId, room }: { accountId: string; room: string }) {
    const shown = muc.room(accountId, room);
    return shown ? { room: shown } : null;
  }

  const DIALOGS: { [K in DialogKind]: Entry<K> } = {
    'add-account': { component: AccountDialog },
    'edit-account': { component: AccountDialog, props: withAccount },
    'own-profile': {
      component: load(() => import('../components/profile/OwnProfileDialog.vue')),
      props: withAccount,
    },
    'remove-account': {
      component: load(() => import('../components/accounts/RemoveAccountDialog.vue')),
      props: withAccount,
    },
    password: {
      component: load(() => import('../components/accounts/PasswordPrompt.vue')),
      props: withAccount,
    },
    certificate: {
      component: load(() => import('../components/accounts/CertificateTrustPrompt.vue')),
      props: ({ accountId }) => {
        const account = accounts.get(accountId);
        const certificate = account?.connection.error?.certificate;
        return account && certificate ? { account, certificate } : null;
      },
    },
    settings: { component: load(() => import('../components/presence/SettingsDialog.vue')) },
    status: { component: load(() => import('../components/presence/StatusPicker.vue')), props: (asked) => asked },
    'add-contact': {
      component: load(() => import('../components/subscription/AddContactDialog.vue')),
      props: (asked) => asked,
    },
    'rename-contact': {
      component: load(() => import('../components/roster/RenameContactDialog.vue')),
      props: withContact,
    },
    'edit-groups': {
      component: load(() => import('../components/roster/EditGroupsDialog.vue')),
      props: (asked) => {
        const contact = withContact(asked);
        return contact && { ...contact, existing: roster.index.groupNames(asked.accountId) };
      },
    },
    'remove-contact': {
      component: load(() => import('../components/roster/RemoveContactDialog.vue')),
      props: withContact,
    },
    'rename-group': {
      component: load(() => import('../components/roster/RenameGroupDialog.vue')),
      props: ({ view: rosterView, name }) => {
        const ids = rosterView === ALL_VIEW ? roster.index.accountsWithGroup(name) : [rosterView];
        return ids.length > 0 ? { name, accounts: ids.map((id) => ({ id, label: labelOf(id) })) } : null;
      },
    },
    // Answered meanwhile (here, by another client, or by a policy): nothing left to accept.
    'accept-add': {
      component: load(() => import('../components/subscription/AcceptAddDialog.vue')),
      props: ({ accountId, jid }) => {
        const request = subscriptions.get(accountId, jid);
        return request
          ? { request, accountLabel: labelOf(accountId), existing: roster.index.groupNames(accountId) }
          : null;
      },
    },
    policy: { component: load(() => import('../components/subscription/PolicyDialog.vue')), props: (asked) => asked },
    'join-room': {
      component: load(() => import('../components/muc/JoinRoomDialog.vue')),
      props: (asked) => asked,
    },
    'browse-rooms': { component: load(() => import('../components/muc/BrowseRoomsDialog.vue')) },
    bookmark: { component: load(() => import('../components/muc/BookmarkDialog.vue')), props: (asked) => asked },
    moderate: {
      component: load(() => import('../components/muc/ModerateDialog.vue')),
      props: (asked) => {
        const room = withRoom(asked);
        return room && { ...room, nick: asked.nick };
      },
    },
    affiliations: { component: load(() => import('../components/muc/AffiliationsDialog.vue')), props: withRoom },
    'invite-contact': { component: load(() => import('../components/muc/InviteContactDialog.vue')), props: withRoom },
    'room-config': {
      component: load(() => import('../components/muc/RoomConfigDialog.vue')),
      props: (asked) => (muc.room(asked.accountId, asked.room) ? asked : null),
    },
    'destroy-room': { component: load(() => import('../components/muc/DestroyRoomDialog.vue')), props: withRoom },
    blocklist: {
      component: load(() => import('../components/control/BlocklistDialog.vue')),
      props: withAccount,
    },
    'block-contact': {
      component: load(() => import('../components/control/BlockContactDialog.vue')),
      props: ({ accountId, jid }) => (accounts.get(accountId) ? { accountId, jid } : null),
    },
    'xmpp-link': { component: load(() => import('../components/control/XmppLinkDialog.vue')), props: (asked) => asked },
    register: { component: load(() => import('../components/control/RegisterDialog.vue')) },
    'change-password': {
      component: load(() => import('../components/control/ChangePasswordDialog.vue')),
      props: withAccount,
    },
    'delete-on-server': {
      component: load(() => import('../components/control/DeleteOnServerDialog.vue')),
      props: withAccount,
    },
    'adhoc-command': {
      component: load(() => import('../components/control/AdhocCommandDialog.vue')),
      props: (asked) => (accounts.get(asked.accountId) ? asked : null),
    },
    'encryption-devices': {
      component: load(() => import('../components/encryption/EncryptionDevicesDialog.vue')),
      props: (asked) => (accounts.get(asked.accountId) ? asked : null),
    },
  };

  const shown = computed<ShownDialog | null>(() => {
    const open = dialogs.current;
    if (!open) return null;
    const entry = DIALOGS[open.kind] as Entry<DialogKind>;
    const resolve = entry.props as ((asked: unknown) => Record<string, unknown> | null) | undefined;
    const props = resolve ? resolve(open.props) : {};
    return props && { key: open.n, component: entry.component, props };
  });
  watch(
    () => dialogs.current !== null && shown.value === null,
    (gone) => {
      if (gone) dialogs.close();
    },
  );
  return shown;
}
