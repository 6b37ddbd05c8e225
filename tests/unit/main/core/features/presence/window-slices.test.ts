/**
 * A large presence window is built in slices: at most PRESENCE_SLICE_VIEWS views a batch, so a
 * flood's window of thousands of contacts does not hold the loop in one turn. Every marked contact
 * is still sent once per window, in the order it was marked, with its state when its slice was
 * built (a contact changed while the slices go out is never sent older after newer), and a flush
 * (app.snapshot) sends what is left at once.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent, ContactPresenceView } from '../../../../../../src/shared/contract';
import { PRESENCE_SLICE_VIEWS } from '../../../../../../src/main/core/features/presence/feature';
import { addOnlineAccount, fakeMessenger } from '../../../../../support/fake-messenger';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp() {
  const { messenger, sessions } = await fakeMessenger();
  const batches: ContactPresenceView[][] = [];
  // Resolved from the listener: an await on it resumes before any timer, so before the next slice.
  let firstSlice: () => void = () => {};
  const nextSlice = () => new Promise<void>((resolve) => (firstSlice = resolve));
  messenger.subscribe((batch) => {
    const views = batch.events.flatMap((e: AppEvent) => (e.type === 'presence.contact' ? [e.presence] : []));
    if (views.length > 0) {
      batches.push(views);
      firstSlice();
    }
  });
  const { id, session } = await addOnlineAccount(messenger, sessions);
  await messenger.invoke('app.snapshot', {});
  batches.length = 0;
  return { messenger, session, batches, id, nextSlice };
}

/** Waits until `done` holds (the bus's timers send the window and its slices). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await sleep(10);
}

describe('a presence window built in slices', () => {
  const count = PRESENCE_SLICE_VIEWS * 2 + 7;
  const jids = Array.from({ length: count }, (_, k) => `c${k}@x`);

  it('sends every marked contact once, in marking order, one slice a batch', async () => {
    const { messenger, session, batches } = await setUp();
    for (const jid of jids) session.receive(`<presence from='${jid}/r'/>`);
    await until(() => batches.flat().length >= count);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(PRESENCE_SLICE_VIEWS);
    expect(batches.flat().map((v) => v.jid)).toEqual(jids);
    await messenger.close();
  });

  it('sends a contact changed while the slices go out with its newer state, never the older after it', async () => {
    const { messenger, session, batches, nextSlice } = await setUp();
    const first = nextSlice();
    for (const jid of jids) session.receive(`<presence from='${jid}/r'/>`);
    // The first slice is out; the last contact (in a later slice) and the first (sent) change now.
    await first;
    expect(batches.flat().length).toBeLessThan(count);
    session.receive(`<presence from='${jids[count - 1]}/r'><show>dnd</show></presence>`);
    session.receive(`<presence from='${jids[0]}/r'><show>away</show></presence>`);
    // A flush sends what is left of the window and the new one at once.
    await messenger.invoke('app.snapshot', {});
    const views = batches.flat();
    const shows = (jid: string) => views.filter((v) => v.jid === jid).map((v) => v.resources[0]?.show);
    expect(shows(jids[0])).toEqual(['available', 'away']);
    // Built after it changed: sent as it is now (once with its old window, once with the new one).
    expect(shows(jids[count - 1]).at(-1)).toBe('dnd');
    expect(shows(jids[count - 1])).not.toContain('available');
    // Every contact of the first window was sent.
    expect(new Set(views.map((v) => v.jid))).toEqual(new Set(jids));
    await messenger.close();
  });
  it('sends nothing more of a window whose account was removed while its slices went out', async () => {
    const { messenger, session, batches, id, nextSlice } = await setUp();
    // Ten slices: the removal ends long before the last one would go out.
    const many = Array.from({ length: PRESENCE_SLICE_VIEWS * 10 }, (_, k) => `m${k}@x`);
    const first = nextSlice();
    for (const jid of many) session.receive(`<presence from='${jid}/r'/>`);
    await first;
    const removed = await messenger.invoke('account.remove', { id });
    expect(removed.ok).toBe(true);
    const sent = batches.flat().length;
    expect(sent).toBeLessThan(many.length);
    await sleep(100);
    await messenger.invoke('app.snapshot', {});
    expect(batches.flat().length).toBe(sent);
    await messenger.close();
  });
});
