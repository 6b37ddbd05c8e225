/**
 * Ad-hoc commands (XEP-0050): the commands an entity offers (disco#items of the commands node), and
 * runs of them step by step with data forms (next, prev, complete, cancel) and notes.
 *
 * A run is ours: the renderer names it by our own id; the entity's session id, the address, the
 * node and the last form (with its hidden values and withheld secrets) stay here. Each answer must
 * come from the entity asked (the IQ guard), be a command for the same node, and, after the first,
 * carry the same session id; anything else ends the run with `adhoc.mismatch`. A step's values are
 * checked against the form it answers before they go out. Runs end when completed or canceled, when
 * the account goes offline, and beyond RUNS_MAX per account the oldest is dropped.
 */
import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { AdhocAction, AdhocCommandView, AdhocNoteView, AdhocStepView } from '../../../../shared/control';
import type { DataForm, FormValues } from '../../../../shared/forms';
import { fail, ok, type Result } from '../../../../shared/result';
import type { OnlineClients } from '../../accounts/online-clients';
import { findDataForm, parseDataForm } from '../../forms/parse';
import { formForRenderer, submitForm } from '../../forms/submit';
import type { Logger } from '../../log';
import { requestError } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_COMMANDS, NS_DISCO_ITEMS } from '../../xmpp/ns';
import { ADHOC_TIMEOUT_MS, IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { readDiscoItems } from '../discovery/service';

/** Runs kept per account at once. */
const RUNS_MAX = 16;
const NOTES_MAX = 32;

type StepAction = Exclude<AdhocAction, 'execute'>;
const STEP_ACTIONS: readonly StepAction[] = ['prev', 'next', 'complete'];

interface Run {
  id: string;
  accountId: string;
  jid: string;
  node: string;
  /** The entity's session id, from its first answer. */
  remoteSession: string | null;
  /** The last form, as the entity sent it (hidden values, withheld secrets). */
  form: DataForm | null;
  actions: StepAction[];
  defaultAction: StepAction | null;
}

export class AdhocService {
  private readonly clients: OnlineClients;
  private readonly log: Logger;
  private readonly runs = new Map<string, Run>();

  constructor(options: { clients: OnlineClients; log: Logger }) {
    this.clients = options.clients;
    this.log = options.log;
    options.clients.onGone((accountId) => {
      for (const run of [...this.runs.values()]) if (run.accountId === accountId) this.runs.delete(run.id);
    });
  }

  /** The commands `jid` offers us. */
  async list(input: { accountId: string; jid: string }): Promise<Result<AdhocCommandView[]>> {
    const xmpp = this.clients.get(input.accountId);
    if (!xmpp) return fail('not_connected', 'adhoc.notConnected');
    let reply: Element;
    try {
      reply = await xmpp.iqCaller.request(
        xml('iq', { type: 'get', to: input.jid }, xml('query', { xmlns: NS_DISCO_ITEMS, node: NS_COMMANDS })),
        IQ_TIMEOUT_MS,
      );
    } catch (error) {
      return requestError(error, { action: 'adhoc.list' }, { 'item-not-found': 'not_found' });
    }
    const query = reply.getChild('query', NS_DISCO_ITEMS);
    if (!query) return fail('internal', 'disco.malformed', { action: 'adhoc.list' });
    const items = readDiscoItems(query, input.jid, NS_COMMANDS).items;
    return ok(
      items.flatMap((item) => (item.node === null ? [] : [{ jid: item.jid, node: item.node, name: item.name }])),
    );
  }

  /** Starts a command: its first step. */
  async execute(input: { accountId: string; jid: string; node: string }): Promise<Result<AdhocStepView>> {
    const run: Run = {
      id: randomBytes(12).toString('base64url'),
      accountId: input.accountId,
      jid: input.jid,
      node: input.node,
      remoteSession: null,
      form: null,
      actions: [],
      defaultAction: null,
    };
    const ofAccount = [...this.runs.values()].filter((other) => other.accountId === input.accountId);
    if (ofAccount.length >= RUNS_MAX) this.runs.delete(ofAccount[0].id);
    this.runs.set(run.id, run);
    return this.step(run, xml('command', { xmlns: NS_COMMANDS, node: run.node, action: 'execute' }));
  }

  /** The next step: the last form answered with `values` (prev sends none). */
  async continue(input: {
    accountId: string;
    sessionId: string;
    action: AdhocAction;
    values: FormValues;
  }): Promise<Result<AdhocStepView>> {
    const run = this.runs.get(input.sessionId);
    if (!run || run.accountId !== input.accountId) return gone();
    const action = input.action === 'execute' ? (run.defaultAction ?? 'complete') : input.action;
    // Without <actions/>, a step is completed by executing it (XEP-0050 §3.4).
    const allowed = run.actions.length > 0 ? run.actions : (['complete'] as StepAction[]);
    if (!allowed.includes(action)) {
      return fail('invalid_input', 'adhoc.actionNotAllowed', { action });
    }
    const attrs = { xmlns: NS_COMMANDS, node: run.node, sessionid: run.remoteSession ?? '', action };
    if (action === 'prev' || !run.form) return this.step(run, xml('command', attrs));
    const submitted = submitForm(run.form, input.values);
    if (!submitted.ok) return fail('invalid_input', 'form.invalid', { issues: submitted.issues });
    return this.step(run, xml('command', attrs, submitted.element));
  }

  async cancel(input: { accountId: string; sessionId: string }): Promise<Result<null>> {
    const run = this.runs.get(input.sessionId);
    if (!run || run.accountId !== input.accountId) return gone();
    this.runs.delete(run.id);
    const xmpp = this.clients.get(run.accountId);
    if (!xmpp || run.remoteSession === null) return ok(null);
    const command = xml('command', {
      xmlns: NS_COMMANDS,
      node: run.node,
      sessionid: run.remoteSession,
      action: 'cancel',
    });
    try {
      await xmpp.iqCaller.request(xml('iq', { type: 'set', to: run.jid }, command), ADHOC_TIMEOUT_MS);
    } catch (error) {
      // Ended here either way; the entity forgets the session by itself.
      this.log.info('ad-hoc cancel not confirmed', { node: run.node, error });
    }
    return ok(null);
  }

  private async step(run: Run, command: Element): Promise<Result<AdhocStepView>> {
    const xmpp = this.clients.get(run.accountId);
    if (!xmpp) {
      this.runs.delete(run.id);
      return fail('not_connected', 'adhoc.notConnected');
    }
    let reply: Element;
    try {
      reply = await xmpp.iqCaller.request(xml('iq', { type: 'set', to: run.jid }, command), ADHOC_TIMEOUT_MS);
    } catch (error) {
      this.runs.delete(run.id);
      return requestError(error, { action: 'adhoc.execute' }, { 'item-not-found': 'not_found' });
    }
    if (!this.runs.has(run.id)) return gone(); // canceled meanwhile
    const answer = reply.getChild('command', NS_COMMANDS);
    const sessionid = answer?.attrs.sessionid;
    const status = answer?.attrs.status;
    const valid =
      answer !== undefined &&
      answer.attrs.node === run.node &&
      typeof sessionid === 'string' &&
      sessionid !== '' &&
      sessionid.length <= 1024 &&
      (run.remoteSession === null || sessionid === run.remoteSession) &&
      (status === 'executing' || status === 'completed' || status === 'canceled');
    if (!valid) {
      this.runs.delete(run.id);
      this.log.warn('ad-hoc answer for another command or session dropped', { node: run.node });
      return fail('internal', 'adhoc.mismatch');
    }
    run.remoteSession = sessionid;
    const x = findDataForm(answer);
    const parsed = x ? parseDataForm(x) : null;
    if (parsed && !parsed.ok) {
      this.runs.delete(run.id);
      return fail('internal', 'form.unusable', { problem: parsed.problem });
    }
    run.form = parsed?.ok ? parsed.form : null;
    const actionsElement = status === 'executing' ? answer.getChild('actions') : undefined;
    run.actions = actionsElement ? STEP_ACTIONS.filter((action) => actionsElement.getChild(action) !== undefined) : [];
    const declared = actionsElement?.attrs.execute;
    run.defaultAction = run.actions.includes(declared as StepAction)
      ? (declared as StepAction)
      : ((['next', 'complete'] as const).find((action) => run.actions.includes(action)) ?? null);
    if (status !== 'executing') this.runs.delete(run.id);
    return ok({
      sessionId: run.id,
      jid: run.jid,
      node: run.node,
      status,
      actions: status === 'executing' ? run.actions : [],
      defaultAction: status === 'executing' ? run.defaultAction : null,
      form: run.form ? formForRenderer(run.form) : null,
      notes: readNotes(answer),
    });
  }
}

function readNotes(command: Element): AdhocNoteView[] {
  return command
    .getChildren('note')
    .slice(0, NOTES_MAX)
    .map((note) => {
      const type = note.attrs.type;
      return {
        type: type === 'warn' || type === 'error' ? type : 'info',
        text: capText(note.text(), 4096),
      };
    });
}

function gone(): Result<never> {
  return fail('not_found', 'adhoc.gone');
}
