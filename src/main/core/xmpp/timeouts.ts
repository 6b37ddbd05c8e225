/**
 * How long the core waits for an IQ reply, in one place. A request that times out fails with
 * xmpp.js's TimeoutError; the caller turns it into a `timeout` error where the user acted.
 */

/** A request the user waits for (a command), or a query to our server or a contact (disco, archive). */
export const IQ_TIMEOUT_MS = 20_000;

/** The roster request: a 10,000-item roster on a slow link still arrives well within this. */
export const ROSTER_FETCH_TIMEOUT_MS = 60_000;

/** A request sent without a timeout of its own (xmpp.js's default; binding a resource, for one). */
export const IQ_DEFAULT_TIMEOUT_MS = 30_000;

/** Registration and the account on the server (XEP-0077): a server may check a CAPTCHA or write the account first. */
export const REGISTRATION_TIMEOUT_MS = 30_000;

/** An ad-hoc command step (XEP-0050): the command may do real work (announce to every user) before it answers. */
export const ADHOC_TIMEOUT_MS = 60_000;

/** A MUC self-ping (XEP-0410): the room answers for itself, but its server may be far away. */
export const SELF_PING_TIMEOUT_MS = 30_000;
