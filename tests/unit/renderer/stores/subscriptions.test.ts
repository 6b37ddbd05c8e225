/**
 * The subscriptions store fed through the event pump: pending requests with counts per account and
 * overall, policies, notes and blocking support, one trigger per batch, and a 10,000-request flood.
 */
import { createPinia, setActivePinia } from 'pinia';
import { effect } from 'vue';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/shared/contract';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useSubscriptionsStore } from '../../../../src/renderer/src/stores/subscriptions';
import { flush, pumpInto, request, snapshot } from '../fixtures';

function start(initial: Snapshot) {
  return pumpInto(initial, {
    accounts: useAccountsStore(),
    app: useAppStore(),
    subscriptions: useSubscriptionsStore(),
  });
}

describe('subscriptions store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('takes requests, policies, notes and blocking support from the snapshot', async () => {
    const s = start(
      snapshot({
        subscriptionRequests: [
          request('a1', 'romeo@x', { nick: 'Romeo', receivedAt: 2000 }),
          request('a1', 'mallory@evil', { nick: 'Juliet', lookalikeOf: 'juliet@x', receivedAt: 3000 }),
          request('a2', 'romeo@x', { receivedAt: 1000 }),
        ],
        subscriptionPolicies: [{ accountId: 'a2', incoming: 'deny', acceptAsked: false }],
        subscriptionNotes: [{ accountId: 'a1', jid: 'tybalt@x', askedAt: 10, endedAt: 20, ended: 'declined' }],
        blockingAccounts: ['a1'],
      }),
    );
    await flush();
    const sub = s.subscriptions;
    expect(sub.total).toBe(3);
    expect(sub.countOf('a1')).toBe(2);
    expect(sub.countOf('a2')).toBe(1);
    expect(sub.countOf('a3')).toBe(0);
    // Newest first.
    expect(sub.list.map((r) => `${r.accountId}|${r.jid}`)).toEqual(['a1|mallory@evil', 'a1|romeo@x', 'a2|romeo@x']);
    expect(sub.get('a1', 'mallory@evil')?.lookalikeOf).toBe('juliet@x');
    expect(sub.policyOf('a2')).toEqual({ accountId: 'a2', incoming: 'deny', acceptAsked: false });
    // Unknown: the core's default, showing requests.
    expect(sub.policyOf('a1').incoming).toBe('ask');
    expect(sub.noteOf('a1', 'tybalt@x')?.ended).toBe('declined');
    expect(sub.canBlock('a1')).toBe(true);
    expect(sub.canBlock('a2')).toBe(false);
  });

  it('applies events: a redelivered request is not counted twice, removals count down, policies and blocking change', async () => {
    const s = start(snapshot({ subscriptionRequests: [request('a1', 'romeo@x')] }));
    await flush();
    const sub = s.subscriptions;
    s.push({
      events: [
        { type: 'subscription.request', request: request('a1', 'romeo@x', { nick: 'Romeo' }) },
        { type: 'subscription.request', request: request('a1', 'juliet@x', { receivedAt: 5000 }) },
        { type: 'subscription.request', request: request('a2', 'nurse@x') },
      ],
    });
    expect(sub.total).toBe(3);
    expect(sub.countOf('a1')).toBe(2);
    expect(sub.get('a1', 'romeo@x')?.nick).toBe('Romeo');

    s.push({
      events: [
        { type: 'subscription.requestRemoved', accountId: 'a1', jid: 'romeo@x' },
        // Unknown: no change, and no negative count.
        { type: 'subscription.requestRemoved', accountId: 'a1', jid: 'nobody@x' },
        { type: 'subscription.policy', policy: { accountId: 'a1', incoming: 'accept-subscribe', acceptAsked: true } },
        { type: 'subscription.blocking', accountId: 'a1', supported: true },
        {
          type: 'subscription.note',
          note: { accountId: 'a1', jid: 'romeo@x', askedAt: 100, endedAt: null, ended: null },
        },
      ],
    });
    expect(sub.countOf('a1')).toBe(1);
    expect(sub.total).toBe(2);
    expect(sub.list.map((r) => r.jid)).toEqual(['juliet@x', 'nurse@x']);
    expect(sub.policyOf('a1').incoming).toBe('accept-subscribe');
    expect(sub.canBlock('a1')).toBe(true);
    expect(sub.noteOf('a1', 'romeo@x')?.askedAt).toBe(100);

    s.push({ events: [{ type: 'subscription.blocking', accountId: 'a1', supported: false }] });
    expect(sub.canBlock('a1')).toBe(false);
  });

  it('forgets everything of a removed account', async () => {
    const s = start(
      snapshot({
        subscriptionRequests: [request('a1', 'romeo@x'), request('a2', 'romeo@x')],
        subscriptionPolicies: [{ accountId: 'a1', incoming: 'deny', acceptAsked: false }],
        subscriptionNotes: [{ accountId: 'a1', jid: 'romeo@x', askedAt: 1, endedAt: null, ended: null }],
        blockingAccounts: ['a1', 'a2'],
      }),
    );
    await flush();
    const sub = s.subscriptions;
    s.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    expect(sub.total).toBe(1);
    expect(sub.countOf('a1')).toBe(0);
    expect(sub.get('a2', 'romeo@x')).toBeDefined();
    expect(sub.policyOf('a1').incoming).toBe('ask');
    expect(sub.noteOf('a1', 'romeo@x')).toBeUndefined();
    expect(sub.canBlock('a1')).toBe(false);
    expect(sub.canBlock('a2')).toBe(true);
  });

  it('triggers once per batch, and only the maps that changed', async () => {
    const s = start(snapshot());
    await flush();
    const sub = s.subscriptions;
    let totals = 0;
    let policies = 0;
    effect(() => {
      void sub.total;
      totals++;
    });
    effect(() => {
      void sub.policyOf('a1');
      policies++;
    });
    totals = policies = 0;
    s.push({
      events: Array.from({ length: 50 }, (_, i) => ({
        type: 'subscription.request' as const,
        request: request('a1', `u${i}@x`),
      })),
    });
    expect(totals).toBe(1);
    expect(policies).toBe(0);
    s.push({
      events: [
        {
          type: 'presence.own',
          accountId: 'a1',
          presence: { show: 'away', status: null, priority: 0, auto: false },
          recentStatuses: [],
        },
      ],
    });
    expect(totals).toBe(1);
  });

  it('keeps 10,000 requests from distinct JIDs with cheap counts and one sort for the list', async () => {
    const s = start(snapshot());
    await flush();
    const sub = s.subscriptions;
    const started = performance.now();
    for (let batch = 0; batch < 100; batch++) {
      s.push({
        events: Array.from({ length: 100 }, (_, i) => ({
          type: 'subscription.request' as const,
          request: request('a1', `spam${batch * 100 + i}@spam.example`, { receivedAt: batch * 100 + i }),
        })),
      });
      // The badge reads the count after every batch: a counter, not a recount.
      expect(sub.countOf('a1')).toBe((batch + 1) * 100);
    }
    expect(sub.total).toBe(10_000);
    expect(sub.list).toHaveLength(10_000);
    expect(sub.list[0].jid).toBe('spam9999@spam.example');
    // Generous bound for a shared 2-core machine; the real budget is the inbox staying responsive.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
