/**
 * The presence coalescing window in a flood: after a window that gathered PRESENCE_FLOOD_CONTACTS
 * contacts or more, the next is PRESENCE_FLOOD_COALESCE_MS long (fewer views built while a login's
 * burst lasts); a quieter window goes back to PRESENCE_COALESCE_MS. Every change is still sent.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../../../src/shared/contract';
import type { EventBus } from '../../../../../../src/main/core/events';
import {
  PRESENCE_COALESCE_MS,
  PRESENCE_FLOOD_COALESCE_MS,
  PRESENCE_FLOOD_CONTACTS,
} from '../../../../../../src/main/core/features/presence/feature';
import { addOnlineAccount, fakeMessenger } from '../../../../../support/fake-messenger';

describe('the presence window in a flood', () => {
  it('waits longer after a window of a flood, and goes back to the short one when it calms', async () => {
    const { messenger, sessions } = await fakeMessenger();
    const events: AppEvent[] = [];
    messenger.subscribe((batch) => events.push(...batch.events));
    const { id, session } = await addOnlineAccount(messenger, sessions);
    const bus = (messenger.presence as unknown as { bus: EventBus }).bus;
    const delayed = (bus as unknown as { delayed: Map<string, { due: number }> }).delayed;
    const windowLeft = () => delayed.get(`presenceContacts:${id}`)!.due - performance.now();
    const flush = () => messenger.invoke('app.snapshot', {});
    const sent = () => new Set(events.flatMap((e) => (e.type === 'presence.contact' ? [e.presence.jid] : []))).size;

    for (let k = 0; k < PRESENCE_FLOOD_CONTACTS; k++) session.receive(`<presence from='c${k}@x/r'/>`);
    expect(windowLeft()).toBeLessThanOrEqual(PRESENCE_COALESCE_MS);
    await flush();
    expect(sent()).toBe(PRESENCE_FLOOD_CONTACTS);

    // The flood goes on: the next window is the long one.
    session.receive(`<presence from='c0@x/r'><show>away</show></presence>`);
    expect(windowLeft()).toBeGreaterThan(PRESENCE_FLOOD_COALESCE_MS - 100);
    await flush();
    const c0 = events.filter((e) => e.type === 'presence.contact' && e.presence.jid === 'c0@x');
    expect(c0.at(-1)).toMatchObject({ presence: { resources: [{ show: 'away' }] } });

    // That window had one contact: the short window again.
    session.receive(`<presence from='c1@x/r'><show>dnd</show></presence>`);
    expect(windowLeft()).toBeLessThanOrEqual(PRESENCE_COALESCE_MS);
    await messenger.close();
  });
});
