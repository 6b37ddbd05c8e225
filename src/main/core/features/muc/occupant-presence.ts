/**
 * What the MUC feature reads of a room presence, from an Element (the generic path) or from a
 * RawPresence the lean stream parser read from the text (the fast path): both give the same record
 * for the same stanza, so occupants.ts applies one shape. Strings from the raw path are views into
 * the parser's input chunk: whoever keeps one detaches it.
 */
import type { Element } from '@xmpp/xml';
import type { RawPresence } from '../../accounts/stream/raw-presence';
import { NS_MUC_USER, NS_OCCUPANT_ID } from '../../xmpp/ns';

export interface OccupantItem {
  role: string | undefined;
  affiliation: string | undefined;
  jid: string | undefined;
  nick: string | undefined;
  /** The first <reason/>'s text, null without one. */
  reason: string | null;
  /** The first <actor/>'s nick, null without one. */
  actor: string | null;
}

export interface OccupantPresence {
  type: string | undefined;
  show: string | null;
  status: string | null;
  /** The muc#user status codes. */
  codes: ReadonlySet<string>;
  /** The first <item/> of the muc#user <x/>. */
  item: OccupantItem | null;
  /** An XEP-0421 <occupant-id/> child. */
  occupantId: boolean;
  /** The muc#user <x/> itself (the Element path only: a destroyed room's <destroy/> is read from it). */
  x: Element | undefined;
}

const NO_CODES: ReadonlySet<string> = new Set();

function attr(element: Element, name: string): string | undefined {
  const value: unknown = element.attrs[name];
  return typeof value === 'string' ? value : undefined;
}

/** The record of a room presence built by ltx. */
export function occupantPresenceOf(stanza: Element): OccupantPresence {
  const x = stanza.getChild('x', NS_MUC_USER);
  const codes = new Set<string>();
  for (const status of x?.getChildren('status') ?? []) {
    const code = attr(status, 'code');
    if (code !== undefined) codes.add(code);
  }
  const item = x?.getChild('item');
  const actor = item?.getChild('actor');
  return {
    type: attr(stanza, 'type'),
    show: stanza.getChildText('show'),
    status: stanza.getChildText('status'),
    codes,
    item: item
      ? {
          role: attr(item, 'role'),
          affiliation: attr(item, 'affiliation'),
          jid: attr(item, 'jid'),
          nick: attr(item, 'nick'),
          reason: item.getChildText('reason'),
          actor: actor ? (attr(actor, 'nick') ?? null) : null,
        }
      : null,
    occupantId: stanza.getChild('occupant-id', NS_OCCUPANT_ID) !== undefined,
    x,
  };
}

/** The record of a room presence read from the stream text (raw.mucUser). */
export function rawOccupantPresence(raw: RawPresence): OccupantPresence {
  let codes = NO_CODES;
  if (raw.mucCodeCount > 0) {
    const set = new Set<string>();
    for (let i = 0; i < raw.mucCodeCount; i++) set.add(raw.mucCodes[i]);
    codes = set;
  }
  return {
    type: raw.type,
    show: raw.show,
    status: raw.status,
    codes,
    item: raw.mucItem
      ? {
          role: raw.itemRole,
          affiliation: raw.itemAffiliation,
          jid: raw.itemJid,
          nick: raw.itemNick,
          reason: raw.itemReason ?? null,
          actor: raw.itemActor ?? null,
        }
      : null,
    occupantId: raw.occupantId,
    x: undefined,
  };
}
