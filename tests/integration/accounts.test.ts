/**
 * The whole core (messenger → account manager → real sessions → store) against a real Prosody:
 * accounts survive a restart of the core, their passwords never reach SQLite, and the states the
 * UI shows arrive as events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, ConnectionView, EventBatch, Snapshot } from '../../src/shared/contract';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { FileSecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/log';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { connectionErrorText } from '../../src/renderer/src/lib/words/connection';

const PASSWORD = 'canary-Pa55word-7f3e';
let server: ProsodyServer;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startProsody({ users: [{ user: 'alice', password: PASSWORD }] });
});

afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-core-'));
  dirs.push(dir);
  return dir;
}

async function openCore(dir: string): Promise<Messenger> {
  return createMessenger({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json'), null),
    log: silentLogger,
    extraCa: server.caPem,
  });
}

/** Resolves with the first connection view of `id` that satisfies `predicate`, from snapshot or events. */
function waitForConnection(
  messenger: Messenger,
  id: string,
  predicate: (view: ConnectionView) => boolean,
  timeoutMs = 15_000,
): Promise<ConnectionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`account ${id} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = messenger.subscribe((batch: EventBatch) => {
      for (const event of batch.events) {
        const view =
          event.type === 'account.connection' && event.id === id
            ? event.connection
            : event.type === 'account.upserted' && event.account.id === id
              ? event.account.connection
              : null;
        if (view && predicate(view)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(view);
          return;
        }
      }
    });
    void messenger.invoke('app.snapshot', {}).then((result) => {
      const account = result.ok ? (result.value as Snapshot).accounts.find((a) => a.id === id) : undefined;
      if (account && predicate(account.connection)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(account.connection);
      }
    });
  });
}

function sqliteFilesContain(dir: string, needle: string): boolean {
  return fs
    .readdirSync(dir)
    .filter((name) => name.includes('.sqlite3'))
    .some((name) => fs.readFileSync(path.join(dir, name)).includes(Buffer.from(needle)));
}

describe('accounts through the core', () => {
  it('adds an account that connects, and after a restart asks for the password it did not keep', async () => {
    const dir = dataDir();
    let core = await openCore(dir);
    const added = await core.invoke('account.add', {
      jid: 'alice@localhost',
      password: PASSWORD,
      host: server.host,
      port: server.port,
      rememberPassword: false,
    });
    expect(added.ok).toBe(true);
    const alice = (added as { value: AccountView }).value;
    expect(alice.password).toBe('session');
    const online = await waitForConnection(core, alice.id, (view) => view.status === 'online');
    expect(online.boundJid).toMatch(/^alice@localhost\//);
    await core.close();
    expect(sqliteFilesContain(dir, PASSWORD)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).not.toContain(PASSWORD);

    core = await openCore(dir);
    const needs = await waitForConnection(core, alice.id, (view) => view.status === 'error');
    expect(needs.error?.kind).toBe('needs-password');
    const updated = await core.invoke('account.update', { id: alice.id, password: PASSWORD });
    expect(updated.ok).toBe(true);
    await waitForConnection(core, alice.id, (view) => view.status === 'online');
    await core.close();
  });

  it('a password the user chose to store in a plain file reconnects by itself after a restart', async () => {
    const dir = dataDir();
    let core = await openCore(dir);
    const added = await core.invoke('account.add', {
      jid: 'alice@localhost',
      password: PASSWORD,
      host: server.host,
      port: server.port,
      rememberPassword: true,
    });
    const alice = (added as { value: AccountView }).value;
    expect(alice.password).toBe('plain-file');
    await waitForConnection(core, alice.id, (view) => view.status === 'online');
    await core.close();

    core = await openCore(dir);
    await waitForConnection(core, alice.id, (view) => view.status === 'online');
    expect(sqliteFilesContain(dir, PASSWORD)).toBe(false);
    await core.close();
  });

  it('a wrong password ends in the auth error in words', async () => {
    const core = await openCore(dataDir());
    const added = await core.invoke('account.add', {
      jid: 'alice@localhost',
      password: 'wrong-password',
      host: server.host,
      port: server.port,
    });
    const alice = (added as { value: AccountView }).value;
    const failed = await waitForConnection(core, alice.id, (view) => view.status === 'error');
    expect(failed.error?.kind).toBe('auth');
    expect(connectionErrorText(failed.error!)).toMatch(/password/i);
    await core.close();
  });
});
