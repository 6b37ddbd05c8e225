/** The subscription explainer: every state in plain words, and at most one fix. */
import { describe, expect, it } from 'vitest';
import {
  explainSubscription,
  type ExplainInput,
} from '../../../../../src/renderer/src/components/subscription/explain';

const NOW = Date.UTC(2026, 10, 21, 12);
const DAY = 24 * 60 * 60 * 1000;

function explain(extra: Partial<ExplainInput> & Pick<ExplainInput, 'item'>) {
  return explainSubscription({ name: 'Romeo', now: NOW, ...extra });
}

describe('explainSubscription', () => {
  it('both: they see each other, nothing to fix', () => {
    expect(explain({ item: { subscription: 'both', pendingOut: false } })).toEqual({
      text: 'You and Romeo see each other’s status.',
      fix: null,
      state: 'both',
    });
  });

  it('to: we see theirs, they do not see ours (only they can ask)', () => {
    expect(explain({ item: { subscription: 'to', pendingOut: false } })).toEqual({
      text: 'You see Romeo’s status, but Romeo doesn’t see yours.',
      fix: null,
      state: 'to',
    });
  });

  it('from: they see ours; the fix is to ask to see theirs', () => {
    expect(explain({ item: { subscription: 'from', pendingOut: false } })).toEqual({
      text: 'Romeo sees your status, but you don’t see Romeo’s.',
      fix: { action: 'request', label: 'Ask to see Romeo’s status' },
      state: 'from',
    });
  });

  it('none: neither sees the other; the fix is to ask', () => {
    expect(explain({ item: { subscription: 'none', pendingOut: false } })).toEqual({
      text: 'You and Romeo don’t see each other’s status.',
      fix: { action: 'request', label: 'Ask to see Romeo’s status' },
      state: 'none',
    });
  });

  it('pending out: says when we asked, offers to ask again', () => {
    const note = { askedAt: NOW - 3 * DAY, endedAt: null, ended: null };
    expect(explain({ item: { subscription: 'none', pendingOut: true }, note })).toEqual({
      text: 'You asked Romeo 3 days ago; no answer yet. Romeo doesn’t see yours either.',
      fix: { action: 'request', label: 'Ask again' },
      state: 'pending-out',
    });
    expect(explain({ item: { subscription: 'from', pendingOut: true }, note }).text).toBe(
      'You asked Romeo 3 days ago; no answer yet. Romeo sees your status.',
    );
    // Without a note (asked from another client): no time.
    expect(explain({ item: { subscription: 'none', pendingOut: true } }).text).toBe(
      'You asked to see Romeo’s status; no answer yet. Romeo doesn’t see yours either.',
    );
  });

  it('declined: says so, without pushing to ask again', () => {
    const note = { askedAt: NOW - 2 * DAY, endedAt: NOW - DAY, ended: 'declined' as const };
    expect(explain({ item: { subscription: 'none', pendingOut: false }, note })).toEqual({
      text: 'Romeo declined your request yesterday. You don’t see each other’s status.',
      fix: null,
      state: 'declined',
    });
    expect(explain({ item: { subscription: 'from', pendingOut: false }, note }).text).toBe(
      'Romeo declined your request yesterday. Romeo sees your status.',
    );
  });

  it('revoked: they stopped sharing; the fix is to ask again', () => {
    const note = { askedAt: NOW - 9 * DAY, endedAt: NOW - 60_000, ended: 'revoked' as const };
    expect(explain({ item: { subscription: 'from', pendingOut: false }, note })).toEqual({
      text: 'Romeo stopped sharing their status with you, but still sees yours.',
      fix: { action: 'request', label: 'Ask again' },
      state: 'revoked',
    });
    expect(explain({ item: { subscription: 'none', pendingOut: false }, note }).text).toBe(
      'Romeo stopped sharing their status with you. Romeo doesn’t see yours either.',
    );
  });

  it('an ended note older than our last request, or one that no longer applies, is ignored', () => {
    const old = { askedAt: NOW - DAY, endedAt: NOW - 2 * DAY, ended: 'declined' as const };
    expect(explain({ item: { subscription: 'none', pendingOut: false }, note: old }).state).toBe('none');
    // Asked again after the decline: pending wins.
    expect(explain({ item: { subscription: 'none', pendingOut: true }, note: old }).state).toBe('pending-out');
    // They share again now.
    const revoked = { askedAt: null, endedAt: NOW - DAY, ended: 'revoked' as const };
    expect(explain({ item: { subscription: 'both', pendingOut: false }, note: revoked }).state).toBe('both');
  });

  it('pending in: they want to see ours; the fix is to accept, and our side is said too', () => {
    const request = { receivedAt: NOW - 5 * 60_000 };
    expect(explain({ item: { subscription: 'none', pendingOut: false }, request })).toEqual({
      text: 'Romeo wants to see your status (asked 5 minutes ago). You don’t see Romeo’s status.',
      fix: { action: 'accept', label: 'Accept' },
      state: 'pending-in',
    });
    expect(explain({ item: { subscription: 'to', pendingOut: false }, request }).text).toBe(
      'Romeo wants to see your status (asked 5 minutes ago). You see Romeo’s status.',
    );
    const note = { askedAt: NOW - 3 * DAY, endedAt: null, ended: null };
    expect(explain({ item: { subscription: 'none', pendingOut: true }, request, note }).text).toBe(
      'Romeo wants to see your status (asked 5 minutes ago). You asked Romeo 3 days ago; no answer yet.',
    );
    // Already sharing: a stale request is not offered.
    expect(explain({ item: { subscription: 'both', pendingOut: false }, request }).state).toBe('both');
  });
});
