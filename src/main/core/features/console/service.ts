/**
 * The XML console, per account: while the user records, every element in and out of the stream is
 * kept as text in a bounded ring buffer, secrets redacted before the text exists (redact.ts),
 * and sent to the renderer in one event per flush; a raw stanza the user typed is checked as XML and
 * as a stanza before it goes out (stanza.ts).
 *
 * Taps on the session's client, installed when the client is created and idle while not recording
 * (one flag test per element): xmpp.js's `send` event for what goes out, SASL included, and the
 * stream hooks' `onElement` for what comes in, which sees each element before the presence fast path
 * can consume it. Presence that the lean stream reader takes straight from the stream text never
 * becomes an element and is not shown.
 */
import type { Element } from '@xmpp/xml';
import type { ConsoleEntryView, ConsoleView } from '../../../../shared/control';
import { fail, ok, type Result } from '../../../../shared/result';
import type { AccountLifecycleListener } from '../../accounts/account-manager';
import { onlineClient, type SessionXmpp } from '../../accounts/client';
import type { EventBus } from '../../events';
import type { Logger } from '../../log';
import { renderRedacted } from './redact';
import { parseConsoleStanza } from './stanza';

/** Entries kept per account (the oldest go first). */
export const CONSOLE_ENTRIES_MAX = 2000;
/** Text kept per account in all entries together (UTF-16 code units). */
export const CONSOLE_TEXT_BUDGET = 8 * 1024 * 1024;

interface AccountConsole {
  accountId: string;
  client: SessionXmpp | null;
  capturing: boolean;
  entries: ConsoleEntryView[];
  textSize: number;
  /** Recorded since the last event. */
  unsent: ConsoleEntryView[];
}

export class XmlConsole implements AccountLifecycleListener {
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly accounts = new Map<string, AccountConsole>();
  private nextId = 1;

  constructor(options: { bus: EventBus; log: Logger; now?: () => number }) {
    this.bus = options.bus;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  onClient(accountId: string, xmpp: SessionXmpp): void {
    const state = this.state(accountId);
    state.client = xmpp;
    try {
      this.tap(state, xmpp);
    } catch (error) {
      // A console that cannot listen must not keep the account from connecting.
      this.log.warn('console cannot record this client', { accountId, error });
    }
  }

  onRemoved(accountId: string): void {
    const state = this.accounts.get(accountId);
    if (state) state.capturing = false;
    this.accounts.delete(accountId);
  }

  setCapture(accountId: string, capture: boolean): Result<ConsoleView> {
    const state = this.state(accountId);
    state.capturing = capture;
    return ok({ accountId, capturing: state.capturing, entries: [...state.entries] });
  }

  clear(accountId: string): Result<null> {
    const state = this.state(accountId);
    state.entries = [];
    state.unsent = [];
    state.textSize = 0;
    return ok(null);
  }

  /** Sends a stanza the user typed, once it reads as exactly one stanza. */
  async send(accountId: string, text: string): Promise<Result<null>> {
    const parsed = parseConsoleStanza(text);
    if (!parsed.ok) return fail('invalid_input', parsed.reason);
    const xmpp = onlineClient(this.accounts.get(accountId)?.client);
    if (!xmpp) return fail('not_connected', 'console.notConnected');
    try {
      await xmpp.send(parsed.element);
    } catch (error) {
      this.log.info('console stanza not sent', { error });
      return fail('not_connected', 'console.notSent');
    }
    return ok(null);
  }

  /** Entries recorded for `accountId` (tests, and the view a console window opens with). */
  entries(accountId: string): ConsoleEntryView[] {
    return [...(this.accounts.get(accountId)?.entries ?? [])];
  }

  private tap(state: AccountConsole, xmpp: SessionXmpp): void {
    xmpp.on('send', (element: Element) => {
      if (state.capturing && state.client === xmpp) this.record(state, 'out', element);
    });
    xmpp.hooks.onElement((element) => {
      if (state.capturing && state.client === xmpp) this.record(state, 'in', element);
    });
  }

  private record(state: AccountConsole, direction: 'in' | 'out', element: Element): void {
    let entry: ConsoleEntryView;
    try {
      const rendered = renderRedacted(element);
      entry = { id: this.nextId++, at: this.now(), direction, ...rendered };
    } catch (error) {
      this.log.warn('console could not render an element', { error });
      return;
    }
    state.entries.push(entry);
    state.textSize += entry.text.length;
    while (state.entries.length > CONSOLE_ENTRIES_MAX || state.textSize > CONSOLE_TEXT_BUDGET) {
      state.textSize -= state.entries.shift()!.text.length;
    }
    state.unsent.push(entry);
    if (state.unsent.length > CONSOLE_ENTRIES_MAX) state.unsent.shift();
    this.bus.emitLazy(`console:${state.accountId}`, () => {
      const entries = state.unsent;
      state.unsent = [];
      if (entries.length === 0 || this.accounts.get(state.accountId) !== state) return null;
      return { type: 'console.entries', accountId: state.accountId, entries };
    });
  }

  private state(accountId: string): AccountConsole {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { accountId, client: null, capturing: false, entries: [], textSize: 0, unsent: [] };
      this.accounts.set(accountId, state);
    }
    return state;
  }
}
