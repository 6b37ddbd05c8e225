/** XEP-0191 blocking: whether our server offers it, and blocking JIDs (a refused request may also block). */
import xml, { type Element } from '@xmpp/xml';
import type { AppError } from '../../../../shared/errors';
import { appError } from '../../../../shared/result';
import type { SessionXmpp } from '../../accounts/client';
import { requestFailure } from '../../util/stanza-errors';
import { NS_BLOCKING, NS_DISCO_INFO } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** JIDs per block request. */
const BLOCK_CHUNK = 500;

/** Whether our server lists blocking in its disco#info; throws when it cannot be asked. */
export async function serverBlocks(xmpp: SessionXmpp, domain: string): Promise<boolean> {
  const info = (await xmpp.iqCaller.get(xml('query', { xmlns: NS_DISCO_INFO }), domain, IQ_TIMEOUT_MS)) as Element;
  return info.getChildren('feature').some((feature) => feature.attrs.var === NS_BLOCKING);
}

/** Blocks `jids`, in chunks; returns the JIDs that could not be blocked, with the reason. */
export async function blockJids(xmpp: SessionXmpp, jids: string[]): Promise<{ jid: string; error: AppError }[]> {
  for (let start = 0; start < jids.length; start += BLOCK_CHUNK) {
    const chunk = jids.slice(start, start + BLOCK_CHUNK);
    try {
      await xmpp.iqCaller.set(
        xml('block', { xmlns: NS_BLOCKING }, ...chunk.map((jid) => xml('item', { jid }))),
        undefined,
        IQ_TIMEOUT_MS,
      );
    } catch (error) {
      const cause = requestFailure(error, { action: 'subscription.block' });
      const notBlocked = appError(cause.code, 'subscription.notBlocked', { cause });
      return jids.slice(start).map((jid) => ({ jid, error: notBlocked }));
    }
  }
  return [];
}
