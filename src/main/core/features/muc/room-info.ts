/**
 * What a room says about itself before we join (XEP-0045 §6.4): its name (the conference identity),
 * its features as flags and its muc#roominfo form (description, subject, occupants, language, logs,
 * contacts). Only the room asked answers (the IQ guard); a room that does not exist yet
 * (item-not-found) is one that joining creates. Texts are capped; logs only as an https: address.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ParsedInput, RoomInfoView } from '../../../../shared/contract';
import type { DataForm } from '../../../../shared/forms';
import { normalizeBareJid } from '../../../../shared/jid';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import { requestError, stanzaCondition } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_DISCO_INFO, NS_MUC_ROOMINFO } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { readDiscoInfo } from '../discovery/service';
import { notConnected, type MucRooms } from './rooms';

const TEXT_MAX = 1024;
const CONTACTS_MAX = 10;

/** A feature pair: true when the first is offered, false when the second is, else null. */
const FLAGS = {
  passwordProtected: ['muc_passwordprotected', 'muc_unsecured'],
  membersOnly: ['muc_membersonly', 'muc_open'],
  moderated: ['muc_moderated', 'muc_unmoderated'],
  nonAnonymous: ['muc_nonanonymous', 'muc_semianonymous'],
  persistent: ['muc_persistent', 'muc_temporary'],
  public: ['muc_public', 'muc_hidden'],
} as const;

export async function roomInfo(rooms: MucRooms, input: ParsedInput<'muc.roomInfo'>): Promise<Result<RoomInfoView>> {
  const xmpp = onlineClient(rooms.existing(input.accountId)?.xmpp ?? null);
  if (!xmpp) return notConnected();
  let query: Element | undefined;
  try {
    query = await iqGet(xmpp, xml('query', { xmlns: NS_DISCO_INFO }), input.room);
  } catch (error) {
    if (stanzaCondition(error) === 'item-not-found') return ok(readRoomInfo(input.room, null));
    return requestError(error, { action: 'room.info' });
  }
  if (query?.name !== 'query' || query.getNS() !== NS_DISCO_INFO) {
    return fail('internal', 'disco.malformed', { action: 'room.info' });
  }
  return ok(readRoomInfo(input.room, query));
}

/** The room's answer as a view; null: the room does not exist. */
export function readRoomInfo(room: string, query: Element | null): RoomInfoView {
  const info = query ? readDiscoInfo(query, room, null) : null;
  const features = new Set(info?.features ?? []);
  const form = info?.forms.find((f) => f.formType === NS_MUC_ROOMINFO) ?? null;
  const value = (name: string) => fieldValues(form, name)[0] ?? null;
  const text = (name: string) => {
    const found = value(name);
    return found ? capText(found, TEXT_MAX) : null;
  };
  const flag = ([yes, no]: readonly [string, string]) => (features.has(yes) ? true : features.has(no) ? false : null);
  const occupants = value('muc#roominfo_occupants');
  const logs = value('muc#roominfo_logs');
  const identityName = info?.identities.find((i) => i.category === 'conference')?.name ?? null;
  return {
    room,
    exists: info !== null,
    name: text('muc#roomconfig_roomname') ?? identityName,
    description: text('muc#roominfo_description'),
    subject: text('muc#roominfo_subject'),
    occupants: occupants !== null && /^\d{1,9}$/.test(occupants) ? Number(occupants) : null,
    language: value('muc#roominfo_lang')?.slice(0, 35) ?? null,
    passwordProtected: flag(FLAGS.passwordProtected),
    membersOnly: flag(FLAGS.membersOnly),
    moderated: flag(FLAGS.moderated),
    nonAnonymous: flag(FLAGS.nonAnonymous),
    persistent: flag(FLAGS.persistent),
    public: flag(FLAGS.public),
    logs: logs !== null && /^https:\/\/\S+$/i.test(logs) && logs.length <= 2048 ? logs : null,
    contacts: fieldValues(form, 'muc#roominfo_contactjid')
      .flatMap((jid) => normalizeBareJid(jid) ?? [])
      .slice(0, CONTACTS_MAX),
  };
}

function fieldValues(form: DataForm | null, name: string): string[] {
  return form?.fields.find((field) => field.var === name)?.values ?? [];
}
