/**
 * Numbered, append-only schema migrations. Migration N brings the database from user_version N-1
 * to N inside one transaction. Never edit a migration that has shipped; add a new one.
 */
export const migrations: readonly string[] = [
  // 1: accounts, pinned certificates, settings
  `
  CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    jid         TEXT NOT NULL UNIQUE,
    host        TEXT,
    port        INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
    label       TEXT NOT NULL DEFAULT '',
    color       TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    resource    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE account_certificates (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL CHECK (length(fingerprint) = 95),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
  ) STRICT;

  CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  ) STRICT;
  `,
];
