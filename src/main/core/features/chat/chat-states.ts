/**
 * Chat states (XEP-0085): a contact's or room occupant's (private messages) typing is shown, never a
 * room's or our own; ours go only to someone who may see our presence, and to room occupants.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ChatState, ParsedInput, Subscription } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { EventBus } from '../../events';
import { NS_CHATSTATES, NS_HINTS, NS_MUC_USER } from '../../xmpp/ns';
import { conversationOf, type AccountChat, type JoinedRooms } from './accounts';

const CHAT_STATES: ReadonlySet<string> = new Set(['active', 'composing', 'paused', 'inactive', 'gone']);

export class ChatStates {
  constructor(
    private readonly bus: EventBus,
    private readonly rooms: JoinedRooms,
    /** The roster subscription of a contact. */
    private readonly subscriptionOf: (accountId: string, bare: string) => Subscription | null,
  ) {}

  /** A contact's or occupant's chat state in a message: shown as typing. */
  read(account: AccountChat, stanza: Element, from: string, bare: string): void {
    if (stanza.attrs.type === 'groupchat' || stanza.attrs.type === 'error') return;
    const state = stanza.children.find(
      (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === NS_CHATSTATES && CHAT_STATES.has(c.name),
    )?.name as ChatState | undefined;
    if (state === undefined || bare === account.ownJid) return;
    const slash = from.indexOf('/');
    const isPm =
      stanza.getChild('x', NS_MUC_USER) !== undefined &&
      this.rooms.joinedNick(account.accountId, bare) !== null &&
      slash !== -1;
    this.bus.emit({
      type: 'chat.typing',
      accountId: account.accountId,
      conversation: isPm ? from : bare,
      from: isPm ? from.slice(slash + 1) : bare,
      state,
    });
  }

  /** Our chat state, only to someone who may see our presence (or a room occupant). */
  async send(account: AccountChat, input: ParsedInput<'chat.setState'>): Promise<Result<null>> {
    const target = conversationOf(input.conversation, input.kind);
    if (!target) return fail('invalid_input', 'chat.notAnAddress');
    if (input.kind === 'chat') {
      const subscription = this.subscriptionOf(input.accountId, target);
      if (subscription !== 'from' && subscription !== 'both') return ok(null);
    }
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return ok(null);
    await xmpp
      .send(
        xml(
          'message',
          { to: target, type: 'chat' },
          xml(input.state, { xmlns: NS_CHATSTATES }),
          xml('no-store', { xmlns: NS_HINTS }),
        ),
      )
      .catch(() => {});
    return ok(null);
  }
}
