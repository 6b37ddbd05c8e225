/**
 * History that reaches back (XEP-0313 paged backwards with RSM `<before/>`, XEP-0059): when the
 * user scrolls past the oldest stored message of a conversation, the next older page comes from
 * the server's archive: our own account's, filtered by the contact (`with`), or the room's. A page
 * is stored like other history (deduplicated by origin-id and archive id; below every stored id,
 * see older-messages-repo.ts) with how far back the conversation now reaches, so nothing is asked
 * twice and an archive that said it has no more is not asked again.
 *
 * Results count only for the query we opened, from the archive we asked (archive.ts reads them),
 * for this conversation, and no more than the page we asked for. A page that does not come fails
 * in the IQ time limit; a refusal carries the server's condition. Corrections (XEP-0308) in a page
 * replace their originals; one whose original is older still waits for the page that holds it, and
 * so does a reaction set (XEP-0444). Reaction sets apply newest first, each only where its reactor
 * has none on the message yet: what is there came later. Encrypted messages are not read backwards
 * (their sessions moved on since).
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { normalizeBareJid } from '../../../../shared/jid';
import type { MessageView, OlderMessages, ParsedInput } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { EventBus } from '../../events';
import type { Logger } from '../../log';
import type { MessagesRepository, NewMessage } from '../../store/messages-repo';
import type { OlderMessagesRepository } from '../../store/older-messages-repo';
import { isTimeout, stanzaCondition } from '../../util/stanza-errors';
import { NS_DATA, NS_MAM, NS_RSM } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { view, type AccountChat, type ArchivedCorrection, type ArchivedReaction } from './accounts';
import type { Archive } from './archive';

/** Messages per backwards page. */
export const OLDER_PAGE = 50;
/** Pages asked in one go when they hold only messages we have (an overlap with what is stored). */
const PAGES_PER_ASK = 5;
/** Corrections whose original is older than what was paged back, kept per conversation until it comes. */
const CARRIED_CORRECTIONS_MAX = 200;
/** The same for reaction sets. */
const CARRIED_REACTIONS_MAX = 200;

export interface ArchivePagingOptions {
  repo: MessagesRepository;
  older: OlderMessagesRepository;
  archive: Archive;
  bus: EventBus;
  log: Logger;
  /** How long a page may take (the IQ time limit by default). */
  timeoutMs?: number;
}

export class ArchivePaging {
  /** One ask per conversation at a time: a second scroll waits for the first's answer. */
  private readonly asking = new Map<string, Promise<Result<OlderMessages>>>();
  /** Corrections read before their original, by account and conversation. */
  private readonly carried = new Map<string, ArchivedCorrection[]>();
  /** Reaction sets read before their message, by account and conversation, newest first. */
  private readonly carriedReactions = new Map<string, ArchivedReaction[]>();

  constructor(private readonly options: ArchivePagingOptions) {}

  /** The page of messages before the oldest the conversation holds, from the server's archive. */
  older(account: AccountChat, input: ParsedInput<'history.older'>): Promise<Result<OlderMessages>> {
    const conversation = normalizeBareJid(input.conversation);
    if (conversation === null) return Promise.resolve(fail('invalid_input', 'chat.invalidAddress'));
    const key = `${account.accountId}\n${conversation}`;
    const running = this.asking.get(key);
    if (running) return running;
    const asked = this.ask(account, conversation, input.kind).finally(() => this.asking.delete(key));
    this.asking.set(key, asked);
    return asked;
  }

  forget(accountId: string): void {
    for (const map of [this.carried, this.carriedReactions])
      for (const key of map.keys()) if (key.startsWith(`${accountId}\n`)) map.delete(key);
  }

  private async ask(
    account: AccountChat,
    conversation: string,
    kind: 'chat' | 'groupchat',
  ): Promise<Result<OlderMessages>> {
    const { older } = this.options;
    const state = older.state(account.accountId, conversation);
    if (state?.complete) return ok({ messages: [], complete: true });
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp || account.ownJid === null) return fail('not_connected', 'history.offline');
    // Never paged back: start before the oldest stored message (by its archive id, else by its time).
    let before = state?.beforeId ?? null;
    let end: number | null = null;
    if (before === null) {
      const oldest = older.oldest(account.accountId, conversation);
      if (oldest?.serverId) before = oldest.serverId;
      else if (oldest) end = oldest.at;
    }
    const archive = kind === 'groupchat' ? conversation : '';
    for (let pageNo = 0; pageNo < PAGES_PER_ASK; pageNo++) {
      const queryId = randomUUID();
      account.queries.set(queryId, {
        archive,
        received: 0,
        page: [],
        corrections: [],
        after: [],
        conversation,
        max: OLDER_PAGE,
        backwards: true,
        reactions: [],
      });
      let reply: Element;
      let page: NewMessage[];
      let corrections: ArchivedCorrection[];
      let deferred: (() => void)[];
      let reactions: ArchivedReaction[];
      try {
        reply = (await xmpp.iqCaller.request(
          this.query(queryId, archive, kind === 'chat' ? conversation : null, before, end),
          this.options.timeoutMs ?? IQ_TIMEOUT_MS,
        )) as Element;
      } catch (error) {
        this.options.log.info('archive page failed', { accountId: account.accountId, archive, error });
        if (isTimeout(error)) return fail('timeout', 'history.timeout');
        const condition = stanzaCondition(error);
        if (condition !== undefined) return fail('conflict', 'history.refused', { condition });
        return fail('not_connected', 'history.offline');
      } finally {
        const open = account.queries.get(queryId);
        page = (open?.page ?? []).filter((entry): entry is NewMessage => !(entry instanceof Promise));
        corrections = open?.corrections ?? [];
        deferred = open?.after ?? [];
        reactions = open?.reactions ?? [];
        account.queries.delete(queryId);
      }
      const set = reply.getChild('fin', NS_MAM)?.getChild('set', NS_RSM);
      const first = set?.getChildText('first') ?? null;
      const complete = reply.getChild('fin', NS_MAM)?.attrs.complete === 'true' || first === null;
      const stored = older.storeOlder(account.accountId, conversation, page, {
        beforeId: first ?? before,
        complete,
      });
      const messages = this.correct(account, conversation, corrections, stored.map(view));
      // Reactions and retractions of the page, once its messages are stored.
      for (const apply of deferred) apply();
      this.react(account.accountId, conversation, kind, reactions);
      if (stored.length > 0) {
        const listed = this.options.repo.conversation(account.accountId, conversation);
        if (listed) this.options.bus.emit({ type: 'conversation', conversation: listed });
      }
      if (messages.length > 0 || complete) return ok({ messages, complete });
      before = first;
      end = null;
    }
    return ok({ messages: [], complete: false });
  }

  /** The page's corrections and those carried from newer pages, applied; the page's rows as they are now. */
  private correct(
    account: AccountChat,
    conversation: string,
    corrections: ArchivedCorrection[],
    messages: MessageView[],
  ): MessageView[] {
    const key = `${account.accountId}\n${conversation}`;
    const waiting = [...corrections, ...(this.carried.get(key) ?? [])];
    if (waiting.length === 0) return messages;
    const unmatched = this.options.archive.applyCorrections(account, waiting);
    if (unmatched.length > 0) this.carried.set(key, unmatched.slice(0, CARRIED_CORRECTIONS_MAX));
    else this.carried.delete(key);
    return messages.map((message) => {
      const now = this.options.repo.get(message.id);
      return now ? view(now) : message;
    });
  }

  /**
   * Applies, newest first, the reaction sets carried from newer pages and the page's own (in the
   * archive's order, so reversed) whose message is stored now; the rest wait.
   */
  private react(accountId: string, conversation: string, kind: 'chat' | 'groupchat', page: ArchivedReaction[]): void {
    const key = `${accountId}\n${conversation}`;
    const waiting: ArchivedReaction[] = [];
    for (const reaction of [...(this.carriedReactions.get(key) ?? []), ...page.reverse()]) {
      if (this.options.repo.reactions.referenced(accountId, conversation, kind, reaction.to)) reaction.apply();
      else waiting.push(reaction);
    }
    if (waiting.length > 0) this.carriedReactions.set(key, waiting.slice(0, CARRIED_REACTIONS_MAX));
    else this.carriedReactions.delete(key);
  }

  /** A backwards query: before an archive id (or the latest page up to a time), one conversation's messages. */
  private query(
    queryId: string,
    archive: string,
    contact: string | null,
    before: string | null,
    end: number | null,
  ): Element {
    const field = (name: string, value: string) => xml('field', { var: name }, xml('value', {}, value));
    const form = xml(
      'x',
      { xmlns: NS_DATA, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
      contact !== null ? field('with', contact) : null,
      end !== null ? field('end', new Date(end - 1).toISOString()) : null,
    );
    const rsm = xml('set', { xmlns: NS_RSM }, xml('max', {}, String(OLDER_PAGE)), xml('before', {}, before ?? ''));
    const query = xml('query', { xmlns: NS_MAM, queryid: queryId }, form, rsm);
    return xml('iq', archive === '' ? { type: 'set' } : { type: 'set', to: archive }, query);
  }
}
