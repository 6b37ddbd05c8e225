import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../src/shared/contract';
import { withoutContactPresence } from '../../../src/renderer/src/api/pump';

const contact = (jid: string): AppEvent => ({
  type: 'presence.contact',
  presence: { accountId: 'a1', jid, error: null, directed: false, lastSeen: null, resources: [] },
});

describe('event pump: the batch for stores other than presence', () => {
  it('leaves out contacts’ presence and keeps every other event in order', () => {
    const removed: AppEvent = { type: 'account.removed', id: 'a2' };
    const sync: AppEvent = {
      type: 'roster.sync',
      sync: { accountId: 'a1', state: 'synced', version: null, syncedAt: 1 },
    };
    expect(withoutContactPresence([contact('x@y'), removed, contact('z@y'), sync, contact('w@y')])).toEqual([
      removed,
      sync,
    ]);
    expect(withoutContactPresence([contact('x@y')])).toEqual([]);
  });

  it('hands back the batch itself when it has no contact presence', () => {
    const events: AppEvent[] = [{ type: 'account.removed', id: 'a2' }];
    expect(withoutContactPresence(events)).toBe(events);
  });
});
