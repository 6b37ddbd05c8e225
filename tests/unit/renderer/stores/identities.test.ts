/**
 * Who is who in the renderer: the identities store from the snapshot and from events (and forgetting
 * a removed account's), the one name rule (roster name, else their nick, else the local part), and
 * what an avatar without a picture shows.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { IdentityView } from '../../../../src/shared/contract';
import { colourFor, colourKeyOf, initialsOf } from '../../../../src/renderer/src/lib/avatar';
import { displayName } from '../../../../src/renderer/src/lib/roster-model';
import { useIdentitiesStore } from '../../../../src/renderer/src/stores/identities';
import { toIdentityTable } from '../../../../src/shared/identity-table';
import { snapshot } from '../fixtures';

const REF = { id: 'A'.repeat(22), mime: 'image/png' as const, size: 10, width: 8, height: 8 };
const bob: IdentityView = { accountId: 'a1', jid: 'bob@example.org', avatar: REF, nick: 'Bobby' };

beforeEach(() => setActivePinia(createPinia()));

describe('identities store', () => {
  it('takes identities from the snapshot and from events, and forgets a removed account', () => {
    const store = useIdentitiesStore();
    store.applySnapshot(snapshot({ identities: [bob] }));
    expect(store.get('a1', 'bob@example.org')).toEqual(bob);
    store.applyEvents([
      { type: 'identity', identity: { ...bob, nick: 'Robert', avatar: null } },
      { type: 'identity', identity: { accountId: 'a2', jid: 'carol@example.org', avatar: REF, nick: null } },
    ]);
    expect(store.get('a1', 'bob@example.org')).toMatchObject({ nick: 'Robert', avatar: null });
    store.applyEvents([{ type: 'account.removed', id: 'a1' }]);
    expect(store.get('a1', 'bob@example.org')).toBeUndefined();
    expect(store.get('a2', 'carol@example.org')?.avatar).toEqual(REF);
  });

  it('takes identities from the whole snapshot’s table: the avatar’s id and the nickname', () => {
    const store = useIdentitiesStore();
    const carol: IdentityView = { accountId: 'a1', jid: 'carol@example.org', avatar: null, nick: 'Caro' };
    store.applySnapshot(snapshot({ identities: [], identityTable: toIdentityTable([bob, carol]) }));
    expect(store.get('a1', 'bob@example.org')).toEqual({ ...bob, avatar: { id: REF.id } });
    expect(store.get('a1', 'carol@example.org')).toEqual(carol);
    expect(store.byKey.size).toBe(2);
  });
});

describe('names and faces', () => {
  it('names a contact by roster name, else their nick, else the local part', () => {
    expect(displayName({ name: 'Bob B.', jid: 'bob@example.org' }, 'Bobby')).toBe('Bob B.');
    expect(displayName({ name: null, jid: 'bob@example.org' }, '  Bobby ')).toBe('Bobby');
    expect(displayName({ name: ' ', jid: 'bob@example.org' }, null)).toBe('bob');
    expect(displayName({ name: null, jid: 'example.org' })).toBe('example.org');
  });

  it('shows up to two initials on a colour that is the same for the same address', () => {
    expect(initialsOf('Alice Liddell')).toBe('AL');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('  ')).toBe('?');
    expect(initialsOf('émile zola rocks')).toBe('ÉZ');
    expect(colourFor('bob@example.org')).toBe(colourFor('bob@example.org'));
    expect(colourFor('bob@example.org')).not.toBe(colourFor('carol@example.org'));
    expect(colourFor('bob@example.org')).toMatch(/^rgb\(\d+ \d+ \d+\)$/);
    // XEP-0392: a contact by bare JID; an occupant by real JID when the room shows it, else by nick.
    expect(colourKeyOf('bob@example.org')).toBe('bob@example.org');
    expect(colourKeyOf('room@muc.example.org/Bobby')).toBe('Bobby');
    expect(colourKeyOf('room@muc.example.org/Bobby', 'bob@example.org/laptop')).toBe('bob@example.org');
    expect(colourFor(colourKeyOf('room@muc.example.org/Romeo'))).toBe('rgb(177 0 140)');
  });
});
