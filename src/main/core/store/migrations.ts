/**
 * Numbered, append-only schema migrations. Migration N brings the database from user_version N-1
 * to N inside one transaction. Never edit a migration that has shipped; add a new one. Every
 * migration's SQL is written out here, never imported: a constant shared with other code would
 * change a shipped migration whenever that code changes (tests/unit pins each one by its hash).
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
  // 2: roster items and roster versions (XEP-0237), per account.
  // Groups are a JSON array in the item's row rather than a side table: they are always read and
  // written together with their item, a 10,000-item roster stays 10,000 rows instead of ~30,000,
  // an update is one row write (no delete-and-reinsert of group rows), and renaming a group arrives
  // from the server as one push per item anyway.
  `
  CREATE TABLE roster_items (
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid            TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    name           TEXT,
    subscription   TEXT NOT NULL DEFAULT 'none' CHECK (subscription IN ('none', 'to', 'from', 'both')),
    ask_subscribe  INTEGER NOT NULL DEFAULT 0 CHECK (ask_subscribe IN (0, 1)),
    groups         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(groups) AND json_type(groups) = 'array'),
    PRIMARY KEY (account_id, jid)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE roster_versions (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    jid         TEXT,     -- the account's bare JID the roster was synced for (the JID can be edited)
    version     TEXT,
    synced_at   INTEGER
  ) STRICT;
  `,
  // 3: entity capabilities (XEP-0115, global per ver), our own presence per account, and when each
  // contact's resources were last seen (presence itself is session state, kept in memory).
  `
  CREATE TABLE caps (
    hash_algo    TEXT NOT NULL CHECK (hash_algo IN ('sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512')),
    ver          TEXT NOT NULL CHECK (length(ver) BETWEEN 1 AND 128),
    identities   TEXT NOT NULL CHECK (json_valid(identities) AND json_type(identities) = 'array'),
    features     TEXT NOT NULL CHECK (json_valid(features) AND json_type(features) = 'array'),
    client_name  TEXT,
    device       TEXT NOT NULL DEFAULT 'unknown'
                 CHECK (device IN ('pc', 'phone', 'web', 'bot', 'console', 'handheld', 'unknown')),
    verified     INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    fetched_at   INTEGER NOT NULL,
    PRIMARY KEY (hash_algo, ver)
  ) STRICT, WITHOUT ROWID;
  
  CREATE TABLE own_presence (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    show        TEXT NOT NULL CHECK (show IN ('available', 'chat', 'away', 'xa', 'dnd', 'offline')),
    status      TEXT CHECK (status IS NULL OR length(status) <= 1024),
    priority    INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN -128 AND 127)
  ) STRICT;

  CREATE TABLE last_seen (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    resource    TEXT NOT NULL CHECK (length(resource) <= 1023),
    at          INTEGER NOT NULL,
    status      TEXT CHECK (status IS NULL OR length(status) <= 1024),
    device      TEXT CHECK (device IS NULL OR device IN ('pc', 'phone', 'web', 'bot', 'console', 'handheld', 'unknown')),
    PRIMARY KEY (account_id, jid, resource)
  ) STRICT, WITHOUT ROWID;
  `,
  // 4: subscriptions (RFC 6121 §3). The roster holds subscription and ask; what it cannot hold is
  // kept here: incoming requests not yet answered ("pending in", which servers redeliver at every
  // login, so a redelivery must not look new), the account's policy, and per contact when we asked
  // and whether they declined or stopped sharing (for the explainer).
  `
  CREATE TABLE subscription_requests (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid          TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    nick         TEXT CHECK (nick IS NULL OR length(nick) <= 256),
    message      TEXT CHECK (message IS NULL OR length(message) <= 1024),
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, jid)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE subscription_policies (
    account_id    TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    incoming      TEXT NOT NULL CHECK (incoming IN ('ask', 'accept', 'accept-subscribe', 'deny')),
    accept_asked  INTEGER NOT NULL CHECK (accept_asked IN (0, 1))
  ) STRICT;

  CREATE TABLE subscription_notes (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    asked_at    INTEGER,
    ended_at    INTEGER,
    ended       TEXT CHECK (ended IS NULL OR ended IN ('declined', 'revoked')),
    PRIMARY KEY (account_id, jid)
  ) STRICT, WITHOUT ROWID;
  `,
  // 5: message history and the outbox. One row per message, stored once: incoming messages are
  // deduplicated by (conversation, sender, origin-id) or by the stanza-id the archive/room assigned,
  // never by the client-chosen id alone. Outgoing rows are written as 'queued' before any network
  // write. messages_fts is an external-content FTS5 index over the bodies, kept by triggers.
  `
  CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL CHECK (length(conversation) BETWEEN 1 AND 3071),
    kind          TEXT NOT NULL CHECK (kind IN ('chat', 'groupchat', 'pm')),
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender        TEXT NOT NULL,
    body          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'failed', 'received')),
    stanza_id     TEXT NOT NULL,   -- the id attribute we sent, or the one we received
    origin_id     TEXT,            -- XEP-0359 origin-id (ours, or the sender's)
    server_id     TEXT,            -- XEP-0359 stanza-id assigned by our archive or the room
    resource      TEXT,            -- outgoing chat to one device
    corrected     INTEGER NOT NULL DEFAULT 0 CHECK (corrected IN (0, 1)),
    error         TEXT,
    read          INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1))
  ) STRICT;
  CREATE INDEX messages_by_conversation ON messages (account_id, conversation, id);
  CREATE UNIQUE INDEX messages_origin ON messages (account_id, conversation, sender, origin_id)
    WHERE origin_id IS NOT NULL;
  CREATE UNIQUE INDEX messages_server_id ON messages (account_id, conversation, server_id)
    WHERE server_id IS NOT NULL;
  CREATE INDEX messages_outbox ON messages (account_id, id) WHERE state = 'queued';
  CREATE INDEX messages_unread ON messages (account_id, conversation) WHERE read = 0;

  -- The newest archive id (XEP-0313) we hold per archive: '' is the account's own, else a room's JID.
  CREATE TABLE archive_markers (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    archive     TEXT NOT NULL,
    last_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, archive)
  ) STRICT, WITHOUT ROWID;

  CREATE VIRTUAL TABLE messages_fts USING fts5(body, content = 'messages', content_rowid = 'id');
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
  END;
  `,
  // 6: end-to-end encryption (XEP-0384 OMEMO). Our identity per account: device id and public key
  // here, the private identity key in the secret store (never in this file). Signed and one-time
  // pre-keys, sessions and devices are per protocol namespace, so a later OMEMO version can sit
  // beside 0.3. Trust is per identity key (the 32-byte Curve25519 key), shared by the namespaces.
  `
  CREATE TABLE omemo_identity (
    account_id       TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    device_id        INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
    registration_id  INTEGER NOT NULL CHECK (registration_id BETWEEN 1 AND 16380),
    public_key       BLOB NOT NULL CHECK (length(public_key) = 32),
    created_at       INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE omemo_signed_prekeys (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    namespace    TEXT NOT NULL CHECK (length(namespace) BETWEEN 1 AND 100),
    key_id       INTEGER NOT NULL CHECK (key_id BETWEEN 0 AND 2147483647),
    public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
    private_key  BLOB NOT NULL CHECK (length(private_key) = 32),
    signature    BLOB NOT NULL CHECK (length(signature) = 64),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, namespace, key_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE omemo_prekeys (
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    namespace    TEXT NOT NULL CHECK (length(namespace) BETWEEN 1 AND 100),
    key_id       INTEGER NOT NULL CHECK (key_id BETWEEN 1 AND 2147483647),
    public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
    private_key  BLOB NOT NULL CHECK (length(private_key) = 32),
    PRIMARY KEY (account_id, namespace, key_id)
  ) STRICT, WITHOUT ROWID;

  -- The device lists we read (XEP-0163), ours and our contacts'. A device stays known after it
  -- leaves the list (active = 0): its sessions and trust still explain old messages.
  CREATE TABLE omemo_devices (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    namespace     TEXT NOT NULL CHECK (length(namespace) BETWEEN 1 AND 100),
    jid           TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    device_id     INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    label         TEXT CHECK (label IS NULL OR length(label) <= 256),
    identity_key  BLOB CHECK (identity_key IS NULL OR length(identity_key) = 32),
    first_seen    INTEGER NOT NULL,
    PRIMARY KEY (account_id, namespace, jid, device_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE omemo_device_lists (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    namespace   TEXT NOT NULL CHECK (length(namespace) BETWEEN 1 AND 100),
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    read_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, namespace, jid)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE omemo_sessions (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    namespace   TEXT NOT NULL CHECK (length(namespace) BETWEEN 1 AND 100),
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    device_id   INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
    record      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, namespace, jid, device_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE encryption_trust (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid           TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    identity_key  BLOB NOT NULL CHECK (length(identity_key) = 32),
    state         TEXT NOT NULL CHECK (state IN ('verified', 'blind', 'undecided', 'untrusted')),
    decided_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, jid, identity_key)
  ) STRICT, WITHOUT ROWID;
  `,
  // 7: who is who. Per account and JID (a contact, one of our accounts, or a room occupant as
  // room@service/nick): the avatar's SHA-1 (the file is in the media store under that hash), where it
  // was announced ('pep' for XEP-0084, 'vcard' for XEP-0153), and the XEP-0172 nickname. A NULL hash
  // with a row means "no avatar" as its owner said; no row means "not known yet".
  `
  CREATE TABLE identities (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    avatar_hash TEXT CHECK (avatar_hash IS NULL OR (length(avatar_hash) = 40 AND avatar_hash NOT GLOB '*[^0-9a-f]*')),
    source      TEXT CHECK (source IS NULL OR source IN ('pep', 'vcard')),
    nick        TEXT CHECK (nick IS NULL OR length(nick) <= 1024),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, jid)
  ) STRICT, WITHOUT ROWID;
  `,
  // 8: end-to-end encryption in chat. A message says whether it travelled encrypted (the protocol),
  // which device sent it with its identity key and the trust it had when read, or why it could
  // not be read (its body is then empty). An outgoing row marked encrypted is never sent in the
  // clear. The user's choice per conversation; without one, a contact with devices is encrypted to.
  `
  ALTER TABLE messages ADD COLUMN encryption TEXT CHECK (encryption IS NULL OR encryption IN ('omemo'));
  ALTER TABLE messages ADD COLUMN encryption_device INTEGER
    CHECK (encryption_device IS NULL OR encryption_device BETWEEN 1 AND 2147483647);
  ALTER TABLE messages ADD COLUMN encryption_key TEXT
    CHECK (encryption_key IS NULL OR length(encryption_key) = 64);
  ALTER TABLE messages ADD COLUMN encryption_trust TEXT
    CHECK (encryption_trust IS NULL OR encryption_trust IN ('verified', 'blind', 'undecided', 'untrusted'));
  ALTER TABLE messages ADD COLUMN undecryptable TEXT
    CHECK (undecryptable IS NULL OR length(undecryptable) BETWEEN 1 AND 64);

  CREATE TABLE conversation_encryption (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL CHECK (length(conversation) BETWEEN 1 AND 3071),
    mode          TEXT NOT NULL CHECK (mode IN ('omemo', 'plain')),
    chosen_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, conversation)
  ) STRICT, WITHOUT ROWID;
  `,
  // 9: presence history (the timeline of each contact's devices). Compact on purpose, since a
  // 10,000-contact roster makes millions of runs a month: contacts, devices and status texts (per
  // contact, found by a hash of the text) are dictionaries named by integers, and a device's runs of
  // one UTC day (day: days since 1970-01-01) are packed into one blob (presence-history-codec.ts);
  // a run that crosses midnight is one piece per day. `open`: the day's last run still lasts. A
  // status text knows the last day a run named it, so pruning days prunes texts without reading
  // them. Coverage says when we were listening (seconds): outside it nothing is known. Retention
  // per account in days (0: recording off); without a row it is the default.
  `
  CREATE TABLE presence_history_settings (
    account_id      TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    retention_days  INTEGER NOT NULL CHECK (retention_days IN (0, 7, 30, 90))
  ) STRICT;

  CREATE TABLE presence_history_coverage (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    stop        INTEGER NOT NULL CHECK (stop >= start),
    PRIMARY KEY (account_id, start)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE presence_history_contacts (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    jid         TEXT NOT NULL CHECK (length(jid) BETWEEN 1 AND 3071),
    UNIQUE (account_id, jid)
  ) STRICT;

  CREATE TABLE presence_history_devices (
    id        INTEGER PRIMARY KEY,
    contact   INTEGER NOT NULL REFERENCES presence_history_contacts(id) ON DELETE CASCADE,
    resource  TEXT NOT NULL CHECK (length(resource) <= 1023),
    client    TEXT CHECK (client IS NULL OR length(client) <= 128),
    kind      TEXT CHECK (kind IS NULL OR kind IN ('pc', 'phone', 'web', 'bot', 'console', 'handheld', 'unknown')),
    UNIQUE (contact, resource)
  ) STRICT;

  CREATE TABLE presence_history_statuses (
    id       INTEGER PRIMARY KEY,
    contact  INTEGER NOT NULL REFERENCES presence_history_contacts(id) ON DELETE CASCADE,
    hash     INTEGER NOT NULL,
    text     TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1024),
    last_day INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX presence_history_statuses_by_text ON presence_history_statuses (contact, hash);

  CREATE TABLE presence_history_days (
    device  INTEGER NOT NULL REFERENCES presence_history_devices(id) ON DELETE CASCADE,
    day     INTEGER NOT NULL,
    runs    BLOB NOT NULL,
    open    INTEGER NOT NULL DEFAULT 0 CHECK (open IN (0, 1)),
    PRIMARY KEY (device, day)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX presence_history_open_days ON presence_history_days (device) WHERE open = 1;
  `,
  // 10: read state and drafts. chat_read_state per conversation: peer_displayed is the local id of our
  // newest message the contact marked displayed (XEP-0333; markers are cumulative), markable_id the
  // stanza id of the newest incoming message that asked for markers and has not been marked yet.
  // drafts: what the user was typing in a conversation, kept across restarts.
  `
  CREATE TABLE chat_read_state (
    account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation    TEXT NOT NULL CHECK (length(conversation) BETWEEN 1 AND 3071),
    peer_displayed  INTEGER,
    markable_id     TEXT CHECK (markable_id IS NULL OR length(markable_id) <= 256),
    PRIMARY KEY (account_id, conversation)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE drafts (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL CHECK (length(conversation) BETWEEN 1 AND 3071),
    text          TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 65536),
    PRIMARY KEY (account_id, conversation)
  ) STRICT, WITHOUT ROWID;
  `,
  // 11: a message that shares a file: its body is exactly the address its jabber:x:oob (XEP-0066)
  // names (received), or the address of our own upload (sent, and sent again with the element).
  `
  ALTER TABLE messages ADD COLUMN oob INTEGER NOT NULL DEFAULT 0 CHECK (oob IN (0, 1));
  `,
  // 12: replies, reactions and retractions. A reply (XEP-0461) keeps the id it refers to, whom it
  // quotes, the quote its fallback carried (XEP-0428: shown while the original is not here) and the
  // original's row when it was found from that author. occupant_id: the XEP-0421 id a room that
  // assigns them gave the message. retracted: 1 by its sender (XEP-0424), 2 by a room moderator
  // (XEP-0425); its body is emptied, so the search index forgets it too. Reactions (XEP-0444): one
  // row per message and reactor ('' is us; else a bare JID, a room's occupant-id or a nick), the
  // reactor's emojis as a JSON array.
  `
  ALTER TABLE messages ADD COLUMN reply_id TEXT;
  ALTER TABLE messages ADD COLUMN reply_to TEXT;
  ALTER TABLE messages ADD COLUMN reply_quote TEXT;
  ALTER TABLE messages ADD COLUMN reply_target INTEGER;
  ALTER TABLE messages ADD COLUMN occupant_id TEXT;
  ALTER TABLE messages ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1, 2));

  CREATE TABLE message_reactions (
    message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    reactor  TEXT NOT NULL CHECK (length(reactor) <= 3071),
    name     TEXT NOT NULL,
    emojis   TEXT NOT NULL CHECK (json_valid(emojis) AND json_type(emojis) = 'array'),
    at       INTEGER NOT NULL,
    PRIMARY KEY (message, reactor)
  ) STRICT, WITHOUT ROWID;
  `,
  // 13: how far back each conversation was read from the server's archive (XEP-0313 paged backwards):
  // the archive id to page before next (null: none yet), and whether the archive said it has no more.
  `
  CREATE TABLE archive_backfill (
    account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    conversation  TEXT NOT NULL,
    before_id     TEXT,
    complete      INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    PRIMARY KEY (account_id, conversation)
  ) STRICT, WITHOUT ROWID;
  `,
  // 14: what a message that shares a file says about it (XEP-0446 file metadata): a safe name, the
  // size in bytes and a media type, each bounded; null where it said nothing usable.
  `
  ALTER TABLE messages ADD COLUMN file_name TEXT CHECK (file_name IS NULL OR length(file_name) BETWEEN 1 AND 255);
  ALTER TABLE messages ADD COLUMN file_size INTEGER CHECK (file_size IS NULL OR file_size >= 0);
  ALTER TABLE messages ADD COLUMN file_type TEXT CHECK (file_type IS NULL OR length(file_type) BETWEEN 3 AND 255);
  `,
];
