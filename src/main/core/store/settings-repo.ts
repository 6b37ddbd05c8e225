/** Key/value settings stored as JSON (window state, UI preferences). */
import type { Db } from './db';

export class SettingsRepository {
  private readonly selectStatement;
  private readonly upsertStatement;

  constructor(db: Db) {
    this.selectStatement = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.upsertStatement = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  get<T>(key: string, fallback: T): T {
    const row = this.selectStatement.get(key);
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }

  set(key: string, value: unknown): void {
    this.upsertStatement.run(key, JSON.stringify(value));
  }
}
