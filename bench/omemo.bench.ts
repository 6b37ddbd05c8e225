/**
 * OMEMO 0.3 benchmark, in process, on the real encryption layer (Omemo03 on SQLite files,
 * identity keys in a secret store with a keychain stand-in), with PEP in memory (no network):
 *
 * - encrypting one message to 10 devices (a contact with 7 devices and 3 other devices of ours):
 *   the first message, which fetches 10 bundles and builds 10 sessions, then the following ones;
 * - decrypting 1,000 archived messages after a restart: a second device of Bob's was off while Bob
 *   and Alice wrote 500 messages each; it opens its store again and decrypts all of them in order
 *   (Alice's as received, Bob's as carbons), with the main event-loop delay p99 measured meanwhile
 *   (budget 50 ms), and the same measurement over 3 s of idling just before (the machine's share);
 * - the same 1,000 through the chat service: an archive catch-up (pages of 100 from a responder in
 *   memory) whose encrypted messages are looked up, read in order and stored with their page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSecretStore, type SecretCipher } from '../src/main/core/secrets';
import { openDatabase } from '../src/main/core/store/db';
import { MemoryPep } from '../tests/support/memory-pep';
import { copy, messageWith, openDevice, settle, type TestDevice } from '../tests/support/omemo';
import { spread, writeResults } from './replay';
import { ACCOUNT, ALICE, BOB, openEncryptedChat } from '../tests/support/encrypted-chat';
import { NODE_DEVICELIST } from '../src/main/core/encryption/omemo/stanzas';
import { NS_MAM, NS_RSM } from '../src/main/core/xmpp/ns';

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const ARCHIVED = Number(process.env.BENCH_MESSAGES) || 1_000;
const results: Record<string, unknown> = {};
const dirs: string[] = [];

afterAll(() => {
  writeResults('omemo', results);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const keychain: SecretCipher = {
  description: 'a keychain stand-in',
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (data) => Buffer.from(data).reverse().toString('utf8'),
};

/** A device on a database file and a secrets file, so it can be opened again as after a restart. */
async function deviceOnDisk(pep: MemoryPep, jid: string): Promise<{ device: TestDevice; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-omemo-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'jabberwock.sqlite3'));
  const accountId = 'bench-account';
  db.prepare(
    `INSERT INTO accounts (id, jid, color, resource, position, created_at) VALUES (?, ?, '#336699', 'jw', 0, 0)`,
  ).run(accountId, jid);
  const secrets = new FileSecretStore(path.join(dir, 'secrets.json'), keychain);
  return { device: await openDevice(pep, jid, { db, secrets, accountId }), dir };
}

describe('omemo', () => {
  it('encrypts one message to 10 devices', async () => {
    const first: number[] = [];
    const next: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pep = new MemoryPep();
      const alice = await openDevice(pep, 'alice@example.com');
      for (let i = 0; i < 3; i++) await openDevice(pep, 'alice@example.com');
      for (let i = 0; i < 7; i++) await openDevice(pep, 'bob@example.com');
      await settle();
      let start = performance.now();
      const result = await alice.engine.encrypt('bob@example.com', 'to ten devices');
      first.push(performance.now() - start);
      expect(result.ok && result.devices).toHaveLength(10);
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        start = performance.now();
        const again = await alice.engine.encrypt('bob@example.com', `message ${i}`);
        times.push(performance.now() - start);
        expect(again.ok && again.devices).toHaveLength(10);
      }
      next.push(spread(times).median);
    }
    results.encryptTo10Devices = { firstMessageMs: spread(first), followingMessageMedianMs: spread(next) };
  }, 600_000);

  it(`decrypts ${ARCHIVED} archived messages after a restart`, async () => {
    const total: number[] = [];
    const perMessage: number[] = [];
    const p99: number[] = [];
    const max: number[] = [];
    const idleP99: number[] = [];
    const idleMax: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pep = new MemoryPep();
      const alice = await openDevice(pep, 'alice@example.com');
      const bob = await openDevice(pep, 'bob@example.com');
      const { device: laptop } = await deviceOnDisk(pep, 'bob@example.com');
      await settle();
      laptop.engine.offline();
      // The conversation while the laptop is off: the archive keeps every message for it.
      const archive: { message: Element; sender: string }[] = [];
      for (let i = 0; i < ARCHIVED / 2; i++) {
        const fromAlice = messageWith(
          await alice.engine.encrypt('bob@example.com', `alice ${i}`),
          'alice@example.com',
          'bob@example.com',
        );
        await bob.engine.decrypt(copy(fromAlice), { sender: 'alice@example.com', via: 'live' });
        archive.push({ message: fromAlice, sender: 'alice@example.com' });
        const fromBob = messageWith(
          await bob.engine.encrypt('alice@example.com', `bob ${i}`),
          'bob@example.com',
          'alice@example.com',
        );
        await alice.engine.decrypt(copy(fromBob), { sender: 'bob@example.com', via: 'live' });
        archive.push({ message: fromBob, sender: 'bob@example.com' });
      }
      laptop.db.close();
      const reopened = openDatabase(path.join(path.dirname(laptop.db.name), 'jabberwock.sqlite3'));
      const secrets = new FileSecretStore(path.join(path.dirname(laptop.db.name), 'secrets.json'), keychain);

      // The same measurement over 3 s of doing nothing: what the machine's load alone costs.
      const idle = monitorEventLoopDelay({ resolution: 10 });
      idle.enable();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      idle.disable();
      idleP99.push(idle.percentile(99) / 1e6);
      idleMax.push(idle.max / 1e6);

      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const start = performance.now();
      const restarted = await openDevice(pep, 'bob@example.com', {
        db: reopened,
        secrets,
        accountId: laptop.accountId,
        online: false,
      });
      let read = 0;
      for (const { message, sender } of archive) {
        const result = await restarted.engine.decrypt(message, { sender, via: 'archive' });
        if (result.kind === 'decrypted') read++;
      }
      const elapsed = performance.now() - start;
      delay.disable();
      expect(read).toBe(ARCHIVED);
      total.push(elapsed);
      perMessage.push(elapsed / ARCHIVED);
      p99.push(delay.percentile(99) / 1e6);
      max.push(delay.max / 1e6);
      reopened.close();
    }
    results.decryptArchiveAfterRestart = {
      messages: ARCHIVED,
      totalMs: spread(total),
      perMessageMs: spread(perMessage),
      eventLoopDelayP99Ms: spread(p99),
      eventLoopDelayMaxMs: spread(max),
      idleEventLoopDelayP99Ms: spread(idleP99),
      idleEventLoopDelayMaxMs: spread(idleMax),
    };
    expect(Math.min(...p99)).toBeGreaterThan(0);
  }, 600_000);

  it(`reads ${ARCHIVED} archived encrypted messages through the chat service`, async () => {
    const total: number[] = [];
    const p99: number[] = [];
    const max: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pep = new MemoryPep();
      const bob = await openDevice(pep, BOB);
      const laptop = await openDevice(pep, ALICE);
      const archived: Element[] = [];
      let deliver: (stanza: Element) => void = () => undefined;
      const chat = await openEncryptedChat({
        pep,
        // Our archive in memory: pages of 100 after the id asked for (XEP-0313 with RSM).
        request: async (iq) => {
          const query = iq.getChild('query', NS_MAM)!;
          const after = query.getChild('set', NS_RSM)?.getChildText('after') ?? '';
          const from = archived.findIndex((r) => r.getChild('result', NS_MAM)!.attrs.id === after) + 1;
          const page = archived.slice(from, from + 100);
          for (const result of page) {
            result.getChild('result', NS_MAM)!.attrs.queryid = query.attrs.queryid;
            deliver(result);
          }
          const last = page.at(-1)?.getChild('result', NS_MAM)!.attrs.id;
          return xml(
            'iq',
            { type: 'result' },
            xml(
              'fin',
              { xmlns: NS_MAM, complete: String(from + 100 >= archived.length) },
              xml('set', { xmlns: NS_RSM }, last ? xml('last', {}, last) : null),
            ),
          );
        },
      });
      deliver = chat.deliver;
      while ((pep.item(ALICE, NODE_DEVICELIST)?.toString().split('<device').length ?? 0) < 3) await settle();
      // Bob writes to Alice; Alice's laptop writes to Bob (a carbon for this device): one archive.
      for (let i = 0; i < ARCHIVED / 2; i++) {
        const pair = [
          messageWith(await bob.engine.encrypt(ALICE, `bob ${i}`), `${BOB}/phone`, ALICE),
          messageWith(await laptop.engine.encrypt(BOB, `laptop ${i}`), `${ALICE}/laptop`, BOB),
        ];
        for (const inner of pair) {
          const id = `a${String(archived.length).padStart(5, '0')}`;
          archived.push(
            xml(
              'message',
              { to: `${ALICE}/desk` },
              xml(
                'result',
                { xmlns: NS_MAM, id, queryid: '' },
                xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, inner),
              ),
            ),
          );
        }
      }
      chat.db
        .prepare("INSERT INTO archive_markers (account_id, archive, last_id) VALUES (?, '', 'start')")
        .run(ACCOUNT);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const start = performance.now();
      chat.chat.sessionReady(ACCOUNT);
      while (!chat.events.some((e) => e.type === 'archive.sync' && e.state === 'done')) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        chat.bus.flush();
      }
      total.push(performance.now() - start);
      delay.disable();
      p99.push(delay.percentile(99) / 1e6);
      max.push(delay.max / 1e6);
      const stored = chat.db.prepare('SELECT count(*) AS n FROM messages WHERE undecryptable IS NULL').get() as {
        n: number;
      };
      expect(stored.n).toBe(ARCHIVED);
      chat.close();
    }
    results.chatArchiveCatchUp = {
      messages: ARCHIVED,
      totalMs: spread(total),
      eventLoopDelayP99Ms: spread(p99),
      eventLoopDelayMaxMs: spread(max),
    };
  }, 900_000);
});
