import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { ROSTER_GROUPS_MAX, ROSTER_TEXT_MAX } from '../../../../../../src/shared/contract';
import {
  hasProblems,
  newReport,
  readRosterItem,
  readRosterQuery,
  sameItem,
  StreamedRosterItems,
} from '../../../../../../src/main/core/features/roster/items';
import { RawRosterItem } from '../../../../../../src/main/core/accounts/stream/raw-roster-item';
import { NS_ROSTER } from '../../../../../../src/main/core/xmpp/ns';
import { capText } from '../../../../../../src/main/core/util/text';
import { normalizeBareJid } from '../../../../../../src/shared/jid';

const item = (attrs: Record<string, string>, ...groups: string[]) =>
  xml(
    'item',
    attrs,
    groups.map((group) => xml('group', {}, group)),
  );

describe('roster item parsing', () => {
  it('reads a plain item, normalizing the JID', () => {
    const report = newReport();
    const read = readRosterItem(
      'acc',
      item({ jid: 'Alice@Example.ORG', name: 'Alice', subscription: 'both', ask: 'subscribe' }, 'Friends'),
      report,
    );
    expect(read).toEqual({
      item: {
        accountId: 'acc',
        jid: 'alice@example.org',
        name: 'Alice',
        subscription: 'both',
        pendingOut: true,
        groups: ['Friends'],
      },
      remove: false,
    });
    expect(hasProblems(report)).toBe(false);
  });

  it.each([
    ['alice@example.org/phone', 'full JID'],
    ['a@b@c', 'two @'],
    ['', 'empty'],
    ['al ice@example.org', 'space'],
    [`${'x'.repeat(1100)}@example.org`, 'too long'],
  ])('skips an item whose JID is invalid: %j (%s)', (jid) => {
    const report = newReport();
    expect(readRosterItem('acc', item({ jid, name: 'X' }), report)).toBeNull();
    expect(report.invalidJids).toBe(1);
    expect(report.examples[0]).toMatch(/invalid jid/);
  });

  it('skips an item without a jid attribute', () => {
    const report = newReport();
    expect(readRosterItem('acc', xml('item', { name: 'nobody' }), report)).toBeNull();
    expect(report.invalidJids).toBe(1);
  });

  it('maps unknown subscription values to none and recognises remove', () => {
    const report = newReport();
    expect(readRosterItem('acc', item({ jid: 'a@x', subscription: 'banana' }), report)?.item.subscription).toBe('none');
    expect(report.unknownSubscriptions).toBe(1);
    const removal = readRosterItem('acc', item({ jid: 'a@x', subscription: 'remove' }), report);
    expect(removal?.remove).toBe(true);
    expect(readRosterItem('acc', item({ jid: 'a@x' }), report)?.item.subscription).toBe('none');
  });

  it('turns an empty name into null and caps long names and groups', () => {
    const report = newReport();
    expect(readRosterItem('acc', item({ jid: 'a@x', name: '' }), report)?.item.name).toBeNull();
    const long = 'n'.repeat(1_000_000);
    const read = readRosterItem('acc', item({ jid: 'a@x', name: long }, long, 'g'), report);
    expect(read?.item.name).toHaveLength(ROSTER_TEXT_MAX);
    expect(read?.item.groups).toEqual(['n'.repeat(ROSTER_TEXT_MAX), 'g']);
    expect(report.truncated).toBe(2);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'a'.repeat(ROSTER_TEXT_MAX - 1)}😀`;
    const capped = capText(text);
    expect(capped).toBe('a'.repeat(ROSTER_TEXT_MAX - 1));
    expect(capText('short')).toBe('short');
  });

  it('drops duplicate and empty groups and keeps at most ROSTER_GROUPS_MAX', () => {
    const report = newReport();
    const many = Array.from({ length: ROSTER_GROUPS_MAX + 10 }, (_, i) => `g${i}`);
    const read = readRosterItem('acc', item({ jid: 'a@x' }, 'g0', 'g0', '', ...many), report);
    expect(read?.item.groups).toHaveLength(ROSTER_GROUPS_MAX);
    expect(read?.item.groups[0]).toBe('g0');
    expect(new Set(read?.item.groups).size).toBe(ROSTER_GROUPS_MAX);
    expect(report.groupsDropped).toBe(10);
  });

  it('two groups that differ only beyond the cap become one', () => {
    const base = 'g'.repeat(ROSTER_TEXT_MAX);
    const read = readRosterItem('acc', item({ jid: 'a@x' }, `${base}1`, `${base}2`), newReport());
    expect(read?.item.groups).toEqual([base]);
  });

  it('reads a whole result: invalid items skipped, the last duplicate wins, text nodes ignored', () => {
    const query = xml(
      'query',
      { xmlns: NS_ROSTER, ver: '7' },
      item({ jid: 'a@x', name: 'first' }),
      '\n  ',
      item({ jid: 'bad@x/res' }),
      item({ jid: 'b@x' }),
      item({ jid: 'A@X', name: 'second' }),
      xml('unknown', {}),
    );
    const report = newReport();
    const items = readRosterQuery('acc', query, report);
    expect([...items.keys()]).toEqual(['a@x', 'b@x']);
    expect(items.get('a@x')?.name).toBe('second');
    expect(report).toMatchObject({ invalidJids: 1, duplicates: 1 });
  });

  it('keeps at most a few examples for the log, however many items are bad', () => {
    const query = xml(
      'query',
      { xmlns: NS_ROSTER },
      Array.from({ length: 1000 }, (_, i) => item({ jid: `bad${i}@x/r` })),
    );
    const report = newReport();
    expect(readRosterQuery('acc', query, report).size).toBe(0);
    expect(report.invalidJids).toBe(1000);
    expect(report.examples.length).toBeLessThanOrEqual(5);
  });

  it('normalizeBareJid accepts domain-only JIDs and rejects resources', () => {
    expect(normalizeBareJid('Transport.Example.org')).toBe('transport.example.org');
    expect(normalizeBareJid('example.org/res')).toBeNull();
  });

  it('sameItem compares groups as sets', () => {
    const a = { accountId: 'acc', jid: 'a@x', name: null, subscription: 'both' as const, pendingOut: false };
    expect(sameItem({ ...a, groups: ['x', 'y'] }, { ...a, groups: ['y', 'x'] })).toBe(true);
    expect(sameItem({ ...a, groups: ['x'] }, { ...a, groups: ['x', 'y'] })).toBe(false);
    expect(sameItem({ ...a, groups: [] }, { ...a, name: 'A', groups: [] })).toBe(false);
    expect(sameItem({ ...a, groups: [] }, { ...a, pendingOut: true, groups: [] })).toBe(false);
  });

  it('items read while parsing share one frozen group list per group or pair of groups', () => {
    const streamed = new StreamedRosterItems();
    const query = xml('query', { xmlns: NS_ROSTER });
    const raw = new RawRosterItem();
    const add = (jid: string, ...groups: string[]) => {
      raw.reset();
      raw.jid = jid;
      for (const group of groups) raw.groups[raw.groupCount++] = group;
      streamed.add(raw, query, 'acc');
    };
    add('a@example.org', 'Friends');
    add('B@Example.org', 'Friends');
    add('c@example.org', 'Work', 'Friends');
    add('d@example.org', 'Work', 'Friends');
    add('e@example.org', 'Friends', 'Work');
    add('f@example.org', 'Work', 'Work', 'Friends');
    const items = streamed.take('acc', query, newReport());
    const groups = (jid: string) => items.get(jid)!.groups;
    expect(groups('a@example.org')).toEqual(['Friends']);
    expect(groups('b@example.org')).toBe(groups('a@example.org'));
    expect(Object.isFrozen(groups('a@example.org'))).toBe(true);
    expect(groups('c@example.org')).toEqual(['Work', 'Friends']);
    expect(groups('d@example.org')).toBe(groups('c@example.org'));
    expect(groups('e@example.org')).toEqual(['Friends', 'Work']);
    expect(groups('f@example.org')).toEqual(['Work', 'Friends']);
    // The names themselves are shared too.
    expect(groups('e@example.org')[0]).toBe(groups('a@example.org')[0]);
  });
});
