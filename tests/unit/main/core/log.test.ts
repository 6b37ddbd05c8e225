/** Rate-limited logging (src/main/core/log.ts): one line per key per interval, with a count of the ones left out. */
import { describe, expect, it } from 'vitest';
import { createLogger, rateLimited } from '../../../../src/main/core/log';

function setup(intervalMs?: number) {
  const lines: { level: string; message: string; details: unknown }[] = [];
  const log = createLogger((level, _scope, message, details) => lines.push({ level, message, details }), 'debug');
  const clock = { now: 0 };
  const limited = rateLimited(log, { intervalMs, now: () => clock.now });
  return { lines, clock, limited };
}

describe('rateLimited', () => {
  it('logs a burst of one key once, and the next line after a minute counts the ones dropped', () => {
    const { lines, clock, limited } = setup();
    for (let i = 0; i < 4939; i++) {
      clock.now += 1; // a burst of 4,939 within five seconds
      limited.warn('presence.resource-cap', 'too many resources; presence ignored', { from: `c${i}@localhost` });
    }
    expect(lines).toEqual([
      { level: 'warn', message: 'too many resources; presence ignored', details: { from: 'c0@localhost' } },
    ]);
    clock.now = 1 + 59_999; // still within the minute of the first line
    limited.warn('presence.resource-cap', 'too many resources; presence ignored', { from: 'late@localhost' });
    expect(lines).toHaveLength(1);
    clock.now = 1 + 60_000;
    limited.warn('presence.resource-cap', 'too many resources; presence ignored', { from: 'next@localhost' });
    expect(lines[1]).toEqual({
      level: 'warn',
      message: 'too many resources; presence ignored (4939 more like it not logged)',
      details: { from: 'next@localhost', dropped: 4939 },
    });
    // The count starts again.
    clock.now += 60_000;
    limited.warn('presence.resource-cap', 'too many resources; presence ignored');
    expect(lines[2]).toEqual({ level: 'warn', message: 'too many resources; presence ignored', details: undefined });
  });

  it('keeps keys apart and keeps the level', () => {
    const { lines, limited } = setup();
    limited.warn('a', 'first a');
    limited.info('b', 'first b', 'text detail');
    limited.warn('a', 'second a');
    limited.error('c', 'first c', [1, 2]);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'first a'],
      ['info', 'first b'],
      ['error', 'first c'],
    ]);
  });

  it('wraps details that are not an object when it adds the count, and honours another interval', () => {
    const { lines, clock, limited } = setup(1000);
    limited.info('k', 'm', 'text');
    limited.info('k', 'm', 'text');
    clock.now = 1000;
    limited.info('k', 'm', 'text');
    expect(lines[1]).toEqual({
      level: 'info',
      message: 'm (1 more like it not logged)',
      details: { details: 'text', dropped: 1 },
    });
  });
});
