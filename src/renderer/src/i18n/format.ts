/**
 * Numbers, sizes, dates, times, relative times and lists for the UI's language, through Intl (one
 * formatter per kind and locale, built on first use). Each reads the current locale, so a computed
 * or a render that uses one follows a change of language.
 */
import { currentLocale } from './index';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>(
  kind: string,
  make: (locale: string) => T,
): T {
  const locale = currentLocale();
  const key = `${locale}|${kind}`;
  let found = cache.get(key) as T | undefined;
  if (!found) {
    found = make(locale);
    cache.set(key, found);
  }
  return found;
}

/** 12345 → "12,345" (en), "12.345" (de), "12 345" (fr). */
export function formatNumber(value: number): string {
  return formatter('number', (locale) => new Intl.NumberFormat(locale)).format(value);
}

const BYTE_UNITS = ['kilobyte', 'megabyte', 'gigabyte'] as const;

/** A file size: "512 byte", "1.5 MB", "1,5 Mo". */
export function formatBytes(count: number): string {
  if (count < 1024) {
    return formatter('byte', (locale) => new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte' })).format(count);
  }
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const name = BYTE_UNITS[unit];
  const digits = value < 10 ? 1 : 0;
  return formatter(
    `${name}|${digits}`,
    (locale) =>
      new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: name,
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      }),
  ).format(value);
}

type When = number | Date;

/** Date and time, medium length: "Mar 5, 2025, 14:05". */
export function formatDateTime(when: When): string {
  return formatter(
    'datetime',
    (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(when);
}

/** The date alone: "Mar 5, 2025". */
export function formatDate(when: When): string {
  return formatter('date', (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(when);
}

/** A day heading: "Wednesday, March 5, 2025". */
export function formatDay(when: When): string {
  return formatter('day', (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'full' })).format(when);
}

/** The time of day: "14:05" or "2:05 PM", as the locale writes it. */
export function formatTime(when: When): string {
  return formatter('time', (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })).format(
    when,
  );
}

/** A weekday, short: "Wed", "Mi.". */
export function formatWeekday(when: When): string {
  return formatter('weekday', (locale) => new Intl.DateTimeFormat(locale, { weekday: 'short' })).format(when);
}

/** A weekday and the time of day: "Wed 14:05". */
export function formatWeekdayTime(when: When): string {
  return formatter(
    'weekdaytime',
    (locale) => new Intl.DateTimeFormat(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit' }),
  ).format(when);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago (or how soon) `at` is from `now`, in the largest whole unit: "5 minutes ago",
 * "vor 3 Stunden", "yesterday". Under a minute is "now".
 */
export function formatRelative(at: number, now: number): string {
  const relative = formatter('relative', (locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const diff = at - now;
  const size = Math.abs(diff);
  if (size < MINUTE) return relative.format(0, 'second');
  if (size < HOUR) return relative.format(Math.trunc(diff / MINUTE), 'minute');
  if (size < DAY) return relative.format(Math.trunc(diff / HOUR), 'hour');
  return relative.format(Math.trunc(diff / DAY), 'day');
}

/** "Alice, Bob and Carol" (and/or by `type`), joined as the locale does. */
export function formatList(items: readonly string[], type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return formatter(`list|${type}`, (locale) => new Intl.ListFormat(locale, { style: 'long', type })).format(items);
}

/** A language's own name in the UI's language: 'de' → "German" (en), "Deutsch" (de). */
export function languageName(code: string): string {
  try {
    return (
      new Intl.DisplayNames([currentLocale(), 'en'], { type: 'language', languageDisplay: 'standard' }).of(code) ?? code
    );
  } catch {
    return code;
  }
}

/** A language's name in that language, capitalised as a menu item: 'de' → "Deutsch", 'fr' → "Français". */
export function nativeLanguageName(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language', languageDisplay: 'standard' }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}
