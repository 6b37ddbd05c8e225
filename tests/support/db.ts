/** The real store for unit tests of the core's services: SQLite in memory, with the schema. */
import { openDatabase, type Db } from '../../src/main/core/store/db';

/** An in-memory database holding one account row (`id`, `jid`), for services whose rows refer to it. */
export function memoryDbWithAccount(id: string, jid: string): Db {
  const db = openDatabase(':memory:');
  db.prepare(
    `INSERT INTO accounts (id, jid, color, resource, position, created_at) VALUES (?, ?, '#336699', 'jw', 0, 0)`,
  ).run(id, jid);
  return db;
}
