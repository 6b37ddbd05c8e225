/**
 * A damaged store against a real Prosody: the core that finds its file damaged at start moves it
 * aside, keeps the account (its password is in the secret store, by account id) and logs in again,
 * and what the store held comes back from the server: the roster (a full fetch, no version), the
 * bookmarks, and the messages from the archive, each once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { DATABASE_FILE } from '../../src/main/core/messenger';
import { FileSecretStore } from '../../src/main/core/secrets';
import { openTestCore } from '../support/core';
import { startPeer, type Peer } from '../support/peer';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { leafPages, overwritePages } from '../support/store-files';
import { eventually, waitUntil } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-recovery-Pa55' };
const BOB = { user: 'bob', password: 'bob-recovery-Pa55' };
const ROOM = 'lunch@conference.localhost';
const log = createLogger(() => {}, 'debug');

describe('a damaged store, against Prosody', () => {
  let server: ProsodyServer;
  let bob: Peer;
  let dir: string;

  beforeAll(async () => {
    server = await startProsody({ users: [ALICE, BOB] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-recovery-int-'));
    bob = await startPeer(server, BOB, 'desk', log);
  });

  afterAll(async () => {
    await bob?.stop().catch(() => {});
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches roster, bookmarks and messages again after moving the damaged file aside', async () => {
    const secrets = () => new FileSecretStore(path.join(dir, 'secrets.json'), null);
    const core = await openTestCore(server, dir, secrets(), log, ALICE);
    await core.invoke('roster.update', {
      accountId: core.accountId,
      jid: 'bob@localhost',
      name: 'Bob',
      groups: ['Work'],
    });
    await core.invoke('muc.bookmark', { accountId: core.accountId, room: ROOM, name: 'Lunch', autojoin: false });
    for (let i = 1; i <= 3; i++) {
      await bob.send(
        xml(
          'message',
          { to: 'alice@localhost', type: 'chat', id: `b${i}` },
          xml('body', {}, `hello ${i}`),
          xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: `bob-origin-${i}` }),
        ),
      );
    }
    const history = async (messenger: typeof core.messenger) => {
      const page = await messenger.invoke('message.history', {
        accountId: core.accountId,
        conversation: 'bob@localhost',
        limit: 50,
      });
      return page.ok ? (page.value as { body: string }[]).map((message) => message.body) : [];
    };
    await eventually(async () => expect(await history(core.messenger)).toHaveLength(3));
    const accountId = core.accountId;
    await core.close();

    // The roster's page is what the next start reads first: damage it.
    const file = path.join(dir, DATABASE_FILE);
    overwritePages(file, leafPages(file, 'roster_items'));

    const again = await openTestCore(server, dir, secrets(), log);
    try {
      expect(again.messenger.recovered).toMatchObject({ accountsKept: 1 });
      expect(again.accountId).toBe(accountId);
      expect(fs.readdirSync(dir).some((name) => name.startsWith(`${DATABASE_FILE}.damaged-`))).toBe(true);
      expect(again.messenger.roster.itemsOf(accountId)).toEqual([
        expect.objectContaining({ jid: 'bob@localhost', name: 'Bob', groups: ['Work'] }),
      ]);
      await waitUntil('bookmarks', () => again.messenger.bookmarks.list().some((bookmark) => bookmark.room === ROOM));
      await eventually(async () =>
        expect((await history(again.messenger)).sort()).toEqual(['hello 1', 'hello 2', 'hello 3']),
      );
      const snapshot = (await again.invoke('app.snapshot', {})) as Snapshot;
      expect(snapshot.notices).toEqual([expect.objectContaining({ code: 'store.recovered', accountsKept: 1 })]);
      // History read back was read before: nothing shows as unread.
      expect(snapshot.conversations).toEqual([expect.objectContaining({ conversation: 'bob@localhost', unread: 0 })]);
    } finally {
      await again.close();
    }
  });
});
