/**
 * End-to-end encryption as the views need it: each open one-to-one conversation's setting (the lock)
 * and the devices of the JIDs shown (a contact's panel, the new-device prompt), asked for when a view
 * opens and kept current by `encryption.conversation` and `encryption.devices` events. Maps live in
 * shallowRefs triggered once per batch.
 */
import { defineStore } from 'pinia';
import { ChangedRefs } from '../lib/changed-refs';
import { shallowRef, triggerRef } from 'vue';
import type {
  AppEvent,
  ConversationEncryptionView,
  EncryptionDevicesView,
  LinkVerification,
  Snapshot,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { Transport } from '../api/types';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

export const useEncryptionStore = defineStore('encryption', () => {
  const conversations = shallowRef(new Map<string, ConversationEncryptionView>());
  const devices = shallowRef(new Map<string, EncryptionDevicesView>());

  function conversation(accountId: string, jid: string): ConversationEncryptionView | undefined {
    return conversations.value.get(entryKey(accountId, jid));
  }

  function devicesOf(accountId: string, jid: string): EncryptionDevicesView | undefined {
    return devices.value.get(entryKey(accountId, jid));
  }

  function putConversation(view: ConversationEncryptionView): void {
    conversations.value.set(entryKey(view.accountId, view.conversation), view);
  }

  function putDevices(view: EncryptionDevicesView): void {
    devices.value.set(entryKey(view.accountId, view.jid), view);
  }

  function applyEvents(events: readonly AppEvent[]): void {
    const changed = new ChangedRefs();
    for (const event of events) {
      if (event.type === 'encryption.conversation') {
        putConversation(event.conversation);
        changed.mark(conversations);
      } else if (event.type === 'encryption.devices') {
        putDevices(event.devices);
        changed.mark(devices);
      } else if (event.type === 'account.removed') {
        changed.mark(conversations, dropAccountEntries(conversations.value, event.id));
        changed.mark(devices, dropAccountEntries(devices.value, event.id));
      }
    }
    changed.trigger();
  }

  /** A new snapshot (the link came back): what was shown is asked for again by the views. */
  function applySnapshot(_snapshot: Snapshot): void {
    conversations.value = new Map();
    devices.value = new Map();
  }

  /** Keeps the conversation setting the core answered with; hands the answer back as it came. */
  function keepConversation(result: Result<ConversationEncryptionView>): Result<ConversationEncryptionView> {
    if (result.ok) {
      putConversation(result.value);
      triggerRef(conversations);
    }
    return result;
  }

  /** Keeps the device list the core answered with; hands the answer back as it came. */
  function keepDevices(result: Result<EncryptionDevicesView>): Result<EncryptionDevicesView> {
    if (result.ok) {
      putDevices(result.value);
      triggerRef(devices);
    }
    return result;
  }

  /** The conversation's setting (the core reads the contact's devices again in the background). */
  async function loadConversation(
    api: Transport,
    accountId: string,
    jid: string,
  ): Promise<Result<ConversationEncryptionView>> {
    return keepConversation(await api.invoke('encryption.conversation', { accountId, conversation: jid }));
  }

  async function setEncrypted(
    api: Transport,
    accountId: string,
    jid: string,
    encrypted: boolean,
  ): Promise<Result<ConversationEncryptionView>> {
    return keepConversation(await api.invoke('encryption.setEncrypted', { accountId, conversation: jid, encrypted }));
  }

  async function loadDevices(api: Transport, accountId: string, jid: string): Promise<Result<EncryptionDevicesView>> {
    return keepDevices(await api.invoke('encryption.devices', { accountId, jid }));
  }

  async function setTrust(
    api: Transport,
    accountId: string,
    jid: string,
    fingerprint: string,
    trust: 'verified' | 'untrusted',
  ): Promise<Result<EncryptionDevicesView>> {
    return keepDevices(await api.invoke('encryption.setTrust', { accountId, jid, fingerprint, trust }));
  }

  /** A pasted verification link: the devices it names are verified unless one mismatches. */
  async function verifyLink(
    api: Transport,
    accountId: string,
    jid: string,
    link: string,
  ): Promise<Result<LinkVerification>> {
    const result = await api.invoke('encryption.verifyLink', { accountId, jid, link });
    if (result.ok) keepDevices({ ok: true, value: result.value.devices });
    return result;
  }

  /** A new identity key for the account (the user confirmed); answers our own devices. */
  async function newKey(api: Transport, accountId: string): Promise<Result<EncryptionDevicesView>> {
    return keepDevices(await api.invoke('encryption.newKey', { accountId }));
  }

  return {
    conversations,
    devices,
    conversation,
    devicesOf,
    applyEvents,
    applySnapshot,
    loadConversation,
    setEncrypted,
    loadDevices,
    setTrust,
    verifyLink,
    newKey,
  };
});
