/**
 * A room's configuration (XEP-0045 §10.1–§10.2): reading the form of a room we own, submitting it,
 * and accepting the default for a room created for us (an instant room).
 *
 * - The form comes only from the room asked (the IQ guard drops answers from anyone else, an
 *   occupant's full JID included); an oversized or malformed one is refused with its reason.
 * - The form read last stays here per room, with its hidden values and a password the renderer
 *   never sees; a submit is checked against that copy, so a value the room did not ask for, or one
 *   that breaks a field's type, never goes out.
 * - A room created with `configure` stays locked (status 201) until a form or the default is submitted.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ParsedInput, RoomConfigurationView } from '../../../../shared/contract';
import type { DataForm } from '../../../../shared/forms';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import { findDataForm, parseDataForm } from '../../forms/parse';
import { formForRenderer, submitForm } from '../../forms/submit';
import { requestError } from '../../util/stanza-errors';
import { NS_DATA, NS_MUC_OWNER } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { notConnected, type MucRooms } from './rooms';

/** Forms kept at once (one per room being configured); the oldest goes first. */
const FORMS_MAX = 32;

export class RoomConfiguration {
  /** The form read last, per account and room. */
  private readonly forms = new Map<string, DataForm>();

  constructor(private readonly rooms: MucRooms) {}

  /** Reads the configuration form of a room we own. */
  async read(input: ParsedInput<'muc.configuration'>): Promise<Result<RoomConfigurationView>> {
    const xmpp = onlineClient(this.rooms.existing(input.accountId)?.xmpp ?? null);
    if (!xmpp) return notConnected();
    let query: Element | undefined;
    try {
      query = await iqGet(xmpp, xml('query', { xmlns: NS_MUC_OWNER }), input.room);
    } catch (error) {
      return requestError(error, { action: 'room.configuration' });
    }
    const x = query?.name === 'query' ? findDataForm(query) : undefined;
    if (!x) return fail('internal', 'disco.malformed', { action: 'room.configuration' });
    const parsed = parseDataForm(x);
    if (!parsed.ok) return fail('internal', 'form.unusable', { problem: parsed.problem });
    const key = formKey(input.accountId, input.room);
    this.forms.delete(key);
    this.forms.set(key, parsed.form);
    if (this.forms.size > FORMS_MAX) this.forms.delete(this.forms.keys().next().value as string);
    return ok({ accountId: input.accountId, room: input.room, form: formForRenderer(parsed.form) });
  }

  /** Submits the form read last for this room, or (instant) the room's default. */
  async submit(input: ParsedInput<'muc.configure'>): Promise<Result<null>> {
    const account = this.rooms.existing(input.accountId);
    const xmpp = onlineClient(account?.xmpp ?? null);
    if (!account || !xmpp) return notConnected();
    const key = formKey(input.accountId, input.room);
    let x: Element;
    if (input.instant) x = xml('x', { xmlns: NS_DATA, type: 'submit' });
    else {
      const form = this.forms.get(key);
      if (!form) return fail('not_found', 'muc.configurationGone');
      const submitted = submitForm(form, input.values);
      if (!submitted.ok) return fail('invalid_input', 'form.invalid', { issues: submitted.issues });
      x = submitted.element;
    }
    try {
      await xmpp.iqCaller.set(xml('query', { xmlns: NS_MUC_OWNER }, x), input.room, IQ_TIMEOUT_MS);
    } catch (error) {
      return requestError(error, { action: 'room.configure' });
    }
    this.forms.delete(key);
    const room = account.rooms.get(input.room);
    if (room?.awaitingConfiguration) {
      room.awaitingConfiguration = false;
      this.rooms.notice(room, { code: input.instant ? 'muc.created' : 'muc.configured' });
      this.rooms.changedRoom(room);
    }
    return ok(null);
  }

  forgetAccount(accountId: string): void {
    for (const key of [...this.forms.keys()]) if (key.startsWith(`${accountId}\n`)) this.forms.delete(key);
  }
}

function formKey(accountId: string, room: string): string {
  return `${accountId}\n${room}`;
}
