/**
 * Whether a subscription request's nick imitates one of our contacts (a name, an address or its
 * local part that looks the same once confusable characters are folded), so the request can say so.
 */
import type { RosterItemView } from '../../../../shared/contract';
import { bareJid, normalizeJid } from '../../../../shared/jid';
import { skeleton } from '../../../../shared/lookalike';

/** The contacts' names and addresses by skeleton: `shown\0jid` of the first contact with each. */
export type LookalikeIndex = Map<string, string>;

export function lookalikeIndex(items: Iterable<RosterItemView>): LookalikeIndex {
  const index: LookalikeIndex = new Map();
  for (const item of items) {
    const shown = item.name ?? item.jid;
    for (const name of [item.name, item.jid, item.jid.split('@')[0]]) {
      if (!name) continue;
      const folded = skeleton(name);
      if (folded && !index.has(folded)) index.set(folded, `${shown}\u0000${item.jid}`);
    }
  }
  return index;
}

/** The name of a contact (other than `bare`) that `nick` imitates, or null. */
export function lookalikeOf(index: LookalikeIndex, bare: string, nick: string): string | null {
  const key = skeleton(nick);
  if (key === '') return null;
  const match = index.get(key);
  if (match !== undefined) {
    const [shown, jid] = match.split('\u0000');
    return jid === bare ? null : shown;
  }
  // A nick that is itself an address, but not the sender's.
  const asJid = normalizeJid(nick);
  return asJid !== null && nick.includes('@') && bareJid(asJid) !== bare ? nick : null;
}
