/**
 * A damaged store at start: real store files with data, damaged the ways files get damaged
 * (overwritten b-tree pages, a truncated file, a `-wal` from another database), and the whole core
 * started on them (sessions replaced by a recorder: no network). The damaged file is moved aside with
 * its `-wal` and `-shm`, a fresh store works, the account survives with its password, pinned
 * certificate and settings, and the user is told. A file that is not damaged but cannot be used, or
 * is newer than this build, is refused and left where it is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, AppNoticeView, Snapshot } from '../../../../../src/shared/contract';
import { createMessenger, DATABASE_FILE, type Messenger } from '../../../../../src/main/core/messenger';
import { FileSecretStore, type SecretStore } from '../../../../../src/main/core/secrets';
import { silentLogger } from '../../../../../src/main/core/log';
import { DatabaseTooNewError } from '../../../../../src/main/core/store/db';
import { migrations } from '../../../../../src/main/core/store/migrations';
import { checkMarkerPath } from '../../../../../src/main/core/store/recovery';
import {
  accountIdsIn,
  leafPages,
  overwritePages,
  SEED_ACCOUNT,
  SEED_PIN,
  seedStore,
  truncateFile,
  writeIntoWal,
} from '../../../../support/store-files';

let dir: string;
let file: string;
let secrets: SecretStore;
const open: Messenger[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-recovery-'));
  file = path.join(dir, DATABASE_FILE);
  secrets = new FileSecretStore(path.join(dir, 'secrets.json'), null);
  secrets.set(SEED_ACCOUNT.id, 'alice-password', true);
});

afterEach(async () => {
  for (const messenger of open.splice(0)) await messenger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ messenger: Messenger; events: AppEvent[] }> {
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json'), null),
    log: silentLogger,
    flushMs: 1,
    storeCheckFallbackMs: 60_000,
    sessionFactory: () => ({ start() {}, stop: async () => {}, reconnectNow() {}, checkAlive() {} }),
  });
  open.push(messenger);
  const events: AppEvent[] = [];
  messenger.subscribe((batch) => events.push(...batch.events));
  return { messenger, events };
}

async function snapshot(messenger: Messenger): Promise<Snapshot> {
  const result = await messenger.invoke('app.snapshot', {});
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as Snapshot;
}

/**
 * Starts the core until it has repaired the store: damage its start did not touch is found by the
 * background check, which tells the user and has the next start repair it. Returns the start count.
 */
async function startUntilRecovered(): Promise<{ messenger: Messenger; starts: number }> {
  for (let starts = 1; starts <= 2; starts++) {
    const { messenger, events } = await start();
    if (messenger.recovered) return { messenger, starts };
    const check = await messenger.storeCheck();
    expect(check).toMatchObject({ ok: false });
    await snapshot(messenger); // flushes the bus
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'app.notice', notice: expect.objectContaining({ code: 'store.damaged' }) }),
    );
    expect(fs.existsSync(checkMarkerPath(file))).toBe(true);
    await messenger.close();
    open.splice(open.indexOf(messenger), 1);
  }
  throw new Error('the store was not repaired');
}

function keptFiles(): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.includes('.damaged-'))
    .sort();
}

/** What every recovery must leave: the damaged file kept whole, a fresh store that works, the account and the notice. */
async function expectRecovered(messenger: Messenger, withWal: boolean): Promise<void> {
  const kept = keptFiles();
  const base = kept.find((name) => /\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/.test(name));
  expect(base).toBeDefined();
  expect(messenger.recovered?.keptAs).toBe(path.join(dir, base!));
  if (withWal) expect(kept).toEqual([base, `${base}-shm`, `${base}-wal`]);
  // Nothing of the damaged file is left beside the fresh store (a stale -wal would be replayed into it).
  expect(
    fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(DATABASE_FILE) && !name.includes('.damaged-'))
      .sort(),
  ).toEqual(expect.not.arrayContaining([checkMarkerPath(DATABASE_FILE)]));

  const fresh = new Database(file, { readonly: true });
  expect(fresh.pragma('quick_check', { simple: true })).toBe('ok');
  expect(fresh.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  expect(fresh.prepare('SELECT count(*) AS n FROM roster_versions').get()).toEqual({ n: 0 });
  fresh.close();

  const [account] = messenger.accounts.list();
  expect(account).toMatchObject({ id: SEED_ACCOUNT.id, jid: SEED_ACCOUNT.jid, password: 'plain-file' });
  expect(account.pinnedCertificates).toEqual([SEED_PIN]);
  expect(messenger.prefs.get().rosterSort).toBe('name');

  const view = await snapshot(messenger);
  expect(view.roster).toEqual([]);
  expect(view.notices).toEqual([
    expect.objectContaining<Partial<AppNoticeView>>({
      code: 'store.recovered',
      keptAs: messenger.recovered!.keptAs,
      accountsKept: 1,
    }),
  ]);
  const sent = await messenger.invoke('message.send', {
    accountId: SEED_ACCOUNT.id,
    conversation: 'bob@localhost',
    kind: 'chat',
    body: 'the fresh store works',
  });
  expect(sent).toMatchObject({ ok: true, value: { state: 'queued' } });
}

describe('a damaged store at start', () => {
  it('moves a file with overwritten message pages aside with its -wal and -shm, and keeps the account', async () => {
    seedStore(file);
    const pages = leafPages(file, 'messages');
    overwritePages(file, pages.slice(pages.length / 2, pages.length / 2 + 4));
    writeIntoWal(file, (db) => db.prepare(`INSERT INTO settings (key, value) VALUES ('window', '{}')`).run());

    const { messenger } = await startUntilRecovered();
    await expectRecovered(messenger, true);
    // The damaged file is kept as it was, its -wal with it: it still opens, with the account.
    expect(accountIdsIn(messenger.recovered!.keptAs)).toEqual([SEED_ACCOUNT.id]);
  });

  it('repairs at once when the damage is in what the start reads (the roster)', async () => {
    seedStore(file);
    overwritePages(file, leafPages(file, 'roster_items').slice(2, 5));
    writeIntoWal(file, (db) => db.prepare(`INSERT INTO settings (key, value) VALUES ('window', '{}')`).run());

    const { messenger, starts } = await startUntilRecovered();
    expect(starts).toBe(1);
    await expectRecovered(messenger, true);
  });

  it('moves a truncated file aside', async () => {
    seedStore(file);
    truncateFile(file, 0.6);

    const { messenger } = await startUntilRecovered();
    await expectRecovered(messenger, false);
  });

  it('moves a file aside whose -wal belongs to another database', async () => {
    seedStore(file);
    const other = path.join(dir, 'other.sqlite3');
    seedStore(other, 500, 500);
    writeIntoWal(other, (db) => {
      db.prepare('DELETE FROM messages WHERE id % 3 = 0').run();
      db.prepare(`UPDATE roster_items SET name = 'renamed'`).run();
    });
    fs.renameSync(`${other}-wal`, `${file}-wal`);
    fs.rmSync(`${other}-shm`);
    const walBytes = fs.statSync(`${file}-wal`).size;

    const { messenger } = await startUntilRecovered();
    await expectRecovered(messenger, true);
    // The foreign -wal was neither checkpointed into the damaged file nor left beside the fresh one: it is kept.
    expect(fs.statSync(`${messenger.recovered!.keptAs}-wal`).size).toBe(walBytes);
  });

  it('keeps the repair notice across a restart until the user dismisses it', async () => {
    seedStore(file);
    overwritePages(file, leafPages(file, 'roster_items').slice(2, 5));
    const { messenger } = await startUntilRecovered();
    await messenger.close();
    open.splice(0);

    const again = (await start()).messenger;
    expect(again.recovered).toBeNull();
    const [notice] = (await snapshot(again)).notices;
    expect(notice.code).toBe('store.recovered');
    expect(await again.invoke('app.dismissNotice', { id: notice.id })).toEqual({ ok: true, value: null });
    await again.close();
    open.splice(0);
    expect((await snapshot((await start()).messenger)).notices).toEqual([]);
  });

  it('finishes a repair that was cut short: the mark left by a run that found damage is checked first', async () => {
    seedStore(file);
    overwritePages(file, leafPages(file, 'messages').slice(10, 12));
    fs.writeFileSync(checkMarkerPath(file), 'damage found\n');
    const { messenger } = await start();
    expect(messenger.recovered).not.toBeNull();
    expect(fs.existsSync(checkMarkerPath(file))).toBe(false);
  });

  it('a sound file passes the background check and is left alone', async () => {
    seedStore(file);
    const { messenger } = await start();
    expect(await messenger.storeCheck()).toEqual({ ok: true });
    expect(messenger.recovered).toBeNull();
    expect(keptFiles()).toEqual([]);
    expect(messenger.roster.itemsOf(SEED_ACCOUNT.id)).toHaveLength(2_000);
  });
});

describe('a store that is not damaged but cannot be used', () => {
  it('refuses a store written by a newer version and moves nothing', async () => {
    seedStore(file);
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    await expect(start()).rejects.toThrow(DatabaseTooNewError);
    expect(keptFiles()).toEqual([]);
    expect(accountIdsIn(file)).toEqual([SEED_ACCOUNT.id]);
  });

  it('refuses a store file it cannot open, in words, and moves nothing', async () => {
    fs.mkdirSync(file); // a folder where the file should be
    await expect(start()).rejects.toThrow(/cannot open its data file .*nothing was changed/);
    expect(keptFiles()).toEqual([]);
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });
});
