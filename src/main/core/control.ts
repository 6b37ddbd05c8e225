/**
 * Control and discovery, composed for the messenger: the block list (the blocking service is made earlier,
 * because subscriptions block through it), the account on the server and registration, service
 * discovery with ad-hoc commands and contact info, the XML console, and `xmpp:` links handed over by
 * the operating system. Registers its lifecycle listeners (the console last of all the messenger's,
 * so its tap sees what the presence fast path consumes) and implements the commands.
 */
import { fail, ok, type Result } from '../../shared/result';
import type { CommandHandlers } from './command-handlers';
import { parseXmppUri, type XmppUriResult } from '../../shared/xmpp-uri';
import type { AccountManager } from './accounts/account-manager';
import { AccountOnServer } from './accounts/account-on-server';
import { OnlineClients } from './accounts/online-clients';
import { captchaImage } from './accounts/captcha';
import { Registrations } from './accounts/registration';
import type { EventBus } from './events';
import { AdhocService } from './features/adhoc/service';
import type { BlockingService } from './features/blocking/service';
import { XmlConsole } from './features/console/service';
import { DiscoveryService } from './features/discovery/service';
import type { Logger } from './log';

type ControlCommand =
  | 'blocklist.list'
  | 'blocklist.block'
  | 'blocklist.unblock'
  | 'registration.start'
  | 'registration.submit'
  | 'registration.cancel'
  | 'registration.media'
  | 'account.changePassword'
  | 'account.deleteOnServer'
  | 'disco.info'
  | 'disco.items'
  | 'adhoc.list'
  | 'adhoc.execute'
  | 'adhoc.continue'
  | 'adhoc.cancel'
  | 'entity.version'
  | 'entity.lastActivity'
  | 'entity.time'
  | 'console.setCapture'
  | 'console.clear'
  | 'console.send'
  | 'uri.open';

export type ControlHandlers = CommandHandlers<ControlCommand>;

export interface Control {
  readonly discovery: DiscoveryService;
  readonly adhoc: AdhocService;
  readonly console: XmlConsole;
  readonly registrations: Registrations;
  readonly accountOnServer: AccountOnServer;
  readonly handlers: ControlHandlers;
  /**
   * The operating system handed over an `xmpp:` link: the renderer shows its dialog, or why it was
   * refused. Before the window's first snapshot the link waits for it (the event would be older).
   */
  openXmppUri(text: string): void;
  /** The link that waits for the first snapshot (taken once), and marks that one was served. */
  takeXmppUriForSnapshot(): XmppUriResult | null;
  close(): Promise<void>;
}

export interface ControlOptions {
  bus: EventBus;
  accounts: AccountManager;
  blocking: BlockingService;
  log: Logger;
  extraCa?: string;
}

export function createControl(options: ControlOptions): Control {
  const { bus, accounts, blocking, log } = options;
  const clients = new OnlineClients();
  accounts.addLifecycleListener(clients);
  const discovery = new DiscoveryService({ clients, log: log.child('disco') });
  const adhoc = new AdhocService({ clients, log: log.child('adhoc') });
  const console = new XmlConsole({ bus, log: log.child('console') });
  accounts.addLifecycleListener(console);
  const registrations = new Registrations({
    log: log.child('registration'),
    extraCa: options.extraCa,
    addAccount: (input) => accounts.add(input),
  });
  const accountOnServer = new AccountOnServer(accounts, clients, log.child('account-on-server'));

  const known = (id: string) => accounts.list().some((account) => account.id === id);
  const noSuchAccount = () => fail('not_found', 'account.notFound');
  /** Runs `run` for a known account only. */
  const forAccount =
    <I extends { accountId: string }, O>(run: (input: I) => Result<O> | Promise<Result<O>>) =>
    (input: I) =>
      known(input.accountId) ? run(input) : noSuchAccount();

  const handlers: ControlHandlers = {
    'blocklist.list': forAccount((input) => blocking.list(input.accountId)),
    'blocklist.block': forAccount((input) => blocking.block(input.accountId, input.jids)),
    'blocklist.unblock': forAccount((input) => blocking.unblock(input.accountId, input.all ? 'all' : input.jids!)),
    'registration.start': (input) => registrations.start(input),
    'registration.submit': (input) => registrations.submit(input),
    'registration.cancel': (input) => registrations.cancel(input.id),
    'registration.media': (input) => ok(captchaImage(registrations.media(input.id, input.uri))),
    'account.changePassword': (input) => accountOnServer.changePassword(input.id, input.password),
    'account.deleteOnServer': (input) => accountOnServer.deleteOnServer(input.id),
    'disco.info': forAccount((input) => discovery.info(input)),
    'disco.items': forAccount((input) => discovery.items(input)),
    'adhoc.list': forAccount((input) => adhoc.list(input)),
    'adhoc.execute': forAccount((input) => adhoc.execute(input)),
    'adhoc.continue': forAccount((input) => adhoc.continue(input)),
    'adhoc.cancel': forAccount((input) => adhoc.cancel(input)),
    'entity.version': forAccount((input) => discovery.version(input)),
    'entity.lastActivity': forAccount((input) => discovery.lastActivity(input)),
    'entity.time': forAccount((input) => discovery.time(input)),
    'console.setCapture': forAccount((input) => console.setCapture(input.accountId, input.capture)),
    'console.clear': forAccount((input) => console.clear(input.accountId)),
    'console.send': forAccount((input) => console.send(input.accountId, input.xml)),
    'uri.open': (input) => ok(parseXmppUri(input.uri)),
  };

  let snapshotServed = false;
  let waitingUri: XmppUriResult | null = null;

  return {
    discovery,
    adhoc,
    console,
    registrations,
    accountOnServer,
    handlers,
    openXmppUri: (text) => {
      const result = parseXmppUri(text);
      if (snapshotServed) bus.emit({ type: 'ui.openXmppUri', result });
      else waitingUri = result;
    },
    takeXmppUriForSnapshot: () => {
      snapshotServed = true;
      const taken = waitingUri;
      waitingUri = null;
      return taken;
    },
    close: () => registrations.close(),
  };
}
