import { describe, expect, it } from 'vitest';
import type { ResourcePresence } from '../../../../../../src/shared/presence';
import { MAX_RESOURCES_PER_JID, PresenceTracker } from '../../../../../../src/main/core/features/presence/tracker';

const presence = (resource: string, show: ResourcePresence['show'] = 'available', priority = 0): ResourcePresence => ({
  resource,
  show,
  status: null,
  priority,
  since: Date.now(),
});

function tracked() {
  const signals: string[] = [];
  const tracker = new PresenceTracker((signal, bare, resource) =>
    signals.push(resource === null ? `${signal} ${bare}` : `${signal} ${bare}/${resource}`),
  );
  return { tracker, signals };
}

describe('PresenceTracker', () => {
  it('signals bare available before the resource, and the resource leaving before the bare', () => {
    const { tracker, signals } = tracked();
    tracker.available('bob@x', presence('desk'));
    tracker.available('bob@x', presence('phone', 'away'));
    tracker.available('bob@x', presence('desk', 'dnd'));
    tracker.unavailable('bob@x', 'desk');
    tracker.unavailable('bob@x', 'phone');
    expect(signals).toEqual([
      'bare-available bob@x',
      'available bob@x/desk',
      'available bob@x/phone',
      'changed bob@x/desk',
      'unavailable bob@x/desk',
      'unavailable bob@x/phone',
      'bare-unavailable bob@x',
    ]);
  });

  it('says when it let a contact entry go (so a holder of the entry knows it is no longer current)', () => {
    const { tracker } = tracked();
    tracker.available('bob@x', presence('desk'));
    tracker.available('bob@x', presence('phone'));
    tracker.available('eve@x', presence('r'));
    tracker.available('ann@x', presence('r'));
    const bob = tracker.resources('bob@x')!;
    const eve = tracker.resources('eve@x')!;
    const ann = tracker.resources('ann@x')!;
    tracker.unavailable('bob@x', 'desk');
    expect(bob.dropped).toBe(false);
    tracker.unavailable('bob@x', 'phone');
    expect(bob.dropped).toBe(true);
    tracker.error('eve@x', { condition: 'gone', text: null, since: 0 });
    expect(eve.dropped).toBe(true);
    expect(ann.dropped).toBe(false);
    tracker.clear();
    expect(ann.dropped).toBe(true);
    // Back: a new entry, current.
    tracker.available('bob@x', presence('desk'));
    expect(tracker.resources('bob@x')).not.toBe(bob);
    expect(tracker.resources('bob@x')!.dropped).toBe(false);
  });

  it('adds to a JID already looked up with the same signals and resource cap as available', () => {
    const { tracker, signals } = tracked();
    tracker.available('bob@x', presence('desk'));
    const resources = tracker.resources('bob@x')!;
    expect(tracker.availableIn(resources, presence('phone', 'away'))).toBe(true);
    expect(tracker.availableIn(resources, presence('desk', 'xa'))).toBe(true);
    expect(signals).toEqual([
      'bare-available bob@x',
      'available bob@x/desk',
      'available bob@x/phone',
      'changed bob@x/desk',
    ]);
    expect(tracker.aggregate('bob@x')?.resource).toBe('phone');
    for (let k = 2; k < MAX_RESOURCES_PER_JID; k++) tracker.availableIn(resources, presence(`r${k}`));
    expect(tracker.availableIn(resources, presence('one-too-many'))).toBe(false);
    expect(tracker.resources('bob@x')?.size).toBe(MAX_RESOURCES_PER_JID);
  });

  it('aggregates to the most available resource as resources change', () => {
    const { tracker } = tracked();
    tracker.available('bob@x', presence('desk', 'away', 10));
    tracker.available('bob@x', presence('phone', 'chat', 9));
    expect(tracker.aggregate('bob@x')?.resource).toBe('phone');
    tracker.available('bob@x', presence('phone', 'xa', 9));
    expect(tracker.aggregate('bob@x')?.resource).toBe('desk');
    tracker.unavailable('bob@x', 'desk');
    expect(tracker.aggregate('bob@x')?.resource).toBe('phone');
  });

  it('an error presence replaces every resource until the next available one', () => {
    const { tracker, signals } = tracked();
    tracker.available('bob@x', presence('desk'));
    tracker.available('bob@x', presence('phone'));
    signals.length = 0;
    tracker.error('bob@x', { condition: 'remote-server-not-found', text: null, since: 1 });
    expect(signals).toEqual(['unavailable bob@x/desk', 'unavailable bob@x/phone', 'bare-unavailable bob@x']);
    expect(tracker.aggregate('bob@x')).toBeUndefined();
    expect(tracker.errorOf('bob@x')?.condition).toBe('remote-server-not-found');
    tracker.available('bob@x', presence('desk'));
    expect(tracker.errorOf('bob@x')).toBeUndefined();
  });

  it('ignores unavailable from unknown resources and caps resources per JID', () => {
    const { tracker, signals } = tracked();
    tracker.unavailable('bob@x', 'ghost');
    expect(signals).toEqual([]);
    for (let i = 0; i < 5_000; i++) tracker.available('bob@x', presence(`r${i}`));
    expect(tracker.resources('bob@x')?.size).toBe(MAX_RESOURCES_PER_JID);
    expect(tracker.available('bob@x', presence('r0', 'dnd'))).toBe(true);
  });

  it('clear (a new session) signals every departure and forgets errors', () => {
    const { tracker, signals } = tracked();
    tracker.available('a@x', presence('1'));
    tracker.error('b@x', { condition: 'gone', text: null, since: 1 });
    signals.length = 0;
    tracker.clear();
    expect(signals).toEqual(['unavailable a@x/1', 'bare-unavailable a@x']);
    expect(tracker.availableCount).toBe(0);
    expect(tracker.errorOf('b@x')).toBeUndefined();
  });
});
