/**
 * Destroying a room (XEP-0045 §10.9): the owner's request, with an optional reason and a room to go
 * to instead, and what occupants see when a room is destroyed: the last self-presence carries
 * `<destroy/>` with that reason and venue. It is read only as part of our own self-presence from a
 * room we are in (the caller checked the sender); a venue that is not a room's bare JID is dropped.
 */
import xml, { type Element } from '@xmpp/xml';
import { normalizeBareJid } from '../../../../shared/jid';
import type { ParsedInput } from '../../../../shared/contract';
import type { RoomDestroyed } from '../../../../shared/errors';
import { ok, type Result } from '../../../../shared/result';
import { requestError } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_MUC_OWNER } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import type { MucRooms, Room } from './rooms';

const REASON_MAX = 500;

/** Asks the room to destroy itself; the room answers once occupants were told. */
export async function destroyRoom(rooms: MucRooms, input: ParsedInput<'muc.destroy'>): Promise<Result<null>> {
  const { room, xmpp, error } = rooms.inRoom(input.accountId, input.room);
  if (error) return error;
  const destroy = xml(
    'destroy',
    input.venue ? { jid: input.venue } : {},
    input.reason ? xml('reason', {}, input.reason) : null,
  );
  try {
    await xmpp.iqCaller.set(xml('query', { xmlns: NS_MUC_OWNER }, destroy), room.room, IQ_TIMEOUT_MS);
    return ok(null);
  } catch (err) {
    return requestError(err, { action: 'room.destroy' });
  }
}

/** The `<destroy/>` of a muc#user `<x/>` (our last self-presence), or null when there is none. */
export function readDestroyed(x: Element | undefined): RoomDestroyed | null {
  const destroy = x?.getChild('destroy');
  if (!destroy) return null;
  const rawVenue = destroy.attrs.jid;
  const venue = typeof rawVenue === 'string' ? normalizeBareJid(rawVenue) : null;
  const reason = destroy.getChildText('reason');
  return {
    reason: reason ? capText(reason, REASON_MAX) : null,
    venue: venue !== null && venue.includes('@') ? venue : null,
  };
}

/** The room is gone: we are out, with the reason and the venue shown. */
export function roomDestroyed(rooms: MucRooms, room: Room, destroyed: RoomDestroyed): void {
  room.state = 'left';
  room.role = 'none';
  room.awaitingConfiguration = false;
  room.error = { kind: 'not-found', code: 'not_found', reason: 'muc.destroyed', params: destroyed };
  rooms.clearOccupants(room);
  rooms.notice(room, { code: 'muc.destroyed', ...destroyed });
  rooms.changedRoom(room);
  rooms.settle(room, { ok: false, error: { code: 'not_found', reason: 'muc.destroyed', params: destroyed } });
}
