import { onMounted, watch } from 'vue';
import type { XmppUriResult } from '../../../shared/contract';
import { useApi } from '../api';
import { useAccountsStore } from '../stores/accounts';
import { useControlStore } from '../stores/control';
import { useDialogStore } from '../stores/dialog';

/** The page parameter a link comes in when the page itself is opened with one (the browser bridge). */
export const XMPP_LINK_PARAM = 'xmpp';

/**
 * Shows each `xmpp:` link the core hands over (from the OS) or the page was opened with, as a dialog
 * and only once no other dialog is open: a room to join or a contact to add opens that dialog
 * prefilled, a message (or a bare address) asks before opening the conversation, and a refused link
 * says why. Nothing happens without the user confirming in the dialog.
 */
export function useXmppLinks(): void {
  const api = useApi();
  const accounts = useAccountsStore();
  const control = useControlStore();
  const dialogs = useDialogStore();

  function show(result: XmppUriResult) {
    if (!result.ok) return dialogs.open('xmpp-link', { result });
    const { uri } = result;
    const named = uri.account ? accounts.list.find((account) => account.jid === uri.account) : undefined;
    if (accounts.list.length === 0 || (uri.account && !named)) return dialogs.open('xmpp-link', { result });
    const accountId = named?.id ?? null;
    switch (uri.action) {
      case 'join':
        return dialogs.open('join-room', {
          ...(accountId ? { accountId } : {}),
          room: uri.jid,
          ...(uri.password ? { password: uri.password } : {}),
        });
      case 'roster':
      case 'subscribe':
        return dialogs.open('add-contact', { accountId, jid: uri.jid, ...(uri.name ? { name: uri.name } : {}) });
      default:
        return dialogs.open('xmpp-link', { result });
    }
  }

  watch(
    [() => control.pendingLink, () => dialogs.isOpen, () => accounts.loaded],
    ([link, open, loaded]) => {
      if (!link || open || !loaded) return;
      const taken = control.takeLink();
      if (taken) show(taken);
    },
    { immediate: true },
  );

  onMounted(async () => {
    const params = new URLSearchParams(window.location.search);
    const link = params.get(XMPP_LINK_PARAM);
    if (link === null) return;
    params.delete(XMPP_LINK_PARAM);
    const rest = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
    const result = await api.invoke('uri.open', { uri: link });
    if (result.ok) control.showLink(result.value);
  });
}
