/**
 * The account on its server (XEP-0077 §3.2, §3.3), over the account's own signed-in stream: change
 * its password, then the one Jabberwock keeps (in the secret store, kept the way it was: keychain,
 * this run only or plain file), and sign in again with it; or delete it on the server, then here.
 *
 * Both are asked of our own server (no `to`), so only its answer counts (the IQ guard). A password
 * change the server wants a form for is refused with `registration.formRequired` (no server we
 * test asks for one). A deletion counts only once the server confirmed it: a stream that closes
 * before the answer leaves the account here as it was.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AccountView } from '../../../shared/contract';
import { localOf } from '../../../shared/jid';
import { fail, type Result } from '../../../shared/result';
import type { Logger } from '../log';
import { requestError } from '../util/stanza-errors';
import { NS_DATA, NS_REGISTER } from '../xmpp/ns';
import { REGISTRATION_TIMEOUT_MS } from '../xmpp/timeouts';
import type { AccountManager } from './account-manager';
import type { OnlineClients } from './online-clients';

export class AccountOnServer {
  constructor(
    private readonly accounts: Pick<AccountManager, 'list' | 'update' | 'remove'>,
    private readonly clients: OnlineClients,
    private readonly log: Logger,
  ) {}

  async changePassword(id: string, password: string): Promise<Result<AccountView>> {
    const account = this.accounts.list().find((candidate) => candidate.id === id);
    if (!account) return fail('not_found', 'account.notFound');
    const xmpp = this.clients.get(id);
    if (!xmpp) return fail('not_connected', 'registration.notConnected');
    const query = xml(
      'query',
      { xmlns: NS_REGISTER },
      xml('username', {}, localOf(account.jid)),
      xml('password', {}, password),
    );
    try {
      await xmpp.iqCaller.request(xml('iq', { type: 'set' }, query), REGISTRATION_TIMEOUT_MS);
    } catch (error) {
      // XEP-0077 §3.3: an error answer that carries a form asks for more than the password.
      const answer = (error as { element?: Element })?.element?.parent;
      if (answer?.getChild('query', NS_REGISTER)?.getChild('x', NS_DATA)) {
        return fail('forbidden', 'registration.formRequired');
      }
      return requestError(error, { action: 'registration.passwordChange' });
    }
    this.log.info('password changed on the server', { id });
    // Stored the way it was kept before; the session signs in again with it.
    return this.accounts.update({ id, password });
  }

  async deleteOnServer(id: string): Promise<Result<null>> {
    if (!this.accounts.list().some((candidate) => candidate.id === id)) {
      return fail('not_found', 'account.notFound');
    }
    const xmpp = this.clients.get(id);
    if (!xmpp) return fail('not_connected', 'registration.notConnected');
    try {
      await xmpp.iqCaller.request(
        xml('iq', { type: 'set' }, xml('query', { xmlns: NS_REGISTER }, xml('remove'))),
        REGISTRATION_TIMEOUT_MS,
      );
    } catch (error) {
      return requestError(error, { action: 'registration.removal' });
    }
    this.log.info('account deleted on the server', { id });
    return this.accounts.remove(id);
  }
}
