/**
 * Presence history when a damaged store is replaced at start: real store files with a month of
 * history, damaged where the history is not (message pages) and where it is (its days), opened as the
 * app opens them. Intact history is carried over into the fresh store (the timeline reads the same,
 * retention included) and the moved-aside file is left as it was; damaged history starts empty, said
 * once in the log, while the retention the user chose is still kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../../../../src/main/core/log';
import { markForCheck, openStore } from '../../../../../src/main/core/store/recovery';
import { PresenceHistoryRepository } from '../../../../../src/main/core/store/presence-history-repo';
import {
  leafPages,
  overwritePages,
  SEED_ACCOUNT,
  seedPresenceHistory,
  seedStore,
} from '../../../../support/store-files';

const UNTIL = Date.parse('2026-12-06T00:00:00Z');
const CONTACTS = 300;
const DAYS = 20;

let dir: string;
let file: string;
let lines: string[];
let log: Logger;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-history-recovery-'));
  file = path.join(dir, 'jabberwock.sqlite3');
  lines = [];
  log = createLogger((level, _scope, message) => lines.push(`${level} ${message}`), 'debug');
  seedStore(file, CONTACTS, 3_000);
  seedPresenceHistory(file, CONTACTS, DAYS, UNTIL, 7);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the timeline reads of a few contacts, and the account's retention. */
function history(db: Database.Database) {
  const repo = new PresenceHistoryRepository(db);
  return {
    retention: repo.retentions().get(SEED_ACCOUNT.id),
    contacts: [0, 150, 299].map((c) => repo.contact(SEED_ACCOUNT.id, `contact${c}@example.org`, 0)),
    coverage: repo.coverage(SEED_ACCOUNT.id, 0),
  };
}

function fileHash(name: string): string {
  return fs.readFileSync(name).toString('base64');
}

const historyLines = () => lines.filter((line) => line.includes('presence history'));

describe('presence history when a damaged store is replaced', () => {
  it('carries intact history over into the fresh store and leaves the moved-aside file as it was', () => {
    const before = new Database(file, { readonly: true });
    const expected = history(before);
    before.close();
    expect(expected.contacts[1].runs).toHaveLength(DAYS);
    expect(expected.contacts[1].runs.filter((run) => run.idleSince !== null)).toHaveLength(DAYS / 2);
    const pages = leafPages(file, 'messages');
    overwritePages(file, pages.slice(pages.length / 2, pages.length / 2 + 4));
    markForCheck(file);

    const { db, recovered } = openStore(file, log);
    expect(recovered).not.toBeNull();
    const keptBefore = fileHash(recovered!.keptAs);
    expect(history(db)).toEqual(expected);
    db.close();
    expect(fileHash(recovered!.keptAs)).toBe(keptBefore);
    expect(historyLines()).toEqual(['info presence history carried over from the damaged store']);
  });

  it('starts the runs empty when the history itself is damaged, says so once, and keeps the retention', () => {
    overwritePages(file, leafPages(file, 'presence_history_days').slice(1, 3));
    markForCheck(file);

    const { db, recovered } = openStore(file, log);
    expect(recovered).not.toBeNull();
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM presence_history_${table}`).get() as { n: number }).n;
    for (const table of ['contacts', 'devices', 'statuses', 'days', 'coverage']) expect(count(table), table).toBe(0);
    expect(history(db).retention).toBe(7);
    db.close();
    expect(historyLines()).toEqual([
      'warn presence history could not all be carried over from the damaged store; what was not starts empty',
    ]);
  });
});
