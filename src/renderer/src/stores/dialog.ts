/**
 * The one modal dialog that is open, if any: its kind and what it is about. The dialog host renders
 * it (each dialog's code loads on first use); anything may open one, and opening another replaces it.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { XmppUriResult } from '../../../shared/contract';

/** Account, contact, room and request dialogs name what they act on; they close when it is gone. */
export interface DialogProps {
  'add-account': Record<string, never>;
  'edit-account': { accountId: string };
  'remove-account': { accountId: string };
  /** The password the core is waiting for (asked once per occurrence, or from the account's row). */
  password: { accountId: string };
  /** The certificate the account's connection refused. */
  certificate: { accountId: string };
  settings: Record<string, never>;
  /** Our status: for 'all' enabled accounts or one account id. */
  status: { target: string };
  /** `jid` and `name` when an xmpp: link asks to add a contact. */
  'add-contact': { accountId: string | null; jid?: string; name?: string };
  'rename-contact': { accountId: string; jid: string };
  'edit-groups': { accountId: string; jid: string };
  'remove-contact': { accountId: string; jid: string };
  /** A group in a roster view: 'all' (ALL_VIEW) renames it in every account that has it. */
  'rename-group': { view: string; name: string };
  /** Accept a pending request and add its sender. */
  'accept-add': { accountId: string; jid: string };
  policy: { accountId: string | null };
  /** `password`: a room password an xmpp: link carried. */
  'join-room': { accountId?: string; room?: string; nick?: string; password?: string };
  'browse-rooms': Record<string, never>;
  bookmark: { accountId: string; room: string };
  moderate: { accountId: string; room: string; nick: string };
  affiliations: { accountId: string; room: string };
  'invite-contact': { accountId: string; room: string };
  /** A room's configuration form; `creating`: a new room locked until configured. */
  'room-config': { accountId: string; room: string; creating?: boolean };
  'destroy-room': { accountId: string; room: string };
  /** An account's block list (XEP-0191). */
  blocklist: { accountId: string };
  'block-contact': { accountId: string; jid: string };
  /** An xmpp: link the OS or the page handed over (a message, or why it was refused). */
  'xmpp-link': { result: XmppUriResult };
  /** Create an account on a server (XEP-0077). */
  register: Record<string, never>;
  'change-password': { accountId: string };
  'delete-on-server': { accountId: string };
  /** An ad-hoc command (XEP-0050) run step by step. */
  'adhoc-command': { accountId: string; jid: string; node: string; name: string | null };
  /** Our own avatar and profile on one account. */
  'own-profile': { accountId: string };
  /** A contact's devices for end-to-end encryption (verify, distrust). */
  'encryption-devices': { accountId: string; jid: string; name: string };
}

export type DialogKind = keyof DialogProps;

/** An open dialog; `n` counts the openings, so a new one never reuses the state of the one before. */
export type OpenDialog = { [K in DialogKind]: { kind: K; props: DialogProps[K]; n: number } }[DialogKind];

/** Dialogs about nothing in particular are opened with the kind alone. */
type PropsArgument<K extends DialogKind> = DialogProps[K] extends Record<string, never> ? [] : [DialogProps[K]];

export const useDialogStore = defineStore('dialog', () => {
  const current = shallowRef<OpenDialog | null>(null);
  const isOpen = computed(() => current.value !== null);
  let openings = 0;

  function open<K extends DialogKind>(kind: K, ...props: PropsArgument<K>) {
    current.value = { kind, props: props[0] ?? {}, n: ++openings } as OpenDialog;
  }

  function close() {
    current.value = null;
  }

  return { current, isOpen, open, close };
});
