/**
 * HTTP File Upload (XEP-0363) over XMPP: finding the upload service and asking it for a slot.
 *
 * - Discovery: disco#items of our server, then disco#info of each item until one has the feature
 *   `urn:xmpp:http:upload:0`; its max-file-size comes from the XEP-0128 form. Found once per
 *   session (a resumed stream keeps it).
 * - A slot is asked of that service only; the IQ guard drops replies from anyone else, and the reply
 *   is checked again here. Both URLs must be https:, and of the slot's headers only Authorization,
 *   Cookie and Expires are kept (XEP-0363 §5: the client must not send others), without line breaks.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import type { SessionOnline } from '../../accounts/session-api';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { Logger } from '../../log';
import { parseHttpsUrl } from '../../media/https-client';
import { normalizeJid } from '../../../../shared/jid';
import { NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_UPLOAD } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';

/** Items of our server asked about; a server lists a handful of components. */
const MAX_ITEMS = 32;
const ALLOWED_HEADERS = new Map([
  ['authorization', 'Authorization'],
  ['cookie', 'Cookie'],
  ['expires', 'Expires'],
]);
const MAX_HEADER_VALUE = 8192;

export interface UploadService {
  /** The service's JID, as normalized. */
  jid: string;
  /** Bytes, or null when the service states no limit. */
  maxFileSize: number | null;
}

export interface UploadSlot {
  put: string;
  get: string;
  headers: Record<string, string>;
}

export type SlotError =
  | { code: 'not-connected' }
  | { code: 'unavailable' }
  /** The service refused: `condition` from the stanza error; `limit` when it said the file is too large. */
  | { code: 'refused'; condition: string; limit: number | null }
  | { code: 'bad-slot' }
  | { code: 'timeout' };

export class SlotRequestError extends Error {
  constructor(readonly detail: SlotError) {
    super(`upload slot: ${detail.code}`);
    this.name = 'SlotRequestError';
  }
}

interface AccountUpload {
  xmpp: SessionXmpp | null;
  domain: string | null;
  /** The discovery of this session (undefined: not asked yet). */
  service?: Promise<UploadService | null>;
}

export class HttpUploadClient implements AccountLifecycleListener {
  private readonly accounts = new Map<string, AccountUpload>();

  private readonly timeoutMs: number;

  constructor(
    private readonly log: Logger,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? IQ_TIMEOUT_MS;
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const account = this.account(accountId);
    account.xmpp = online.xmpp;
    account.domain = online.xmpp.jid?.domain ?? null;
    if (!online.resumed) account.service = undefined;
  }

  onOffline(accountId: string): void {
    const account = this.accounts.get(accountId);
    if (account) account.xmpp = null;
  }

  onRemoved(accountId: string): void {
    this.accounts.delete(accountId);
  }

  isOnline(accountId: string): boolean {
    return onlineClient(this.accounts.get(accountId)?.xmpp) !== null;
  }

  /** The account's upload service (discovered once per session), or null when it has none. */
  service(accountId: string): Promise<UploadService | null> {
    const account = this.account(accountId);
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp || !account.domain) return Promise.reject(new SlotRequestError({ code: 'not-connected' }));
    if (!account.service) {
      const discovery = this.discover(xmpp, account.domain);
      account.service = discovery;
      // A failed discovery (timeout, dropped link) is asked again next time.
      discovery.catch(() => {
        if (account.service === discovery) account.service = undefined;
      });
    }
    return account.service;
  }

  /** Asks `service` for a slot for a file of `size` bytes. */
  async requestSlot(
    accountId: string,
    service: UploadService,
    file: { name: string; size: number; contentType: string },
  ): Promise<UploadSlot> {
    const xmpp = onlineClient(this.accounts.get(accountId)?.xmpp);
    if (!xmpp) throw new SlotRequestError({ code: 'not-connected' });
    const request = xml(
      'iq',
      { type: 'get', to: service.jid },
      xml('request', {
        xmlns: NS_UPLOAD,
        filename: file.name,
        size: String(file.size),
        'content-type': file.contentType,
      }),
    );
    let reply: Element;
    try {
      reply = (await xmpp.iqCaller.request(request, this.timeoutMs)) as Element;
    } catch (error) {
      throw slotFailure(error);
    }
    // The guard lets only the service answer; a reply from anyone else is not a slot either way.
    const from = typeof reply.attrs.from === 'string' ? normalizeJid(reply.attrs.from) : null;
    if (from !== service.jid) {
      this.log.warn('upload slot from an entity we did not ask ignored', { from: String(reply.attrs.from ?? '') });
      throw new SlotRequestError({ code: 'bad-slot' });
    }
    const slot = parseSlot(reply.getChild('slot', NS_UPLOAD));
    if (!slot) {
      this.log.warn('the upload service sent an unusable slot', { service: service.jid });
      throw new SlotRequestError({ code: 'bad-slot' });
    }
    return slot;
  }

  private async discover(xmpp: SessionXmpp, domain: string): Promise<UploadService | null> {
    const items = (await xmpp.iqCaller.get(xml('query', { xmlns: NS_DISCO_ITEMS }), domain, this.timeoutMs)) as Element;
    const jids: string[] = [];
    for (const item of items.getChildren('item')) {
      const jid = typeof item.attrs.jid === 'string' ? normalizeJid(item.attrs.jid) : null;
      // Only entities without a node: an upload service is a component, not a node of something else.
      if (jid && item.attrs.node === undefined && !jids.includes(jid)) jids.push(jid);
      if (jids.length >= MAX_ITEMS) break;
    }
    const infos = await Promise.all(
      jids.map((jid) =>
        xmpp.iqCaller
          .get(xml('query', { xmlns: NS_DISCO_INFO }), jid, this.timeoutMs)
          .then((info) => ({ jid, info: info as Element }))
          .catch(() => null),
      ),
    );
    for (const found of infos) {
      if (!found) continue;
      const features = found.info.getChildren('feature').map((feature) => feature.attrs.var);
      if (!features.includes(NS_UPLOAD)) continue;
      const service = { jid: found.jid, maxFileSize: maxFileSize(found.info) };
      this.log.info('upload service found', service);
      return service;
    }
    this.log.info('no upload service on this server', { domain });
    return null;
  }

  private account(accountId: string): AccountUpload {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { xmpp: null, domain: null };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}

/** max-file-size from the service's XEP-0128 form (FORM_TYPE urn:xmpp:http:upload:0). */
export function maxFileSize(info: Element): number | null {
  for (const form of info.getChildren('x', NS_DATA)) {
    const fields = form.getChildren('field');
    const type = fields.find((field) => field.attrs.var === 'FORM_TYPE')?.getChildText('value');
    if (type !== NS_UPLOAD) continue;
    const value = fields
      .find((field) => field.attrs.var === 'max-file-size')
      ?.getChildText('value')
      ?.trim();
    if (value && /^\d{1,15}$/.test(value)) return Number(value);
  }
  return null;
}

/** The slot when both URLs are https: and the headers are usable; null otherwise. */
export function parseSlot(slot: Element | undefined): UploadSlot | null {
  const put = slot?.getChild('put');
  const get = slot?.getChild('get');
  const putUrl = parseHttpsUrl(String(put?.attrs.url ?? ''));
  const getUrl = parseHttpsUrl(String(get?.attrs.url ?? ''));
  if (!put || !putUrl || !getUrl) return null;
  const headers: Record<string, string> = {};
  for (const header of put.getChildren('header')) {
    const name = ALLOWED_HEADERS.get(String(header.attrs.name ?? '').toLowerCase());
    const value = header.text().trim();
    if (!name) continue;
    // A line break would start another header; other controls are refused by HTTP itself.
    if (value.length > MAX_HEADER_VALUE || /\p{Cc}/u.test(value)) return null;
    headers[name] = value;
  }
  return { put: putUrl.href, get: getUrl.href, headers };
}

function slotFailure(error: unknown): SlotRequestError {
  const e = error as { name?: string; condition?: string; element?: Element } | null;
  if (e?.name === 'TimeoutError') return new SlotRequestError({ code: 'timeout' });
  if (e?.name === 'StanzaError') {
    const limit = e.element?.getChild('file-too-large', NS_UPLOAD)?.getChildText('max-file-size')?.trim();
    return new SlotRequestError({
      code: 'refused',
      condition: e.condition ?? 'undefined-condition',
      limit: limit && /^\d{1,15}$/.test(limit) ? Number(limit) : null,
    });
  }
  return new SlotRequestError({ code: 'not-connected' });
}
