/**
 * Voice requests (XEP-0045 §8.6): a visitor in a moderated room asks for voice, and the room sends
 * its moderators a form to approve or deny.
 *
 * - A request counts only from the bare JID of a room we are in as a moderator: from an occupant
 *   (the room's JID with a nick), a stranger or a room where we cannot grant it, it is ignored.
 * - The form must be a muc#request form of a few fields naming a nick; anything larger or
 *   malformed is ignored. The nick and real JID are the room's words, capped.
 * - One prompt per room and nick, at most VOICE_REQUESTS_MAX per account; the answer sends the
 *   room's own form back with the decision.
 * - A request follows its asker: it goes when they leave the room, and takes their new nick when
 *   they change it.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { normalizeBareJid, normalizeJid } from '../../../../shared/jid';
import { MUC_NICK_MAX, type ParsedInput, type VoiceRequestView } from '../../../../shared/contract';
import type { DataForm, FormValues } from '../../../../shared/forms';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { EventBus } from '../../events';
import { findDataForm, parseDataForm } from '../../forms/parse';
import { submitValues } from '../../forms/submit';
import type { RateLimitedLogger } from '../../log';
import { capText } from '../../util/text';
import { NS_MUC_REQUEST } from '../../xmpp/ns';
import type { AccountRooms, MucRooms, Room } from './rooms';

/** Pending voice requests kept per account. */
export const VOICE_REQUESTS_MAX = 100;
/** A voice request form has five fields; one with many more is not one. */
const VOICE_FORM_FIELDS_MAX = 16;

type StoredRequest = VoiceRequestView & { form: DataForm };

export class VoiceRequests {
  private readonly pending = new Map<string, Map<string, StoredRequest>>();

  constructor(
    private readonly rooms: MucRooms,
    private readonly bus: EventBus,
    private readonly floodLog: RateLimitedLogger,
    private readonly now: () => number,
  ) {}

  requests(): VoiceRequestView[] {
    const all: VoiceRequestView[] = [];
    for (const requests of this.pending.values())
      for (const { form: _form, ...view } of requests.values()) all.push(view);
    return all;
  }

  /** Asks the room for voice (we are a visitor); the moderators decide. */
  async request(input: ParsedInput<'muc.requestVoice'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    try {
      await xmpp.send(xml('message', { to: room.room }, submitValues(NS_MUC_REQUEST, { 'muc#role': ['participant'] })));
    } catch {
      return fail('not_connected', 'muc.voiceNotSent');
    }
    this.rooms.notice(room, { code: 'muc.voiceRequested' });
    return ok(null);
  }

  /** Reads a voice request in a message; true when the message was one (taken or ignored). */
  read(account: AccountRooms, stanza: Element): boolean {
    const x = findDataForm(stanza, NS_MUC_REQUEST);
    if (!x || stanza.attrs.type === 'error') return false;
    const from = typeof stanza.attrs.from === 'string' ? stanza.attrs.from : '';
    const roomJid = from.includes('/') ? null : normalizeBareJid(from);
    const room = roomJid === null ? undefined : account.rooms.get(roomJid);
    if (!room || room.state !== 'joined' || room.role !== 'moderator') {
      this.floodLog.warn('muc.voice-sender', 'voice request not from a room we moderate; ignored', {
        from: from.slice(0, 200),
      });
      return true;
    }
    if (x.getChildren('field').length > VOICE_FORM_FIELDS_MAX) {
      this.floodLog.warn('muc.voice-form', 'oversized voice request form; ignored', { room: room.room });
      return true;
    }
    const parsed = parseDataForm(x);
    const form = parsed.ok ? parsed.form : null;
    const value = (name: string) => form?.fields.find((field) => field.var === name)?.values[0] ?? '';
    const nick = value('muc#roomnick');
    if (!form || form.type !== 'form' || nick === '' || nick.length > MUC_NICK_MAX) {
      this.floodLog.warn('muc.voice-form', 'malformed voice request; ignored', { room: room.room });
      return true;
    }
    let requests = this.pending.get(account.accountId);
    if (!requests) this.pending.set(account.accountId, (requests = new Map()));
    for (const existing of requests.values()) if (existing.room === room.room && existing.nick === nick) return true;
    if (requests.size >= VOICE_REQUESTS_MAX) {
      this.floodLog.warn('muc.voice-many', 'too many pending voice requests; ignored', { room: room.room });
      return true;
    }
    const jid = value('muc#jid');
    const stored: StoredRequest = {
      accountId: account.accountId,
      id: randomUUID(),
      room: room.room,
      nick: capText(nick, MUC_NICK_MAX),
      jid: jid === '' ? null : normalizeJid(jid),
      at: this.now(),
      form,
    };
    requests.set(stored.id, stored);
    const { form: _form, ...view } = stored;
    this.bus.emit({ type: 'muc.voiceRequest', request: view });
    return true;
  }

  /** Grants or denies: the room's form goes back with the decision. */
  async answer(input: ParsedInput<'muc.answerVoice'>): Promise<Result<null>> {
    const requests = this.pending.get(input.accountId);
    const request = requests?.get(input.id);
    if (!requests || !request) return fail('not_found', 'muc.voiceRequestGone');
    requests.delete(input.id);
    this.bus.emit({ type: 'muc.voiceRequestRemoved', accountId: input.accountId, id: input.id });
    const xmpp = onlineClient(this.rooms.existing(input.accountId)?.xmpp ?? null);
    if (!xmpp) return fail('not_connected', 'muc.notConnected');
    // The room's form goes back as it came (its values are the room's, not the user's), with the decision.
    const values: FormValues = {};
    for (const field of request.form.fields) {
      if (field.var !== null && field.var !== 'FORM_TYPE' && field.type !== 'fixed') values[field.var] = field.values;
    }
    values['muc#request_allow'] = [input.allow ? '1' : '0'];
    try {
      await xmpp.send(xml('message', { to: request.room }, submitValues(NS_MUC_REQUEST, values)));
      return ok(null);
    } catch {
      return fail('not_connected', 'muc.voiceNotSent');
    }
  }

  /** The asker left (renamedTo null: the request goes) or changed nick (the request follows them). */
  occupantGone(room: Room, nick: string, renamedTo: string | null): void {
    const requests = this.pending.get(room.accountId);
    if (!requests) return;
    for (const request of [...requests.values()]) {
      if (request.room !== room.room || request.nick !== nick) continue;
      if (renamedTo === null || renamedTo.length > MUC_NICK_MAX) {
        requests.delete(request.id);
        this.bus.emit({ type: 'muc.voiceRequestRemoved', accountId: room.accountId, id: request.id });
        continue;
      }
      request.nick = renamedTo;
      // A room may find the asker by the nick its form names: the answer names the new one.
      const fields = request.form.fields.map((field) =>
        field.var === 'muc#roomnick' ? { ...field, values: [renamedTo] } : field,
      );
      request.form = { ...request.form, fields };
      const { form: _form, ...view } = request;
      this.bus.emit({ type: 'muc.voiceRequest', request: view });
    }
  }

  /** Requests of a room we are no longer in go away. */
  forgetRoom(accountId: string, room: string): void {
    const requests = this.pending.get(accountId);
    if (!requests) return;
    for (const request of [...requests.values()]) {
      if (request.room !== room) continue;
      requests.delete(request.id);
      this.bus.emit({ type: 'muc.voiceRequestRemoved', accountId, id: request.id });
    }
  }

  forgetAccount(accountId: string): void {
    this.pending.delete(accountId);
  }
}
