/**
 * Where a scroll position lands, worked out from the list's layout (components/chat/scroll-place.ts):
 * a target inside what the list's height allows is where the view goes, without reading the
 * element back; at or past the end the element has to be asked.
 */
import { describe, expect, it } from 'vitest';
import { scrollPlace } from '../../../../../src/renderer/src/components/chat/scroll-place';

describe('scrollPlace', () => {
  it('lands on a target inside the list without asking the element', () => {
    expect(scrollPlace(1_200, 10_000, 800)).toEqual({ top: 1_200, exact: true });
    expect(scrollPlace(9_199, 10_000, 800)).toEqual({ top: 9_199, exact: true });
  });

  it('stops at the top, which is always known', () => {
    expect(scrollPlace(0, 10_000, 800)).toEqual({ top: 0, exact: true });
    expect(scrollPlace(-35, 10_000, 800)).toEqual({ top: 0, exact: true });
    expect(scrollPlace(-35, 300, 800)).toEqual({ top: 0, exact: true });
  });

  it('asks the element at the end, where padding or rounding may let it go further', () => {
    expect(scrollPlace(9_200, 10_000, 800)).toEqual({ top: 9_200, exact: false });
    expect(scrollPlace(9_650, 10_000, 800)).toEqual({ top: 9_200, exact: false });
    // A list shorter than the view does not scroll.
    expect(scrollPlace(40, 300, 800)).toEqual({ top: 0, exact: false });
  });
});
