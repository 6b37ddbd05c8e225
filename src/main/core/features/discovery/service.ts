/**
 * Service discovery asked for by the user (XEP-0030): what an entity or one of its nodes is and
 * offers (disco#info, with XEP-0128 forms) and lists (disco#items); and what a contact's client or a
 * server says about itself, each asked only when the user opens it: software version (XEP-0092),
 * last activity (XEP-0012), local time (XEP-0202).
 *
 * Answers count only from the entity asked (the IQ guard drops the rest before they get here).
 * Everything read is bounded: texts cut, lists capped (`truncated` says so), malformed answers
 * refused with `disco.malformed`.
 */
import xml, { type Element } from '@xmpp/xml';
import type {
  DiscoIdentityView,
  DiscoInfoView,
  DiscoItemView,
  DiscoItemsView,
  EntityTimeView,
  LastActivityView,
  SoftwareVersionView,
} from '../../../../shared/control';
import type { ControlRequestAction } from '../../../../shared/errors';
import type { DataForm } from '../../../../shared/forms';
import { formatJid, parseJid } from '../../../../shared/jid';
import { fail, ok, type Result } from '../../../../shared/result';
import type { OnlineClients } from '../../accounts/online-clients';
import { parseDataForm } from '../../forms/parse';
import { formForRenderer } from '../../forms/submit';
import type { Logger } from '../../log';
import { requestError } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_LAST, NS_TIME, NS_VERSION } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** Items kept from one disco#items answer. */
export const DISCO_ITEMS_MAX = 10_000;
const IDENTITIES_MAX = 100;
const FEATURES_MAX = 5000;
const FORMS_MAX = 16;
const TEXT_MAX = 1024;

const text = (value: string | null | undefined): string | null =>
  typeof value === 'string' ? capText(value, TEXT_MAX) : null;

/** A JID as an entity named it, normalized; null when it is not one. */
function jidOrNull(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const parsed = parseJid(raw);
  return 'error' in parsed ? null : formatJid(parsed.jid);
}

/** The disco#info answer as a view: identities and features (each once), XEP-0128 forms. */
export function readDiscoInfo(query: Element, jid: string, node: string | null): DiscoInfoView {
  const identities: DiscoIdentityView[] = [];
  const seenIdentities = new Set<string>();
  for (const identity of query.getChildren('identity').slice(0, IDENTITIES_MAX * 4)) {
    const { category, type } = identity.attrs;
    if (typeof category !== 'string' || typeof type !== 'string' || !category || !type) continue;
    const view = {
      category: capText(category, 64),
      type: capText(type, 64),
      name: text(identity.attrs.name),
      lang: text(identity.attrs['xml:lang']),
    };
    const key = `${view.category}/${view.type}/${view.lang ?? ''}/${view.name ?? ''}`;
    if (seenIdentities.has(key) || identities.length >= IDENTITIES_MAX) continue;
    seenIdentities.add(key);
    identities.push(view);
  }
  const features = new Set<string>();
  for (const feature of query.getChildren('feature')) {
    const name = feature.attrs.var;
    if (typeof name === 'string' && name !== '' && name.length <= TEXT_MAX) features.add(name);
    if (features.size >= FEATURES_MAX) break;
  }
  const forms: DataForm[] = [];
  for (const x of query.getChildren('x', NS_DATA).slice(0, FORMS_MAX)) {
    const parsed = parseDataForm(x);
    if (parsed.ok) forms.push(formForRenderer(parsed.form));
  }
  return { jid, node, identities, features: [...features], forms };
}

/** The disco#items answer as a view: items with valid addresses, each (jid, node) once, capped. */
export function readDiscoItems(query: Element, jid: string, node: string | null): DiscoItemsView {
  const items: DiscoItemView[] = [];
  const seen = new Set<string>();
  let truncated = false;
  for (const item of query.getChildren('item')) {
    const itemJid = jidOrNull(item.attrs.jid);
    if (itemJid === null) continue;
    const itemNode =
      typeof item.attrs.node === 'string' && item.attrs.node !== '' ? capText(item.attrs.node, 3071) : null;
    const key = `${itemJid}\u0000${itemNode ?? ''}`;
    if (seen.has(key)) continue;
    if (items.length >= DISCO_ITEMS_MAX) {
      truncated = true;
      break;
    }
    seen.add(key);
    items.push({ jid: itemJid, node: itemNode, name: text(item.attrs.name) });
  }
  return { jid, node, items, truncated };
}

export function readVersion(query: Element): SoftwareVersionView {
  return {
    name: text(query.getChildText('name')),
    version: text(query.getChildText('version')),
    os: text(query.getChildText('os')),
  };
}

export function readLastActivity(query: Element): LastActivityView | null {
  const seconds = query.attrs.seconds;
  if (typeof seconds !== 'string' || !/^\d{1,15}$/.test(seconds)) return null;
  const status = query.text().trim();
  return { seconds: Number(seconds), status: status === '' ? null : capText(status, TEXT_MAX) };
}

const UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
const TZO = /^(Z|([+-])(0\d|1[0-4]):([0-5]\d))$/;

export function readEntityTime(time: Element, now: number): EntityTimeView | null {
  const utc = time.getChildText('utc')?.trim() ?? '';
  const tzo = time.getChildText('tzo')?.trim() ?? '';
  const offset = TZO.exec(tzo);
  const at = Date.parse(utc);
  if (!UTC.test(utc) || !offset || Number.isNaN(at)) return null;
  const offsetMinutes =
    offset[1] === 'Z' ? 0 : (offset[2] === '-' ? -1 : 1) * (Number(offset[3]) * 60 + Number(offset[4]));
  return { utc, tzo: tzo === 'Z' ? '+00:00' : tzo, offsetMinutes, skewSeconds: Math.round((at - now) / 1000) };
}

export interface DiscoveryOptions {
  clients: OnlineClients;
  log: Logger;
  now?: () => number;
}

export class DiscoveryService {
  private readonly clients: OnlineClients;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(options: DiscoveryOptions) {
    this.clients = options.clients;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  async info(input: { accountId: string; jid: string; node?: string }): Promise<Result<DiscoInfoView>> {
    const node = input.node ?? null;
    const answer = await this.ask(input.accountId, input.jid, 'disco.info', queryOf(NS_DISCO_INFO, node));
    if (!answer.ok) return answer;
    if (!answer.value.is('query', NS_DISCO_INFO)) return malformed('disco.info');
    return ok(readDiscoInfo(answer.value, input.jid, node));
  }

  async items(input: { accountId: string; jid: string; node?: string }): Promise<Result<DiscoItemsView>> {
    const node = input.node ?? null;
    const answer = await this.ask(input.accountId, input.jid, 'disco.items', queryOf(NS_DISCO_ITEMS, node));
    if (!answer.ok) return answer;
    if (!answer.value.is('query', NS_DISCO_ITEMS)) return malformed('disco.items');
    const view = readDiscoItems(answer.value, input.jid, node);
    if (view.truncated) this.log.info('disco#items answer cut', { jid: input.jid, kept: view.items.length });
    return ok(view);
  }

  async version(input: { accountId: string; jid: string }): Promise<Result<SoftwareVersionView>> {
    const answer = await this.ask(input.accountId, input.jid, 'entity.version', xml('query', { xmlns: NS_VERSION }));
    if (!answer.ok) return answer;
    if (!answer.value.is('query', NS_VERSION)) return malformed('entity.version');
    return ok(readVersion(answer.value));
  }

  async lastActivity(input: { accountId: string; jid: string }): Promise<Result<LastActivityView>> {
    const answer = await this.ask(input.accountId, input.jid, 'entity.lastActivity', xml('query', { xmlns: NS_LAST }));
    if (!answer.ok) return answer;
    const view = answer.value.is('query', NS_LAST) ? readLastActivity(answer.value) : null;
    return view ? ok(view) : malformed('entity.lastActivity');
  }

  async time(input: { accountId: string; jid: string }): Promise<Result<EntityTimeView>> {
    const answer = await this.ask(input.accountId, input.jid, 'entity.time', xml('time', { xmlns: NS_TIME }));
    if (!answer.ok) return answer;
    const view = answer.value.is('time', NS_TIME) ? readEntityTime(answer.value, this.now()) : null;
    return view ? ok(view) : malformed('entity.time');
  }

  /** Sends a get to `jid`; the answer's payload (its only child), or the failure as a result. */
  private async ask(
    accountId: string,
    jid: string,
    what: ControlRequestAction,
    payload: Element,
  ): Promise<Result<Element>> {
    const xmpp = this.clients.get(accountId);
    if (!xmpp) return fail('not_connected', 'disco.notConnected');
    let reply: Element;
    try {
      reply = await xmpp.iqCaller.request(xml('iq', { type: 'get', to: jid }, payload), IQ_TIMEOUT_MS);
    } catch (error) {
      return requestError(
        error,
        { action: what },
        { 'service-unavailable': 'not_found', 'item-not-found': 'not_found', 'feature-not-implemented': 'not_found' },
      );
    }
    const child = reply.getChildElements()[0];
    if (!child) return malformed(what);
    return ok(child);
  }
}

function queryOf(xmlns: string, node: string | null): Element {
  return xml('query', node === null ? { xmlns } : { xmlns, node });
}

function malformed(what: ControlRequestAction): Result<never> {
  return fail('internal', 'disco.malformed', { action: what });
}
