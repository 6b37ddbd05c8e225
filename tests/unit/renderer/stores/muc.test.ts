/**
 * The group-chat store fed through the event pump (rooms, occupants by nick in role and affiliation
 * groups, notices, bookmarks, invites), and the helpers the occupant list uses: grouping rows,
 * visible nicks, look-alike detection and what our role and affiliation allow.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/shared/contract';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useMucStore } from '../../../../src/renderer/src/stores/muc';
import { OccupantIndex } from '../../../../src/renderer/src/lib/muc-occupants';
import { contactSkeletons, imitatedContact, visibleNick } from '../../../../src/renderer/src/lib/muc-nick';
import { moderationActions } from '../../../../src/renderer/src/components/muc/describe';
import { flush, occupant, pumpInto, room, snapshot } from '../fixtures';
import { roomNoticeText } from '../../../../src/renderer/src/lib/words/muc';

const ROOM = 'tea@conference.x';

function start(initial: Snapshot) {
  return pumpInto(initial, { accounts: useAccountsStore(), app: useAppStore(), muc: useMucStore() });
}

function nicks(index: OccupantIndex, grouping: 'role' | 'affiliation'): string[] {
  const out: string[] = [];
  for (let i = 0; i < index.rowCount(grouping); i++) {
    const row = index.rowAt(grouping, i)!;
    out.push(row.kind === 'group' ? `[${row.bucket.group} ${row.bucket.entries.length}]` : row.entry.nick);
  }
  return out;
}

describe('muc store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('takes rooms, occupants, notices, bookmarks and invites from the snapshot', async () => {
    const s = start(
      snapshot({
        rooms: [room({ occupantCount: 2 })],
        occupants: [occupant('me', { self: true, role: 'moderator', affiliation: 'owner' }), occupant('bob')],
        roomNotices: [{ accountId: 'a1', room: ROOM, at: 1, code: 'muc.created' }],
        bookmarks: [{ accountId: 'a1', room: ROOM, name: 'Tea', nick: null, autojoin: true, hasPassword: false }],
        roomInvites: [
          {
            accountId: 'a1',
            id: 'i1',
            room: 'x@conference.x',
            from: 'romeo@x',
            claimedInviter: null,
            stranger: false,
            reason: null,
            kind: 'direct',
            at: 1,
          },
        ],
      }),
    );
    await flush();
    expect(s.muc.room('a1', ROOM)?.state).toBe('joined');
    const index = s.muc.occupantsOf('a1', ROOM)!;
    expect(index.size).toBe(2);
    expect(index.self?.nick).toBe('me');
    expect(nicks(index, 'role')).toEqual(['[moderator 1]', 'me', '[participant 1]', 'bob']);
    expect(s.muc.noticesOf('a1', ROOM).map(roomNoticeText)).toEqual([
      'You created this room; it uses the default configuration.',
    ]);
    expect(s.muc.bookmark('a1', ROOM)?.name).toBe('Tea');
    expect(s.muc.inviteList.map((i) => i.id)).toEqual(['i1']);
  });

  it('applies occupants changed and left, moves them between groups, and drops a removed room', async () => {
    const s = start(snapshot({ rooms: [room()] }));
    await flush();
    s.push({
      events: [
        {
          type: 'muc.occupants',
          accountId: 'a1',
          room: ROOM,
          changed: [occupant('carol'), occupant('bob'), occupant('dave', { role: 'visitor' })],
          left: [],
        },
      ],
    });
    const index = s.muc.occupantsOf('a1', ROOM)!;
    expect(nicks(index, 'role')).toEqual(['[participant 2]', 'bob', 'carol', '[visitor 1]', 'dave']);
    // Voice granted to dave, bob made a member, carol left, a nick change (303) seen as left + changed.
    s.push({
      events: [
        {
          type: 'muc.occupants',
          accountId: 'a1',
          room: ROOM,
          changed: [occupant('dave'), occupant('bob', { affiliation: 'member' }), occupant('erin')],
          left: ['carol'],
        },
        {
          type: 'muc.notice',
          notice: {
            accountId: 'a1',
            room: ROOM,
            at: 2,
            code: 'muc.kicked',
            nick: 'carol',
            actor: null,
            reason: null,
          },
        },
      ],
    });
    expect(nicks(index, 'role')).toEqual(['[participant 3]', 'bob', 'dave', 'erin']);
    expect(nicks(index, 'affiliation')).toEqual(['[member 1]', 'bob', '[none 2]', 'dave', 'erin']);
    expect(index.indexOf('role', 'erin')).toBe(3);
    expect(s.muc.noticesOf('a1', ROOM).map(roomNoticeText)).toEqual(['carol was kicked.']);

    s.push({ events: [{ type: 'muc.roomRemoved', accountId: 'a1', room: ROOM }] });
    expect(s.muc.room('a1', ROOM)).toBeUndefined();
    expect(s.muc.occupantsOf('a1', ROOM)).toBeUndefined();
    expect(s.muc.noticesOf('a1', ROOM)).toEqual([]);
  });

  it('replaces bookmarks per account and adds and removes invites', async () => {
    const s = start(snapshot());
    await flush();
    const mark = { accountId: 'a1', room: ROOM, name: null, nick: 'me', autojoin: false, hasPassword: false };
    s.push({ events: [{ type: 'muc.bookmarks', accountId: 'a1', bookmarks: [mark] }] });
    expect(s.muc.bookmarksOf('a1')).toHaveLength(1);
    s.push({ events: [{ type: 'muc.bookmarks', accountId: 'a1', bookmarks: [] }] });
    expect(s.muc.bookmarksOf('a1')).toHaveLength(0);
    const invite = {
      accountId: 'a1',
      id: 'z',
      room: ROOM,
      from: 'r@x',
      claimedInviter: null,
      stranger: false,
      reason: 'hi',
      kind: 'direct' as const,
      at: 5,
    };
    s.push({ events: [{ type: 'muc.invite', invite }] });
    expect(s.muc.inviteList).toHaveLength(1);
    s.push({ events: [{ type: 'muc.inviteRemoved', accountId: 'a1', id: 'z' }] });
    expect(s.muc.inviteList).toHaveLength(0);
  });

  it("drops a removed account's rooms, occupants, notices, bookmarks and invites, and keeps another's", async () => {
    const invite = (accountId: string) => ({
      accountId,
      id: 'i1',
      room: ROOM,
      from: 'r@x',
      claimedInviter: null,
      stranger: false,
      reason: null,
      kind: 'direct' as const,
      at: 1,
    });
    const mark = (accountId: string) => ({
      accountId,
      room: ROOM,
      name: null,
      nick: null,
      autojoin: false,
      hasPassword: false,
    });
    // 'a1' is a prefix of 'a11': only the removed account's own keys go.
    const s = start(
      snapshot({
        rooms: [room(), room({ accountId: 'a11' })],
        occupants: [occupant('bob'), occupant('bob', { accountId: 'a11' })],
        roomNotices: [{ accountId: 'a1', room: ROOM, at: 1, code: 'muc.created' }],
        bookmarks: [mark('a1'), mark('a11')],
        roomInvites: [invite('a1'), invite('a11')],
      }),
    );
    await flush();
    s.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    expect(s.muc.room('a1', ROOM)).toBeUndefined();
    expect(s.muc.occupantsOf('a1', ROOM)).toBeUndefined();
    expect(s.muc.noticesOf('a1', ROOM)).toEqual([]);
    expect(s.muc.bookmarksOf('a1')).toHaveLength(0);
    expect(s.muc.inviteList.map((i) => i.accountId)).toEqual(['a11']);
    expect(s.muc.room('a11', ROOM)?.state).toBe('joined');
    expect(s.muc.occupantsOf('a11', ROOM)?.size).toBe(1);
    expect(s.muc.bookmarksOf('a11')).toHaveLength(1);
  });

  it('applies a 5,000-occupant join in one pass and a single change without re-sorting', async () => {
    const s = start(snapshot({ rooms: [room()] }));
    await flush();
    const changed = Array.from({ length: 5000 }, (_, i) =>
      occupant(`user${String(i).padStart(4, '0')}`, {
        role: i % 50 === 0 ? 'moderator' : i % 7 === 0 ? 'visitor' : 'participant',
      }),
    );
    const started = performance.now();
    s.push({ events: [{ type: 'muc.occupants', accountId: 'a1', room: ROOM, changed, left: [] }] });
    const joinMs = performance.now() - started;
    const index = s.muc.occupantsOf('a1', ROOM)!;
    expect(index.size).toBe(5000);
    const groups = index.buckets('role').map((b) => b.entries.length);
    expect(groups).toEqual([
      100,
      changed.filter((o) => o.role === 'participant').length,
      changed.filter((o) => o.role === 'visitor').length,
    ]);
    const one = performance.now();
    s.push({
      events: [
        {
          type: 'muc.occupants',
          accountId: 'a1',
          room: ROOM,
          changed: [occupant('user0001', { role: 'visitor' })],
          left: ['user0002'],
        },
      ],
    });
    const oneMs = performance.now() - one;
    expect(index.size).toBe(4999);
    expect(index.rowAt('role', index.indexOf('role', 'user0001'))?.kind).toBe('occupant');
    console.info(
      `muc store: 5,000-occupant join applied in ${joinMs.toFixed(1)} ms; one change in ${oneMs.toFixed(2)} ms`,
    );
  });
});

describe('occupant helpers', () => {
  it('shows hidden characters as markers and leaves plain nicks alone', () => {
    expect(visibleNick('alice')).toEqual({ text: 'alice', hidden: false });
    expect(visibleNick('ali\u200Bce')).toEqual({ text: 'ali⟨U+200B⟩ce', hidden: true });
    expect(visibleNick('\u202Eecila').text).toBe('⟨U+202E⟩ecila');
    expect(visibleNick('x'.repeat(100_000)).text.length).toBeLessThanOrEqual(257);
  });

  it('flags a nick that imitates a contact unless the real JID is that contact', () => {
    const skeletons = contactSkeletons([{ jid: 'romeo@x', name: 'Romeo' }]);
    expect(imitatedContact('Rоmeo', null, skeletons)?.jid).toBe('romeo@x'); // Cyrillic о
    expect(imitatedContact('Romeo\u200B', 'mallory@evil/phone', skeletons)?.jid).toBe('romeo@x');
    expect(imitatedContact('Romeo', 'romeo@x/desk', skeletons)).toBeNull();
    expect(imitatedContact('Juliet', null, skeletons)).toBeNull();
  });

  it('offers moderation only as XEP-0045 allows', () => {
    const target = occupant('bob');
    const labels = (
      role: 'moderator' | 'participant',
      affiliation: 'owner' | 'admin' | 'member' | 'none',
      t = target,
    ) => moderationActions({ role, affiliation }, t).map((a) => a.label);
    expect(labels('participant', 'member')).toEqual([]);
    expect(labels('moderator', 'none')).toEqual(['Kick', 'Revoke voice']);
    expect(labels('moderator', 'admin')).toEqual(['Kick', 'Revoke voice', 'Make moderator', 'Make member', 'Ban']);
    expect(labels('moderator', 'owner')).toContain('Make owner');
    // Nobody kicks an admin; an admin cannot touch an owner's affiliation; nobody moderates themselves.
    const admin = occupant('boss', { affiliation: 'admin', role: 'moderator' });
    expect(labels('moderator', 'admin', admin)).toEqual([]);
    expect(labels('moderator', 'owner', admin)).toEqual(['Make owner', 'Make member', 'Remove affiliation', 'Ban']);
    expect(labels('moderator', 'owner', occupant('me', { self: true }))).toEqual([]);
  });
});
