/**
 * The roster commands (RFC 6121 §2.3–2.5): each sends roster sets; the roster changes only when the
 * server's push comes back, never locally.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ParsedInput, RosterItemView } from '../../../../shared/contract';
import type { RequestAction } from '../../../../shared/errors';
import { fail, ok, type AppError, type Result } from '../../../../shared/result';
import type { SessionXmpp } from '../../accounts/client';
import { requestError } from '../../util/stanza-errors';
import { NS_ROSTER } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** Roster sets in flight at once while renaming a group. */
const RENAME_BATCH = 8;

/** Sets a contact's name and/or groups; the other field keeps its current value. */
export function updateItem(
  xmpp: SessionXmpp,
  current: RosterItemView | undefined,
  input: ParsedInput<'roster.update'>,
): Promise<Result<null>> {
  const name = input.name === undefined ? (current?.name ?? null) : input.name || null;
  const groups = input.groups === undefined ? (current?.groups ?? []) : [...new Set(input.groups)];
  return rosterSet(xmpp, itemElement(input.jid, name, groups), 'roster.change');
}

export function removeItem(xmpp: SessionXmpp, jid: string): Promise<Result<null>> {
  return rosterSet(xmpp, xml('item', { jid, subscription: 'remove' }), 'roster.removal');
}

/** Renames a group on every contact in it: one roster set per contact, a few at a time. */
export async function renameGroup(
  xmpp: SessionXmpp,
  items: Iterable<RosterItemView>,
  from: string,
  to: string,
): Promise<Result<{ changed: number }>> {
  if (from === to) return ok({ changed: 0 });
  const members = [...items].filter((item) => item.groups.includes(from));
  let changed = 0;
  let firstError: AppError | null = null;
  for (let start = 0; start < members.length; start += RENAME_BATCH) {
    const batch = members.slice(start, start + RENAME_BATCH);
    const results = await Promise.all(
      batch.map((item) => {
        const groups = [...new Set(item.groups.map((group) => (group === from ? to : group)))];
        return rosterSet(xmpp, itemElement(item.jid, item.name, groups), 'roster.rename');
      }),
    );
    for (const result of results) {
      if (result.ok) changed++;
      else firstError ??= result.error;
    }
    if (firstError?.code === 'not_connected') break;
  }
  if (firstError) {
    return fail(firstError.code, 'roster.renamePartial', { changed, total: members.length, cause: firstError });
  }
  return ok({ changed });
}

export function notConnected(): Result<never> {
  return fail('not_connected', 'roster.notConnected');
}

async function rosterSet(xmpp: SessionXmpp, item: Element, action: RequestAction): Promise<Result<null>> {
  try {
    await xmpp.iqCaller.set(xml('query', { xmlns: NS_ROSTER }, item), undefined, IQ_TIMEOUT_MS);
    return ok(null);
  } catch (error) {
    return requestError(error, { action });
  }
}

function itemElement(jid: string, name: string | null, groups: readonly string[]): Element {
  return xml(
    'item',
    name === null ? { jid } : { jid, name },
    groups.map((group) => xml('group', {}, group)),
  );
}
