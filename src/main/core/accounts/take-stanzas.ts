/**
 * How a feature reads the stanzas of a session: `take` sees each incoming stanza in turn and
 * returns true for one it handled, which then goes no further; any other goes on to the features
 * after it (and to xmpp.js's own handlers).
 */
import type { Element } from '@xmpp/xml';
import type { SessionXmpp } from './client';

export function takeStanzas(xmpp: Pick<SessionXmpp, 'middleware'>, take: (stanza: Element) => boolean): void {
  xmpp.middleware.use((ctx, next) => (take(ctx.stanza) ? undefined : next()));
}
