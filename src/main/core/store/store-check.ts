/**
 * Telling a damaged store from one that is merely unavailable, and checking a store file.
 *
 * Only SQLite's own verdict counts as damage: SQLITE_CORRUPT or SQLITE_NOTADB from any statement, or
 * a `PRAGMA quick_check` that does not answer "ok". A locked, unreadable, read-only or full file is
 * not damaged and is never moved aside: the user gets a clear error instead.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { StoreFailure } from '../../../shared/contract';

export type StoreCheckResult = { ok: true } | { ok: false; problem: string };

/** The SQLite result code of an error thrown by better-sqlite3, or null for any other error. */
export function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** True when SQLite says the file is damaged (extended codes included, e.g. SQLITE_CORRUPT_INDEX). */
export function isCorruption(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== null && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** What kind of store failure an error is; null when it did not come from SQLite. */
export function storeFailureOf(error: unknown): StoreFailure | null {
  const code = sqliteCode(error);
  if (code === null) return null;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  if (code.startsWith('SQLITE_READONLY')) return 'readonly';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (isCorruption(error)) return 'corrupt';
  return 'other';
}

/** SQLite's verdict on the rows of `PRAGMA quick_check`: null when the file is fine. */
function verdict(rows: unknown[]): string | null {
  const lines = rows.map((row) => String(Object.values(row as Record<string, unknown>)[0]));
  return lines.length === 1 && lines[0] === 'ok' ? null : lines.join('; ').slice(0, 500);
}

/**
 * `PRAGMA quick_check` on a read-only connection of its own, on this thread. Read-only so that
 * closing it never checkpoints or deletes the `-wal` of a file that may be moved aside next.
 * A missing file is fine (a fresh store will be created). Errors that are not damage are thrown.
 */
export function quickCheck(file: string): StoreCheckResult {
  if (!fs.existsSync(file)) return { ok: true };
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problem = verdict(db.pragma('quick_check') as unknown[]);
    return problem === null ? { ok: true } : { ok: false, problem };
  } catch (error) {
    if (isCorruption(error)) return { ok: false, problem: (error as Error).message };
    throw error;
  } finally {
    db?.close();
  }
}

// The worker loads better-sqlite3 by the path this module resolves, so it finds the same build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let answer;
try {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    answer = { rows: db.pragma('quick_check') };
  } finally {
    db.close();
  }
} catch (error) {
  answer = { error: { code: error && error.code, message: String(error && error.message) } };
}
parentPort.postMessage(answer);
`;

/**
 * The same check on a worker thread, so a large store never blocks the main event loop: on a store of
 * 10,000 contacts and 20,000 messages with their search index (8–11 MB) quick_check took 40–160 ms,
 * up to 340 ms on a loaded machine (bench/store-check.bench.ts), and it grows with the history. That
 * is far over a few tens of ms, so it runs after the first snapshot (StoreHealth), never before it.
 * Falls back to this thread if a worker cannot load SQLite.
 */
export function quickCheckInWorker(file: string): Promise<StoreCheckResult> {
  if (!fs.existsSync(file)) return Promise.resolve({ ok: true });
  let module: string;
  try {
    module = createRequire(import.meta.url).resolve('better-sqlite3');
  } catch {
    return Promise.resolve().then(() => quickCheck(file));
  }
  return new Promise<StoreCheckResult>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file } });
    } catch {
      resolve(quickCheck(file));
      return;
    }
    let answered = false;
    worker.once('message', (answer: { rows?: unknown[]; error?: { code: unknown; message: string } }) => {
      answered = true;
      if (answer.rows) {
        const problem = verdict(answer.rows);
        resolve(problem === null ? { ok: true } : { ok: false, problem });
      } else if (isCorruption(answer.error)) {
        resolve({ ok: false, problem: answer.error!.message });
      } else {
        reject(Object.assign(new Error(answer.error?.message ?? 'quick_check failed'), { code: answer.error?.code }));
      }
    });
    worker.once('error', () => {
      if (answered) return;
      answered = true;
      try {
        resolve(quickCheck(file));
      } catch (error) {
        reject(error);
      }
    });
    worker.once('exit', () => {
      if (!answered) reject(new Error('the store check stopped without an answer'));
    });
  });
}
