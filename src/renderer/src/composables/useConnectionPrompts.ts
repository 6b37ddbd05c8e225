import { computed, reactive, watch } from 'vue';
import { useAccountsStore } from '../stores/accounts';
import { useDialogStore } from '../stores/dialog';

/**
 * Opens the prompts the core is waiting for (a password, a certificate to trust) when no other
 * dialog is open, each once per occurrence (keyed by when the account's state began); the user can
 * reopen them from the account's row.
 */
export function useConnectionPrompts(): void {
  const accounts = useAccountsStore();
  const dialogs = useDialogStore();
  const prompted = reactive(new Set<string>());

  const waiting = computed(() => {
    for (const account of accounts.list) {
      const { status, error, since } = account.connection;
      if (!account.enabled || status !== 'error' || !error) continue;
      if (error.kind !== 'needs-password' && !(error.kind === 'certificate' && error.certificate)) continue;
      const key = `${account.id}:${error.kind}:${since}`;
      if (!prompted.has(key)) {
        return { key, accountId: account.id, kind: error.kind === 'certificate' ? 'certificate' : 'password' } as const;
      }
    }
    return null;
  });

  watch(
    [waiting, () => dialogs.isOpen],
    ([prompt, open]) => {
      if (!prompt || open) return;
      prompted.add(prompt.key);
      dialogs.open(prompt.kind, { accountId: prompt.accountId });
    },
    { immediate: true },
  );
}
