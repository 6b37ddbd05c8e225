/** Message times: worded once per minute and language, the same words as the formatter gives. */
import { afterEach, describe, expect, it, vi } from 'vitest';

const formatTime = vi.hoisted(() =>
  vi.fn((when: number) => `${new Date(when).getUTCHours()}h${new Date(when).getUTCMinutes()}`),
);
vi.mock('../../../../src/renderer/src/i18n/format', async (original) => ({
  ...(await original<typeof import('../../../../src/renderer/src/i18n/format')>()),
  formatTime,
}));

const { i18n } = await import('../../../../src/renderer/src/i18n');
const { timeText } = await import('../../../../src/renderer/src/lib/chat-text');

const MINUTE = 60_000;
const base = Date.UTC(2026, 11, 7, 14, 5);

afterEach(() => {
  i18n.global.locale.value = 'en';
  formatTime.mockClear();
});

describe('message times', () => {
  it('words each minute once: fifty messages of one minute ask the formatter once', () => {
    const texts = Array.from({ length: 50 }, (_, i) => timeText(base + i * 1000));
    expect(new Set(texts)).toEqual(new Set(['14h5']));
    expect(formatTime).toHaveBeenCalledTimes(1);
    expect(timeText(base + MINUTE)).toBe('14h6');
    expect(timeText(base - 1)).toBe('14h4');
    expect(formatTime).toHaveBeenCalledTimes(3);
  });

  it('words the minute again in a new language', () => {
    timeText(base + 10 * MINUTE);
    formatTime.mockClear();
    i18n.global.locale.value = 'de';
    timeText(base + 10 * MINUTE);
    expect(formatTime).toHaveBeenCalledTimes(1);
  });
});
