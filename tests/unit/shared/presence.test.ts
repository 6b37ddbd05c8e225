import { describe, expect, it } from 'vitest';
import {
  compareResources,
  messageTarget,
  mostAvailable,
  parsePriority,
  parseShow,
  type ResourcePresence,
} from '../../../src/shared/presence';

const r = (resource: string, show: ResourcePresence['show'], priority = 0, since = 0): ResourcePresence => ({
  resource,
  show,
  status: null,
  priority,
  since,
});

describe('presence ranking', () => {
  it('ranks show first: dnd > chat > available > away > xa', () => {
    const all = [
      r('xa', 'xa', 100),
      r('away', 'away', 50),
      r('avail', 'available'),
      r('chat', 'chat'),
      r('dnd', 'dnd', -5),
    ];
    expect([...all].sort(compareResources).map((x) => x.resource)).toEqual(['dnd', 'chat', 'avail', 'away', 'xa']);
  });

  it('compares priorities as numbers (10 beats 9), negatives included', () => {
    expect(mostAvailable([r('nine', 'available', 9), r('ten', 'available', 10)])?.resource).toBe('ten');
    expect(mostAvailable([r('minus', 'available', -1), r('zero', 'available', 0)])?.resource).toBe('zero');
    expect(mostAvailable([r('a', 'away', -128), r('b', 'away', -127)])?.resource).toBe('b');
  });

  it('breaks full ties by the most recent', () => {
    expect(mostAvailable([r('old', 'chat', 1, 100), r('new', 'chat', 1, 200)])?.resource).toBe('new');
    expect(mostAvailable([])).toBeUndefined();
  });

  it('messages to the bare JID go to the highest non-negative priority, never a negative one', () => {
    expect(messageTarget([r('dnd', 'dnd', 1), r('phone', 'away', 5)])?.resource).toBe('phone');
    expect(messageTarget([r('neg', 'chat', -1)])).toBeUndefined();
    expect(messageTarget([r('a', 'away', 3), r('b', 'chat', 3)])?.resource).toBe('b');
  });
});

describe('presence parsing', () => {
  it.each([
    [undefined, 0],
    ['5', 5],
    [' -128 ', -128],
    ['127', 127],
    ['+7', 7],
    ['128', null],
    ['-129', null],
    ['1.5', null],
    ['abc', null],
    ['', null],
    ['99999999999', null],
  ])('priority %j → %j', (text, expected) => {
    expect(parsePriority(text)).toBe(expected);
  });

  it('unknown show values are plain available', () => {
    expect(parseShow('dnd')).toBe('dnd');
    expect(parseShow('busy')).toBe('available');
    expect(parseShow(undefined)).toBe('available');
  });
});
