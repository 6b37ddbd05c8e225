/**
 * A contact's XEP-0319 idle time, read from its presence (`<idle xmlns='urn:xmpp:idle:1'
 * since='…'/>`): when its user last interacted with that device. It is the sender's claim, so it is
 * believed only when it is a real XEP-0082 DateTime, not from before 2000 (no XMPP client was idle
 * then) and not ahead of our clock by more than clock skew. Anything else is no idle time: the
 * presence itself still counts.
 */
import { FUTURE_SKEW_MS, parseDateTime } from '../../util/delay-stamp';

/** TrackedPresence.idleSince without an idle time. A double, like NOT_RECORDED (the field never changes representation). */
export const NOT_IDLE = -Infinity;

/** 2000-01-01T00:00:00Z: older idle times are not believed. */
export const EARLIEST_IDLE_MS = Date.UTC(2000, 0, 1);

/** A DateTime with nine fraction digits and a zone offset is 35 characters; longer is not one. */
const MAX_SINCE_LENGTH = 64;

/**
 * The epoch ms an idle element's `since` names, or NOT_IDLE when there is no idle element
 * (`present` false) or its time cannot be believed; `rejected` tells the latter apart.
 */
export function readIdleSince(present: boolean, since: unknown, now: number, out: { rejected: boolean }): number {
  out.rejected = false;
  if (!present) return NOT_IDLE;
  const at = typeof since === 'string' && since.length <= MAX_SINCE_LENGTH ? parseDateTime(since) : null;
  if (at === null || at < EARLIEST_IDLE_MS || at > now + FUTURE_SKEW_MS) {
    out.rejected = true;
    return NOT_IDLE;
  }
  // A little ahead (skew) is read as now: nobody was idle since the future.
  return Math.min(at, now);
}

/** The idle time as views and runs carry it (null: none). */
export function idleOrNull(idleSince: number): number | null {
  return idleSince === NOT_IDLE ? null : idleSince;
}
