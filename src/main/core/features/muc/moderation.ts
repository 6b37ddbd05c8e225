/**
 * Moderated retraction (XEP-0425): a room moderator asks the room to remove an occupant's message
 * (by the stanza-id the room gave it), and the room tells every occupant. The announcement counts
 * only from the room itself (its bare JID), never from an occupant: chat's retractions.ts reads it
 * with readModeration. Both versions are read: 1 (a retract carrying <moderated/>) and 0 (inside a
 * XEP-0422 fastening).
 */
import xml, { type Element } from '@xmpp/xml';
import { fail, ok, type Result } from '../../../../shared/result';
import type { SessionXmpp } from '../../accounts/client';
import { isTimeout, stanzaCondition } from '../../util/stanza-errors';
import { NS_FASTEN, NS_MODERATE, NS_MODERATE_LEGACY, NS_RETRACT, NS_RETRACT_LEGACY } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

export interface Moderation {
  /** The stanza-id of the removed message. */
  id: string;
  /** The moderator as the room names them (room/nick), if it does. */
  by: string | null;
  reason: string | null;
}

/** A moderation announcement in a message from the room, or null. */
export function readModeration(stanza: Element): Moderation | null {
  const retract = stanza.getChild('retract', NS_RETRACT);
  const moderated = retract?.getChild('moderated', NS_MODERATE);
  if (retract && moderated) return moderation(retract.attrs.id, moderated.attrs.by, retract.getChildText('reason'));
  const applyTo = stanza.getChild('apply-to', NS_FASTEN);
  const legacy = applyTo?.getChild('moderated', NS_MODERATE_LEGACY);
  if (applyTo && legacy?.getChild('retract', NS_RETRACT_LEGACY))
    return moderation(applyTo.attrs.id, legacy.attrs.by, legacy.getChildText('reason'));
  return null;
}

function moderation(id: unknown, by: unknown, reason: string | null): Moderation | null {
  if (typeof id !== 'string' || id === '' || id.length > 256) return null;
  return {
    id,
    by: typeof by === 'string' ? by.slice(0, 3071) : null,
    reason: reason === null ? null : reason.slice(0, 1024),
  };
}

/** Asks the room to remove the message it knows by `stanzaId`; the room's announcement does the rest. */
export async function moderate(
  xmpp: SessionXmpp,
  room: string,
  stanzaId: string,
  reason: string | undefined,
): Promise<Result<null>> {
  const iq = xml(
    'iq',
    { type: 'set', to: room },
    xml(
      'moderate',
      { xmlns: NS_MODERATE, id: stanzaId },
      xml('retract', { xmlns: NS_RETRACT }),
      reason ? xml('reason', {}, reason) : null,
    ),
  );
  try {
    await xmpp.iqCaller.request(iq, IQ_TIMEOUT_MS);
    return ok(null);
  } catch (error) {
    if (isTimeout(error)) return fail('timeout', 'replies.moderationRefused', { condition: null });
    return fail('forbidden', 'replies.moderationRefused', { condition: stanzaCondition(error) ?? null });
  }
}
