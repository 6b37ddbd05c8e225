import { describe, expect, it } from 'vitest';
import { OWN_AVATAR_MAX, squareCrop } from '../../../../src/renderer/src/lib/avatar-picture';

describe('our own avatar before publishing', () => {
  it('takes the centred square of a wide or tall picture, scaled down to 192 a side', () => {
    expect(OWN_AVATAR_MAX).toBe(192);
    expect(squareCrop(1200, 900)).toEqual({ x: 150, y: 0, side: 900, size: 192 });
    expect(squareCrop(900, 1201)).toEqual({ x: 0, y: 150, side: 900, size: 192 });
  });

  it('never scales a small picture up', () => {
    expect(squareCrop(64, 48)).toEqual({ x: 8, y: 0, side: 48, size: 48 });
    expect(squareCrop(192, 192)).toEqual({ x: 0, y: 0, side: 192, size: 192 });
  });
});
