/**
 * The set-up most e2e suites share, registered once in the calling describe: a test Prosody, what
 * the suite prepares on it (peers, rosters), Chromium on the built bridge, optionally a user signed
 * in through the UI, screenshots of failures, and the teardown in reverse order. Also what
 * several suites prepare: two users who see each other, a contact online as a peer that keeps the
 * messages it receives, and that contact's chat opened from the roster.
 */
import type { Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Logger } from '../../src/main/core/log';
import type { SessionXmpp } from '../../src/main/core/accounts/client';
import {
  captureLog,
  closeBrowserUi,
  expectBuilt,
  LIVE_TIMEOUT,
  openBrowserUi,
  screenshotFailures,
  signInThroughUi,
  type BrowserUi,
  type BrowserUiOptions,
} from './e2e';
import { startPeer, type Peer } from './peer';
import { startProsody, type ProsodyOptions, type ProsodyServer } from './prosody';
import { eventually } from './wait';

export interface LiveUiOptions extends Omit<BrowserUiOptions, 'server' | 'viewport'> {
  /** The test Prosody: its users, modules and settings. */
  server: ProsodyOptions;
  /** 1400×900 unless given. */
  viewport?: BrowserUiOptions['viewport'];
  /** Runs once Prosody is up, before the browser opens: start peers, set up rosters. */
  prepare?: (prosody: ProsodyServer, logger: Logger) => Promise<void>;
  /** Adds this user as "Home" through the UI and waits until it is online; otherwise the page is not opened. */
  signIn?: { user: string; password: string };
  /** Runs after the sign-in: what the suite needs on screen before its first test. */
  ready?: (live: LiveUi) => Promise<void>;
  /** Stops what `prepare` started; runs after the browser closes, before Prosody stops. */
  stop?: () => Promise<unknown>;
}

/** The suite's running parts, readable once its beforeAll has run. */
export interface LiveUi {
  readonly prosody: ProsodyServer;
  readonly ui: BrowserUi;
  readonly page: Page;
  /** The peers' log lines, printed when a test fails. */
  readonly log: string[];
  readonly logger: Logger;
}

/** Registers the suite's beforeAll, afterAll and failure screenshots; returns its parts. */
export function useLiveUi(options: LiveUiOptions): LiveUi {
  const { server, prepare, signIn, ready, stop, viewport, ...browser } = options;
  const { log, logger } = captureLog();
  let prosody: ProsodyServer | undefined;
  let ui: BrowserUi | undefined;
  const started = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`the suite's ${name} is not started yet`);
    return part;
  };
  const live: LiveUi = {
    get prosody() {
      return started(prosody, 'Prosody');
    },
    get ui() {
      return started(ui, 'browser');
    },
    get page() {
      return started(ui, 'browser').page;
    },
    log,
    logger,
  };

  beforeAll(async () => {
    expectBuilt();
    prosody = await startProsody(server);
    await prepare?.(prosody, logger);
    ui = await openBrowserUi({ ...browser, viewport: viewport ?? { width: 1400, height: 900 }, server: prosody });
    if (signIn) await signInThroughUi(ui, prosody, signIn);
    await ready?.(live);
  }, 180_000);

  screenshotFailures(() => ui, log);

  afterAll(async () => {
    await closeBrowserUi(ui);
    await stop?.();
    await prosody?.stop();
  });

  return live;
}

/**
 * Has the peers `a` (at `aJid`) and `b` (at `bJid`) request their rosters, come online and
 * subscribe to each other both ways; waits until `a`'s roster says both.
 */
export async function makeMutualContacts(a: Peer, aJid: string, b: Peer, bJid: string): Promise<void> {
  await b.rosterItem(aJid);
  await a.rosterItem(bJid);
  await b.send(xml('presence'));
  await a.send(xml('presence'));
  await b.send(xml('presence', { to: aJid, type: 'subscribe' }));
  await a.send(xml('presence', { to: bJid, type: 'subscribed' }));
  await a.send(xml('presence', { to: bJid, type: 'subscribe' }));
  await b.send(xml('presence', { to: aJid, type: 'subscribed' }));
  await eventually(async () => expect((await a.rosterItem(bJid))?.subscription).toBe('both'));
}

/**
 * Starts `contact` online as a peer at resource "desk", a mutual contact of `user` (made by a
 * short-lived client of `user` before the UI signs in); the peer keeps what it receives in `inbox`.
 */
export async function startMutualContact(
  prosody: ProsodyServer,
  logger: Logger,
  user: { user: string; password: string },
  contact: { user: string; password: string },
  inbox?: Element[],
): Promise<Peer> {
  const userJid = `${user.user}@localhost`;
  const contactJid = `${contact.user}@localhost`;
  const setup = await startPeer(prosody, user, 'setup', logger);
  const peer = await startPeer(prosody, contact, 'desk', logger, inbox && keepMessages(inbox));
  await makeMutualContacts(setup, userJid, peer, contactJid);
  await setup.stop();
  return peer;
}

/** Opens the chat with the roster entry whose name starts `name` and waits for its heading. */
export async function openChatFromRoster(page: Page, name: string): Promise<void> {
  await page
    .getByRole('tree')
    .getByRole('treeitem', { name: new RegExp(`^${name}, `) })
    .first()
    .dblclick({ timeout: LIVE_TIMEOUT });
  const main = page.getByRole('main');
  await main.getByRole('button', { name: 'Message', exact: true }).click();
  await main.getByRole('heading', { name, exact: true }).waitFor();
}

/** A peer set-up (startPeer's last argument) that appends every message the peer receives to `inbox`. */
export function keepMessages(inbox: Element[]): (xmpp: SessionXmpp) => void {
  return (xmpp) =>
    xmpp.middleware.use((ctx, next) => {
      if (ctx.stanza.name === 'message') inbox.push(ctx.stanza);
      return next();
    });
}
