/**
 * `xmpp:` links reaching the core: one the operating system hands over before the window asked for
 * its first snapshot waits in that snapshot (an event would be older than it and dropped), once;
 * later ones are events; a page opened with a link reads it through uri.open.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, Snapshot } from '../../../../src/shared/contract';
import { createMessenger, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';

let messenger: Messenger;
let events: AppEvent[];

beforeEach(async () => {
  messenger = await createMessenger({ dataDir: ':memory:', secrets: createMemorySecretStore(), log: silentLogger });
  events = [];
  messenger.subscribe((batch) => events.push(...batch.events));
});

afterEach(async () => {
  await messenger.close();
});

async function snapshot(): Promise<Snapshot> {
  const result = await messenger.invoke('app.snapshot', {});
  if (!result.ok) throw new Error(result.error.reason);
  return result.value as Snapshot;
}

describe('xmpp: links from the operating system', () => {
  it('keeps a link handed over before the first snapshot for that snapshot, once', async () => {
    messenger.control.openXmppUri('xmpp:romeo@montague.example?message;body=Hi');
    const first = await snapshot();
    expect(first.xmppUri).toMatchObject({
      ok: true,
      uri: { jid: 'romeo@montague.example', action: 'message', body: 'Hi' },
    });
    expect((await snapshot()).xmppUri).toBeNull();
    expect(events.some((event) => event.type === 'ui.openXmppUri')).toBe(false);
  });

  it('sends a later link as an event, refused ones with their reason', async () => {
    await snapshot();
    messenger.control.openXmppUri('xmpp:juliet@capulet.example?frobnicate');
    await messenger.invoke('app.snapshot', {}); // flushes the bus
    expect(events).toContainEqual({
      type: 'ui.openXmppUri',
      result: { ok: false, reason: 'uri.action.unknown', params: { action: 'frobnicate' } },
    });
  });

  it('reads a link a page was opened with', async () => {
    expect(await messenger.invoke('uri.open', { uri: 'xmpp:room@conference.example?join' })).toMatchObject({
      ok: true,
      value: { ok: true, uri: { jid: 'room@conference.example', action: 'join' } },
    });
  });
});
