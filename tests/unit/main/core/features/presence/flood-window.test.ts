/**
 * The presence coalescing window in a flood: after a window that gathered PRESENCE_FLOOD_CONTACTS
 * contacts or more, the next is PRESENCE_FLOOD_COALESCE_MS long (fewer views built while a login's
 * burst lasts); a quieter window goes back to PRESENCE_COALESCE_MS. Every change is still sent.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import type { AccountView, AppEvent } from '../../../../../../src/shared/contract';
import { createMessenger } from '../../../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../../../src/main/core/secrets';
import { silentLogger } from '../../../../../../src/main/core/log';
import type { SessionFactory, SessionHooks } from '../../../../../../src/main/core/accounts/session-api';
import type { EventBus } from '../../../../../../src/main/core/events';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import { StreamHookRegistry } from '../../../../../../src/main/core/accounts/stream/hooks';
import { PresenceFastPath } from '../../../../../../src/main/core/accounts/stream/presence-fastpath';
import {
  PRESENCE_COALESCE_MS,
  PRESENCE_FLOOD_COALESCE_MS,
  PRESENCE_FLOOD_CONTACTS,
} from '../../../../../../src/main/core/features/presence/feature';
import { parseStanza } from '../../../../../support/xml';

const NS_ROSTER = 'jabber:iq:roster';

/** One session stand-in, online at once: presence goes through the fast path as GuardedClient sends it. */
function fakeSession() {
  let receive: (text: string) => void = () => {};
  let answerRoster: () => void = () => {};
  const factory: SessionFactory = (config, hooks: SessionHooks) => {
    const full = `${config.jid}/test`;
    const streamHooks = new StreamHookRegistry();
    let fastPath: PresenceFastPath | null = null;
    let rosterAnswer: ((query: Element) => void) | null = null;
    const xmpp = {
      hooks: streamHooks,
      status: 'online',
      jid: { bare: () => ({ toString: () => config.jid }), toString: () => full },
      rosterVersioning: false,
      streamManagement: Object.assign(new EventEmitter(), { enabled: true, inbound: 0 }),
      middleware: { use: () => {}, filter: () => {} },
      iqCallee: { get: () => {}, set: () => {} },
      iqCaller: {
        get: (element: Element) =>
          element.attrs.xmlns === NS_ROSTER
            ? new Promise<Element>((resolve) => (rosterAnswer = resolve))
            : new Promise<Element>(() => {}),
        set: async () => undefined,
      },
      send: async () => {},
    } as unknown as SessionXmpp;
    fastPath = new PresenceFastPath(xmpp, streamHooks);
    receive = (text) => void fastPath!.element(parseStanza(text));
    answerRoster = () => rosterAnswer?.(parseStanza(`<query xmlns='${NS_ROSTER}'/>`));
    hooks.onClient?.(xmpp);
    return {
      start: () => {
        hooks.onStatus({ status: 'online', since: Date.now(), boundJid: full });
        hooks.onOnline({ xmpp, boundJid: full, resumed: false });
      },
      stop: async () => {},
      reconnectNow: () => {},
      checkAlive: () => {},
    };
  };
  return { factory, receive: (text: string) => receive(text), answerRoster: () => answerRoster() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the presence window in a flood', () => {
  it('waits longer after a window of a flood, and goes back to the short one when it calms', async () => {
    const session = fakeSession();
    const messenger = await createMessenger({
      dataDir: ':memory:',
      secrets: createMemorySecretStore(),
      log: silentLogger,
      sessionFactory: session.factory,
      flushMs: 1_000_000, // flushed by hand (a snapshot flushes)
    });
    const events: AppEvent[] = [];
    messenger.subscribe((batch) => events.push(...batch.events));
    const added = await messenger.invoke('account.add', { jid: 'me@x', password: 'pw' });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const id = (added.value as AccountView).id;
    session.answerRoster();
    await tick();
    const bus = (messenger.presence as unknown as { bus: EventBus }).bus;
    const delayed = (bus as unknown as { delayed: Map<string, { due: number }> }).delayed;
    const windowLeft = () => delayed.get(`presenceContacts:${id}`)!.due - performance.now();
    const flush = () => messenger.invoke('app.snapshot', {});
    const sent = () => new Set(events.flatMap((e) => (e.type === 'presence.contact' ? [e.presence.jid] : []))).size;

    for (let k = 0; k < PRESENCE_FLOOD_CONTACTS; k++) session.receive(`<presence from='c${k}@x/r'/>`);
    expect(windowLeft()).toBeLessThanOrEqual(PRESENCE_COALESCE_MS);
    await flush();
    expect(sent()).toBe(PRESENCE_FLOOD_CONTACTS);

    // The flood goes on: the next window is the long one.
    session.receive(`<presence from='c0@x/r'><show>away</show></presence>`);
    expect(windowLeft()).toBeGreaterThan(PRESENCE_FLOOD_COALESCE_MS - 100);
    await flush();
    const c0 = events.filter((e) => e.type === 'presence.contact' && e.presence.jid === 'c0@x');
    expect(c0.at(-1)).toMatchObject({ presence: { resources: [{ show: 'away' }] } });

    // That window had one contact: the short window again.
    session.receive(`<presence from='c1@x/r'><show>dnd</show></presence>`);
    expect(windowLeft()).toBeLessThanOrEqual(PRESENCE_COALESCE_MS);
    await messenger.close();
  });
});
