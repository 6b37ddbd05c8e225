/**
 * Subscriptions (RFC 6121 §3): pending incoming requests by (account, JID), each account's policy,
 * the notes the explainer needs (when we asked, whether they declined or stopped sharing), and which
 * accounts' servers offer blocking. Maps live in shallowRefs triggered once per batch; the pending
 * count per account is a counter moved by each change, so badges never recount 10,000 requests.
 * The sorted list for the inbox is computed only while something reads it.
 */
import { defineStore } from 'pinia';
import { ChangedRefs } from '../lib/changed-refs';
import { computed, shallowRef, triggerRef } from 'vue';
import type {
  AppEvent,
  Snapshot,
  SubscriptionNoteView,
  SubscriptionPolicyView,
  SubscriptionRequestView,
} from '../../../shared/contract';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

/** What the core does until it has told us the account's policy (its default: show the request). */
export function defaultPolicy(accountId: string): SubscriptionPolicyView {
  return { accountId, incoming: 'ask', acceptAsked: true };
}

/** Newest first; the same second by address, so the order is stable. */
export function compareRequests(a: SubscriptionRequestView, b: SubscriptionRequestView): number {
  return b.receivedAt - a.receivedAt || (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : a.accountId < b.accountId ? -1 : 1);
}

export const useSubscriptionsStore = defineStore('subscriptions', () => {
  /** By entryKey(accountId, jid). */
  const requests = shallowRef(new Map<string, SubscriptionRequestView>());
  /** Pending requests per account id (accounts with none are absent). */
  const counts = shallowRef(new Map<string, number>());
  const policies = shallowRef(new Map<string, SubscriptionPolicyView>());
  /** By entryKey(accountId, jid). */
  const notes = shallowRef(new Map<string, SubscriptionNoteView>());
  /** Account ids whose server offers XEP-0191 blocking. */
  const blocking = shallowRef(new Set<string>());

  const total = computed(() => requests.value.size);
  /** Every pending request, newest first (sorted once per change, and only while shown). */
  const list = computed(() => [...requests.value.values()].sort(compareRequests));

  function countOf(accountId: string): number {
    return counts.value.get(accountId) ?? 0;
  }

  function get(accountId: string, jid: string): SubscriptionRequestView | undefined {
    return requests.value.get(entryKey(accountId, jid));
  }

  function noteOf(accountId: string, jid: string): SubscriptionNoteView | undefined {
    return notes.value.get(entryKey(accountId, jid));
  }

  function policyOf(accountId: string): SubscriptionPolicyView {
    return policies.value.get(accountId) ?? defaultPolicy(accountId);
  }

  function canBlock(accountId: string): boolean {
    return blocking.value.has(accountId);
  }

  function bump(accountId: string, by: number) {
    const next = (counts.value.get(accountId) ?? 0) + by;
    if (next > 0) counts.value.set(accountId, next);
    else counts.value.delete(accountId);
  }

  function applySnapshot(snapshot: Snapshot) {
    const map = new Map<string, SubscriptionRequestView>();
    const perAccount = new Map<string, number>();
    for (const request of snapshot.subscriptionRequests ?? []) {
      const key = entryKey(request.accountId, request.jid);
      if (!map.has(key)) perAccount.set(request.accountId, (perAccount.get(request.accountId) ?? 0) + 1);
      map.set(key, request);
    }
    requests.value = map;
    counts.value = perAccount;
    policies.value = new Map((snapshot.subscriptionPolicies ?? []).map((policy) => [policy.accountId, policy]));
    notes.value = new Map((snapshot.subscriptionNotes ?? []).map((note) => [entryKey(note.accountId, note.jid), note]));
    blocking.value = new Set(snapshot.blockingAccounts ?? []);
  }

  /** One action per batch: every subscription event in order, then one trigger per map that changed. */
  function applyEvents(events: readonly AppEvent[]) {
    const map = requests.value;
    const changed = new ChangedRefs();
    for (const event of events) {
      switch (event.type) {
        case 'subscription.request': {
          const key = entryKey(event.request.accountId, event.request.jid);
          if (!map.has(key)) {
            bump(event.request.accountId, 1);
            changed.mark(counts);
          }
          changed.set(requests, key, event.request);
          break;
        }
        case 'subscription.requestRemoved':
          if (map.delete(entryKey(event.accountId, event.jid))) {
            bump(event.accountId, -1);
            changed.mark(requests);
            changed.mark(counts);
          }
          break;
        case 'subscription.policy':
          changed.set(policies, event.policy.accountId, event.policy);
          break;
        case 'subscription.note':
          changed.set(notes, entryKey(event.note.accountId, event.note.jid), event.note);
          break;
        case 'subscription.blocking':
          if (event.supported) blocking.value.add(event.accountId);
          else blocking.value.delete(event.accountId);
          changed.mark(blocking);
          break;
        case 'account.removed':
          // Rare: one pass over the maps is fine here.
          changed.mark(requests, dropAccountEntries(map, event.id));
          changed.delete(counts, event.id);
          changed.mark(notes, dropAccountEntries(notes.value, event.id));
          changed.delete(policies, event.id);
          changed.mark(blocking, blocking.value.delete(event.id));
          break;
      }
    }
    changed.trigger();
  }

  /** Shows an answered policy at once (the core also sends subscription.policy). */
  function setPolicy(policy: SubscriptionPolicyView) {
    policies.value.set(policy.accountId, policy);
    triggerRef(policies);
  }

  return {
    requests,
    counts,
    policies,
    notes,
    blocking,
    total,
    list,
    countOf,
    get,
    noteOf,
    policyOf,
    canBlock,
    applySnapshot,
    applyEvents,
    setPolicy,
  };
});
