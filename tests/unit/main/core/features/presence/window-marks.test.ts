/**
 * The presence window's marks: a contact is marked through its tracker entry (a field) or by JID
 * (when it has none at hand); however it was marked, and however often its entry was replaced in
 * the window (it left and came back), each window sends one view of it, built from its state at
 * the window's end, and a window sends nothing for a contact that was not marked in it.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent, ContactPresenceView } from '../../../../../../src/shared/contract';
import { addOnlineAccount, fakeMessenger } from '../../../../../support/fake-messenger';

async function setUp() {
  const { messenger, sessions } = await fakeMessenger();
  const batches: AppEvent[][] = [];
  messenger.subscribe((batch) => batches.push(batch.events));
  const { session } = await addOnlineAccount(messenger, sessions);
  const window = async (): Promise<ContactPresenceView[]> => {
    batches.length = 0;
    await messenger.invoke('app.snapshot', {});
    return batches.flat().flatMap((e) => (e.type === 'presence.contact' ? [e.presence] : []));
  };
  await window();
  return { messenger, session, window };
}

describe('the presence window', () => {
  it('sends one view per contact however it was marked, with its state at the window end', async () => {
    const { messenger, session, window } = await setUp();
    // c0: new (marked by JID), changed (through its entry), gone (by JID), back (a new entry), changed again.
    session.receive(`<presence from='c0@x/r'/>`);
    session.receive(`<presence from='c0@x/r'><show>away</show></presence>`);
    session.receive(`<presence from='c0@x/r' type='unavailable'/>`);
    session.receive(`<presence from='c0@x/r'><show>xa</show></presence>`);
    session.receive(`<presence from='c0@x/r'><show>dnd</show></presence>`);
    // c1: online, then gone within the window (its entry is marked, then dropped by the tracker).
    session.receive(`<presence from='c1@x/a'/>`);
    session.receive(`<presence from='c1@x/a'><show>chat</show></presence>`);
    session.receive(`<presence from='c1@x/a' type='unavailable'/>`);
    // c2: a second resource and a change of the first.
    session.receive(`<presence from='c2@x/a'/>`);
    session.receive(`<presence from='c2@x/b'><show>away</show></presence>`);
    session.receive(`<presence from='c2@x/a'><show>chat</show></presence>`);

    const views = await window();
    expect(views.map((v) => v.jid).sort()).toEqual(['c0@x', 'c1@x', 'c2@x']);
    const of = (jid: string) => views.find((v) => v.jid === jid)!;
    expect(of('c0@x').resources.map((r) => r.show)).toEqual(['dnd']);
    expect(of('c1@x').resources).toEqual([]);
    expect(of('c1@x').lastSeen).toMatchObject({ resource: 'a' });
    expect(of('c2@x').resources.map((r) => [r.resource, r.show])).toEqual([
      ['a', 'chat'],
      ['b', 'away'],
    ]);

    // The next window: only what was marked in it, however it was marked in the one before.
    session.receive(`<presence from='c2@x/b'><show>xa</show></presence>`);
    const next = await window();
    expect(next.map((v) => v.jid)).toEqual(['c2@x']);
    expect(next[0].resources.map((r) => r.show)).toEqual(['chat', 'xa']);
    // Nothing marked: nothing built.
    expect(await window()).toEqual([]);
    await messenger.close();
  });
});
