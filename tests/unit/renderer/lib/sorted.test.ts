import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../../../src/renderer/src/lib/sorted';

const byNumber = (a: number, b: number) => a - b;

describe('lowerBound', () => {
  it('finds the first item not less than the value: where it is, or where it would be inserted', () => {
    const items = [1, 3, 3, 3, 7, 9];
    expect(lowerBound(items, 3, byNumber)).toBe(1);
    expect(lowerBound(items, 4, byNumber)).toBe(4);
    expect(lowerBound(items, 0, byNumber)).toBe(0);
    expect(lowerBound(items, 10, byNumber)).toBe(6);
    expect(lowerBound([], 5, byNumber)).toBe(0);
  });
});
