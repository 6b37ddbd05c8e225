/**
 * The identities in the window's whole snapshot (shared/identity-table.ts): decoding gives back every
 * identity with what the window draws of it (the avatar's media id, the nickname), for contacts,
 * accounts, room occupants and JIDs without a local part, in a fraction of the views' bytes.
 */
import { describe, expect, it } from 'vitest';
import type { IdentityView } from '../../../src/shared/contract';
import { identitiesOf, toIdentityTable } from '../../../src/shared/identity-table';

const ref = (n: number) => ({
  id: `${String(n).padStart(6, '0')}${'A'.repeat(16)}`,
  mime: 'image/png' as const,
  size: 2_000 + n,
  width: 96,
  height: 96,
});

const VIEWS: IdentityView[] = [
  { accountId: 'a1', jid: 'bob@example.org', avatar: ref(1), nick: 'Bobby' },
  { accountId: 'a1', jid: 'carol@example.org', avatar: ref(2), nick: null },
  { accountId: 'a2', jid: 'me@other.example', avatar: null, nick: 'Me' },
  { accountId: 'a1', jid: 'room@muc.example.org/Dee @ home', avatar: ref(3), nick: null },
  { accountId: 'a1', jid: 'example.org', avatar: ref(4), nick: null },
  { accountId: 'a2', jid: 'dan@example.org', avatar: ref(5), nick: '' },
];

describe('identity table', () => {
  it('gives back each identity with its avatar id and nickname, accounts kept together in order', () => {
    const table = toIdentityTable(VIEWS);
    expect(table.domains).toEqual(['example.org', 'other.example', 'muc.example.org/Dee @ home']);
    const faces = identitiesOf({ identities: [], identityTable: table });
    const byAccount = (views: IdentityView[], accountId: string) => views.filter((v) => v.accountId === accountId);
    const expected = [...byAccount(VIEWS, 'a1'), ...byAccount(VIEWS, 'a2')].map((view) => ({
      ...view,
      avatar: view.avatar ? { id: view.avatar.id } : null,
    }));
    expect(faces).toEqual(expected);
  });

  it('reads the views of a snapshot without a table (a first screen) as they are', () => {
    expect(identitiesOf({ identities: VIEWS })).toEqual(VIEWS);
    expect(identitiesOf({ identities: [] })).toEqual([]);
  });

  it('carries 5,000 kept avatars in under a third of the views’ JSON', () => {
    const views: IdentityView[] = [];
    for (let i = 0; i < 5_000; i++)
      views.push({ accountId: 'bench', jid: `user${i * 2}@example.org`, avatar: ref(i), nick: null });
    const viewBytes = JSON.stringify(views).length;
    const tableBytes = JSON.stringify(toIdentityTable(views)).length;
    expect(tableBytes * 3).toBeLessThan(viewBytes);
  });
});
