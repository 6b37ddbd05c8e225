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

/** XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss](Z|±hh:mm), nothing else. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The epoch ms a XEP-0082 DateTime names, or null when it is not one (including impossible dates). */
export function parseDateTime(text: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate(); // days in that month
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (m[8]) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  // Date.UTC maps years 0–99 to 1900–1999: set the year apart.
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, fraction));
  utc.setUTCFullYear(year);
  return utc.getTime() - offset;
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
