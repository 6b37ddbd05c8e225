/**
 * The outbox against failures, with two Jabberwock cores (Alice sends, Bob receives) and a Prosody
 * of their own: the server killed (SIGKILL) right after Alice sends, before anything could be
 * acknowledged, then started again — each message arrives exactly once and ends 'sent'; and
 * messages queued when Alice quits go out on her next start, in order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/shared/contract';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger, type Logger } from '../../src/main/core/log';
import { openTestCore, type Core } from '../support/core';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { waitUntil } from '../support/wait';

const user = (name: string) => ({ user: name, password: `${name}-outbox-Pa55` });
const ALICE = user('alice');
const BOB = user('bob');
const log: Logger = createLogger(() => {}, 'debug');

function messages(core: Core, conversation: string): MessageView[] {
  const page = core.messenger.chat.history({ accountId: core.accountId, conversation, limit: 500 });
  if (!page.ok) throw new Error(JSON.stringify(page.error));
  return page.value;
}

describe('the outbox when things fail', () => {
  let server: ProsodyServer;
  let alice: Core;
  let bob: Core;
  const aliceSecrets = createMemorySecretStore();
  let aliceDir: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE, BOB] });
    aliceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-outbox-alice-'));
    const bobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-outbox-bob-'));
    dirs.push(aliceDir, bobDir);
    alice = await openTestCore(server, aliceDir, aliceSecrets, log, ALICE);
    bob = await openTestCore(server, bobDir, createMemorySecretStore(), log, BOB);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Prosody killed right after sending: after its restart each message arrives exactly once', async () => {
    const bodies = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const sends = bodies.map((body) =>
      alice.invoke('message.send', { accountId: alice.accountId, conversation: 'bob@localhost', kind: 'chat', body }),
    );
    await server.kill();
    const sent = (await Promise.all(sends)) as MessageView[];
    expect(sent.every((m) => m.state === 'queued')).toBe(true);
    await server.start();

    const ids = new Set(sent.map((m) => m.id));
    await waitUntil(
      'all acknowledged',
      () => messages(alice, 'bob@localhost').filter((m) => ids.has(m.id) && m.state === 'sent').length === 5,
      45_000,
    );
    await waitUntil(
      'Bob has all five',
      () => bodies.every((body) => messages(bob, 'alice@localhost').some((m) => m.body === body)),
      45_000,
    );
    const received = messages(bob, 'alice@localhost').map((m) => m.body);
    for (const body of bodies) expect(received.filter((b) => b === body)).toHaveLength(1);
  }, 120_000);

  it('messages queued when quitting go out on the next start, in order', async () => {
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: false });
    for (const body of ['q1', 'q2']) {
      await alice.invoke('message.send', {
        accountId: alice.accountId,
        conversation: 'bob@localhost',
        kind: 'chat',
        body,
      });
    }
    await alice.close();
    alice = await reopen();
    expect(
      messages(alice, 'bob@localhost')
        .filter((m) => m.state === 'queued')
        .map((m) => m.body),
    ).toEqual(['q1', 'q2']);
    await alice.invoke('account.setEnabled', { id: alice.accountId, enabled: true });
    await waitUntil('Bob has both', () =>
      ['q1', 'q2'].every((b) => messages(bob, 'alice@localhost').some((m) => m.body === b)),
    );
    const order = messages(bob, 'alice@localhost')
      .map((m) => m.body)
      .filter((b) => b === 'q1' || b === 'q2');
    expect(order).toEqual(['q1', 'q2']);
  }, 60_000);

  /** Alice's core again on the same data (the account is disabled, so it does not wait for online). */
  async function reopen(): Promise<Core> {
    const { createMessenger } = await import('../../src/main/core/messenger');
    const { AccountSession } = await import('../../src/main/core/accounts/session');
    const messenger = await createMessenger({
      dataDir: aliceDir,
      secrets: aliceSecrets,
      log,
      extraCa: server.caPem,
      flushMs: 5,
      sessionFactory: (config, hooks) =>
        new AccountSession(config, hooks, {
          log,
          ca: server.caPem,
          backoff: { baseMs: 100, capMs: 500 },
          resolveSrv: false,
        }),
    });
    const invoke = async (command: string, input: unknown) => {
      const result = await messenger.invoke(command, input);
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value;
    };
    return {
      messenger,
      events: [],
      sessions: [],
      accountId: messenger.accounts.list()[0].id,
      snapshot: async () => (await invoke('app.snapshot', {})) as never,
      invoke,
      close: () => messenger.close(),
    };
  }
});
