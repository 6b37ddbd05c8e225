/**
 * `xmpp:` links the operating system hands to Jabberwock (RFC 5122, XEP-0147): Jabberwock registers
 * as the scheme's handler; a link arrives in a start's arguments (Windows, Linux: the first start's,
 * or a second start's hand-over) or, on macOS, as an `open-url` event, possibly before the app is
 * ready. Each one goes to the core (Control.openXmppUri), which parses it; the renderer always shows
 * a dialog for it, never acting by itself.
 */
import type { App } from 'electron';
import type { Logger } from '../core/log';

export const XMPP_SCHEME = 'xmpp';
/** Kept of a link handed over: one longer than the core reads (16 KiB) stays longer, so it is refused as such. */
export const HANDED_LINK_MAX = 16 * 1024 + 1;

export function isXmppLink(arg: unknown): arg is string {
  return typeof arg === 'string' && /^xmpp:/i.test(arg);
}

/** The first `xmpp:` link among a start's arguments, or null. */
export function xmppLinkIn(args: readonly string[]): string | null {
  return args.find(isXmppLink) ?? null;
}

/**
 * Registers Jabberwock as the handler of `xmpp:` links. Only a packaged app: in development the OS
 * would start the bare Electron binary, which is not Jabberwock.
 */
export function registerXmppHandler(app: Pick<App, 'isPackaged' | 'setAsDefaultProtocolClient'>, log: Logger): void {
  if (!app.isPackaged) return;
  try {
    if (!app.setAsDefaultProtocolClient(XMPP_SCHEME)) log.info('not registered as the xmpp: handler');
  } catch (error) {
    log.warn('could not register as the xmpp: handler', { error });
  }
}

/**
 * macOS hands links over as `open-url` events, possibly before the core exists: they wait, in
 * order, until `deliver` is set (at most a few; a flood of links is not a user clicking).
 */
export function listenForOpenUrl(app: Pick<App, 'on'>): { deliverTo(open: (link: string) => void): void } {
  const waiting: string[] = [];
  let deliver: ((link: string) => void) | null = null;
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = xmppLinkIn([url]);
    if (!link) return;
    if (deliver) deliver(link);
    else if (waiting.length < 8) waiting.push(link);
  });
  return {
    deliverTo(open) {
      deliver = open;
      for (const link of waiting.splice(0)) open(link);
    },
  };
}
