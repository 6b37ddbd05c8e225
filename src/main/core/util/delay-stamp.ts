/**
 * The one reading of XEP-0203 delay stamps (chat, group chat, presence "since" and last seen, the
 * archive). A stamp is the sender's claim: a malformed one, one before 1990 (no XMPP message is
 * that old; year 1 sorted a conversation to the bottom of the list) or one more than five minutes
 * ahead of our clock (more than clock skew) is replaced by the time we received the stanza.
 */
import type { Element } from '@xmpp/xml';
import { NS_DELAY } from '../xmpp/ns';

/** 1990-01-01T00:00:00Z: older stamps are not believed. */
export const EARLIEST_STAMP_MS = Date.UTC(1990, 0, 1);
/** How far ahead of our clock a stamp may be (clock skew). */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.s{1,9}](Z|±hh:mm), nothing else, ASCII digits only. Read by
 * character codes: every presence with <delay/> or XEP-0319 idle comes through here, and a regular
 * expression's match array, its Number conversions and two Date objects per stamp were a flood's garbage.
 */
const MINUS = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;

/** The number written by the `count` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days in that month of that year, as Date.UTC counts them (years 0–99 are 1900–1999 there). */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  const y = year < 100 ? 1900 + year : year;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

/** Days from 1970-01-01 to that date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The epoch ms a XEP-0082 DateTime names, or null when it is not one (including impossible dates). */
export function parseDateTime(text: string): number | null {
  const length = text.length;
  if (length < 20) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(4) !== MINUS ||
    text.charCodeAt(7) !== MINUS ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return null;
  }
  let pos = 19;
  let fraction = 0;
  if (text.charCodeAt(pos) === DOT) {
    let end = pos + 1;
    while (end - pos - 1 < 9 && digitsAt(text, end, 1) >= 0) end++;
    if (end === pos + 1) return null;
    // Rare: the same arithmetic as before (floor of the decimal fraction in ms), not a shortcut that rounds differently.
    fraction = Math.floor(Number(text.slice(pos, end)) * 1000);
    pos = end;
  }
  let offset = 0;
  const zone = text.charCodeAt(pos);
  if (zone === 90 /* Z */) {
    if (pos + 1 !== length) return null;
  } else if (zone === PLUS || zone === MINUS) {
    const offsetHours = digitsAt(text, pos + 1, 2);
    const offsetMinutes = digitsAt(text, pos + 4, 2);
    if (offsetHours < 0 || offsetMinutes < 0 || text.charCodeAt(pos + 3) !== COLON || pos + 6 !== length) return null;
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    offset = (zone === MINUS ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const ms = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
  return ms - offset;
}

/** The time a stamp names when it is believable (see above), else `receivedAt`. */
export function stampTime(stamp: unknown, receivedAt: number): number {
  if (typeof stamp !== 'string') return receivedAt;
  const at = parseDateTime(stamp);
  if (at === null || at < EARLIEST_STAMP_MS || at > receivedAt + FUTURE_SKEW_MS) return receivedAt;
  return at;
}

/** The believable time of the stanza's <delay/>, else `receivedAt` (also when it has none). */
export function delayTime(stanza: Element, receivedAt: number): number {
  return stampTime(stanza.getChild('delay', NS_DELAY)?.attrs.stamp, receivedAt);
}
