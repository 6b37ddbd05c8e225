/**
 * Queries to MUC services and to rooms we own: browsing a service's rooms (disco#items), which
 * services we know as MUC services (those we have a room on, bookmarked or browsed), and accepting
 * the default configuration of a room created for us (XEP-0045 §10.1.2, an instant room).
 */
import xml from '@xmpp/xml';
import { domainOf, normalizeBareJid } from '../../../../shared/jid';
import type { ParsedInput, RoomListingView } from '../../../../shared/contract';
import { ok, type Result } from '../../../../shared/result';
import { onlineClient } from '../../accounts/client';
import type { Logger } from '../../log';
import { requestError } from '../../util/stanza-errors';
import { capText } from '../../util/text';
import { NS_DATA, NS_DISCO_ITEMS, NS_MUC_OWNER } from '../../xmpp/ns';
import { iqGet } from '../../xmpp/iq-get';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { notConnected, type AccountRooms, type MucRooms, type Room } from './rooms';

export class MucAdmin {
  /** MUC services the user browsed, per account (their rooms' invitations count). */
  private readonly browsed = new Map<string, Set<string>>();

  constructor(
    private readonly rooms: MucRooms,
    private readonly log: Logger,
    /** Rooms the account has bookmarked (their services count as MUC services we know). */
    private readonly bookmarkedRooms: (accountId: string) => Iterable<string>,
  ) {}

  async browse(input: ParsedInput<'muc.browse'>): Promise<Result<RoomListingView[]>> {
    const xmpp = onlineClient(this.rooms.account(input.accountId).xmpp);
    if (!xmpp) return notConnected();
    try {
      const query = await iqGet(xmpp, xml('query', { xmlns: NS_DISCO_ITEMS }), input.service);
      const rooms: RoomListingView[] = [];
      for (const item of query?.getChildren('item') ?? []) {
        const jid = typeof item.attrs.jid === 'string' ? normalizeBareJid(item.attrs.jid) : null;
        if (jid === null || !jid.includes('@')) continue;
        rooms.push({ room: jid, name: typeof item.attrs.name === 'string' ? capText(item.attrs.name, 256) : null });
      }
      let browsed = this.browsed.get(input.accountId);
      if (!browsed) this.browsed.set(input.accountId, (browsed = new Set()));
      browsed.add(input.service.toLowerCase());
      return ok(rooms);
    } catch (error) {
      return requestError(error, { action: 'muc.roomList' });
    }
  }

  /** Services of the rooms we have (in any state), have bookmarked, or browsed. */
  knownServices(account: AccountRooms): Set<string> {
    const services = new Set(this.browsed.get(account.accountId));
    for (const room of account.rooms.keys()) services.add(domainOf(room));
    for (const room of this.bookmarkedRooms(account.accountId)) services.add(domainOf(room));
    return services;
  }

  /** Status 201: the room was created for us; accept the default configuration (an instant room). */
  async acceptDefaultConfiguration(account: AccountRooms, room: Room): Promise<void> {
    const xmpp = onlineClient(account.xmpp);
    if (!xmpp) return;
    try {
      await xmpp.iqCaller.set(
        xml('query', { xmlns: NS_MUC_OWNER }, xml('x', { xmlns: NS_DATA, type: 'submit' })),
        room.room,
        IQ_TIMEOUT_MS,
      );
      this.rooms.notice(room, { code: 'muc.created' });
    } catch (error) {
      this.log.warn('the new room refused its default configuration', { room: room.room, error });
      this.rooms.notice(room, { code: 'muc.createdUnconfigured' });
    }
  }

  forgetAccount(accountId: string): void {
    this.browsed.delete(accountId);
  }
}
