/**
 * Uploads and downloads of this run as the core announced them (TransferView), by id, and what went
 * wrong while handing files to the core (a file too large, no upload service), per conversation,
 * until the user dismisses it (or removes the account). Each map's shallowRef is triggered once per batch.
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { AppEvent, ConversationKind, Snapshot, StagedFileView, TransferView } from '../../../shared/contract';
import { ChangedRefs } from '../lib/changed-refs';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

export interface SendProblem {
  id: number;
  /** The file's name. */
  name: string;
  /** Already worded. */
  text: string;
  /** A picture that would leave with its metadata: the user is asked to send it as it is, or not. */
  asIs?: { file: StagedFileView; kind: ConversationKind };
}

export const useTransfersStore = defineStore('transfers', () => {
  const byId = shallowRef(new Map<string, TransferView>());
  const problems = shallowRef(new Map<string, SendProblem[]>());
  let nextProblem = 1;

  function get(id: string): TransferView | undefined {
    return byId.value.get(id);
  }

  /** The uploads into a conversation, oldest first. */
  function uploadsTo(accountId: string, conversation: string): TransferView[] {
    return [...byId.value.values()].filter(
      (t) => t.direction === 'upload' && t.accountId === accountId && t.conversation === conversation,
    );
  }

  /** The latest download of the file a message shares. */
  function downloadOf(accountId: string, messageId: number): TransferView | undefined {
    let found: TransferView | undefined;
    for (const t of byId.value.values()) {
      if (t.direction === 'download' && t.accountId === accountId && t.messageId === messageId) found = t;
    }
    return found;
  }

  /** Puts a command's answer in at once (its event may come a moment later). */
  function put(transfer: TransferView) {
    byId.value.set(transfer.id, transfer);
    triggerRef(byId);
  }

  function problemsIn(accountId: string, conversation: string): readonly SendProblem[] {
    return problems.value.get(entryKey(accountId, conversation)) ?? [];
  }

  function addProblem(accountId: string, conversation: string, name: string, text: string, asIs?: SendProblem['asIs']) {
    const key = entryKey(accountId, conversation);
    const problem: SendProblem = { id: nextProblem++, name, text, ...(asIs ? { asIs } : {}) };
    problems.value.set(key, [...(problems.value.get(key) ?? []), problem]);
    triggerRef(problems);
  }

  function dismissProblem(accountId: string, conversation: string, id: number) {
    const key = entryKey(accountId, conversation);
    problems.value.set(
      key,
      (problems.value.get(key) ?? []).filter((p) => p.id !== id),
    );
    triggerRef(problems);
  }

  function applySnapshot(snapshot: Snapshot) {
    byId.value = new Map((snapshot.transfers ?? []).map((t) => [t.id, t]));
  }

  function applyEvents(events: readonly AppEvent[]) {
    const changed = new ChangedRefs();
    for (const event of events) {
      if (event.type === 'transfer') {
        changed.set(byId, event.transfer.id, event.transfer);
      } else if (event.type === 'transfer.removed') {
        changed.delete(byId, event.id);
      } else if (event.type === 'account.removed') {
        for (const [id, t] of byId.value) if (t.accountId === event.id) changed.delete(byId, id);
        changed.mark(problems, dropAccountEntries(problems.value, event.id));
      }
    }
    changed.trigger();
  }

  return {
    byId,
    get,
    uploadsTo,
    downloadOf,
    put,
    problemsIn,
    addProblem,
    dismissProblem,
    applySnapshot,
    applyEvents,
  };
});
