/** Listeners: each told in turn, a throwing one reported without keeping the others from hearing. */
import { describe, expect, it } from 'vitest';
import { Listeners } from '../../../../../src/main/core/util/listeners';

describe('Listeners', () => {
  it('tells every listener, reports the one that threw, and forgets a removed one', () => {
    const listeners = new Listeners<number>();
    const heard: string[] = [];
    const errors: unknown[] = [];
    listeners.add((n) => heard.push(`a${n}`));
    const removeB = listeners.add(() => {
      throw new Error('b failed');
    });
    listeners.add((n) => heard.push(`c${n}`));
    listeners.tell(1, (error) => errors.push(error));
    expect(heard).toEqual(['a1', 'c1']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['b failed']);
    removeB();
    listeners.tell(2, (error) => errors.push(error));
    expect(heard).toEqual(['a1', 'c1', 'a2', 'c2']);
    expect(errors).toHaveLength(1);
    expect(listeners.size).toBe(2);
    listeners.clear();
    expect(listeners.size).toBe(0);
  });
});
