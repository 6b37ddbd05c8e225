/**
 * The identities as the window's whole snapshot carries them: for each, only what the window draws
 * (the avatar's media id, the nickname) in a short array, each JID domain written once. A view with
 * its keys spelled out and the picture's type, size and dimensions (which the window never reads)
 * is 157 bytes of JSON for a contact with a kept avatar (188 with a UUID account id); a row is 40, so
 * 5,000 kept avatars are 200 KB instead of 785 KB to write, carry and parse before the window
 * applies its snapshot.
 */
import type { IdentityTable, IdentityTableRow, IdentityView, MediaRef, Snapshot } from './contract';

/** What the window keeps of an identity: an `IdentityView` without the picture's details. */
export interface IdentityFace {
  accountId: string;
  jid: string;
  avatar: Pick<MediaRef, 'id'> | null;
  nick: string | null;
}

/** Views in order; those of one account are kept together (in their order) under it. */
export function toIdentityTable(views: Iterable<IdentityView>): IdentityTable {
  const table: IdentityTable = { domains: [], accounts: [] };
  const domainIndex = new Map<string, number>();
  const accountRows = new Map<string, IdentityTableRow[]>();
  for (const { accountId, jid, avatar, nick } of views) {
    let rows = accountRows.get(accountId);
    if (!rows) {
      rows = [];
      accountRows.set(accountId, rows);
      table.accounts.push({ accountId, rows });
    }
    // A JID without a local part (or one that does not split cleanly) travels whole.
    const at = jid.indexOf('@');
    let local = jid;
    let domain = -1;
    if (at > 0) {
      local = jid.slice(0, at);
      const name = jid.slice(at + 1);
      domain = domainIndex.get(name) ?? -1;
      if (domain < 0) {
        domain = table.domains.push(name) - 1;
        domainIndex.set(name, domain);
      }
    }
    const id = avatar ? avatar.id : null;
    rows.push(nick === null ? [local, domain, id] : [local, domain, id, nick]);
  }
  return table;
}

/** The snapshot's identities, from its table or its views (a first screen, or a snapshot without a table). */
export function identitiesOf(snapshot: Pick<Snapshot, 'identities' | 'identityTable'>): IdentityFace[] {
  const faces: IdentityFace[] = [...(snapshot.identities ?? [])];
  const table = snapshot.identityTable;
  if (!table) return faces;
  const { domains } = table;
  for (const { accountId, rows } of table.accounts) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      faces.push({
        accountId,
        jid: row[1] < 0 ? row[0] : `${row[0]}@${domains[row[1]]}`,
        avatar: row[2] === null ? null : { id: row[2] },
        nick: row.length === 4 ? row[3] : null,
      });
    }
  }
  return faces;
}
