/**
 * Debian's profanity (OMEMO through libsignal-protocol-c, as Dino uses it) driven in tmux for interop
 * tests: its own HOME, an account on the test Prosody, the test CA trusted through its certificate
 * directory (never a blanket accept), keys typed in with send-keys, what it read taken from its chat
 * log database. Each instance runs on its own tmux server socket, which stop() ends.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import xml from '@xmpp/xml';
import { createPepClient } from '../../src/main/core/encryption/pep';
import { NODE_DEVICELIST, NS_OMEMO_03 } from '../../src/main/core/encryption/omemo/stanzas';
import { silentLogger } from '../../src/main/core/log';
import { startPeer } from './peer';
import type { ProsodyServer } from './prosody';
import { waitUntil } from './wait';

const run = promisify(execFile);

export interface Profanity {
  jid: string;
  deviceId: number;
  /** Types a line (a command, or text for the current window) and Enter. */
  type(line: string): Promise<void>;
  screen(): Promise<string>;
  /** Waits until the screen shows `pattern`; returns the match. */
  waitFor(pattern: RegExp, what: string): Promise<RegExpMatchArray>;
  /** The end of profanity's own log (for failure messages). */
  log(): string;
  /** Messages profanity stored (decrypted) from `from`. */
  received(from: string): { message: string; encryption: string | null }[];
  stop(): Promise<void>;
}

export function profanityAvailable(): boolean {
  const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  if (!has('profanity') || !has('tmux')) return false;
  const version = spawnSync('profanity', ['--version'], { encoding: 'utf8' });
  return /OMEMO support: Enabled/.test(version.stdout ?? '');
}

export async function startProfanity(
  server: ProsodyServer,
  user: { user: string; password: string },
): Promise<Profanity> {
  const jid = `${user.user}@localhost`;
  // Profanity 0.13 publishes its device only into a device list that exists (on a fresh account it
  // logs "can't get OMEMO device list" and publishes nothing): another client of the account
  // starts an empty one, as one would exist on any account that used OMEMO before.
  const seed = await startPeer(server, user, 'seed', silentLogger);
  await createPepClient(seed.xmpp, jid).publish(NODE_DEVICELIST, 'current', xml('list', { xmlns: NS_OMEMO_03 }), {
    access_model: 'open',
  });
  await seed.stop();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-profanity-'));
  const socket = `jw-profanity-${randomBytes(4).toString('hex')}`;
  const data = path.join(home, '.local/share/profanity');
  const config = path.join(home, '.config/profanity');
  const certs = path.join(home, 'certs');
  fs.mkdirSync(data, { recursive: true });
  fs.mkdirSync(config, { recursive: true });
  fs.mkdirSync(certs);
  fs.copyFileSync(server.caFile, path.join(certs, 'test-ca.pem'));
  await run('openssl', ['rehash', certs]);
  fs.writeFileSync(path.join(config, 'profrc'), `[connection]\ntls.certpath=${certs}\n`);
  fs.writeFileSync(
    path.join(data, 'accounts'),
    [
      `[${jid}]`,
      'enabled=true',
      `jid=${jid}`,
      `server=${server.host}`,
      `port=${server.port}`,
      'resource=term',
      `password=${user.password}`,
      'tls.policy=force',
      '',
    ].join('\n'),
  );
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  await tmux('new-session', '-d', '-s', 'p', '-x', '200', '-y', '50', `env HOME=${home} profanity -a ${jid}`);

  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'p', '-S', '-200')).stdout;
  const type = async (line: string) => {
    await tmux('send-keys', '-t', 'p', '-l', line);
    await tmux('send-keys', '-t', 'p', 'Enter');
  };
  let last = '';
  const waitFor = async (pattern: RegExp, what: string) => {
    let found: RegExpMatchArray | null = null;
    try {
      await waitUntil(
        what,
        () => {
          void screen().then((text) => (last = text));
          found = last.match(pattern);
          return found !== null;
        },
        30_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- profanity screen ---\n${last}`);
    }
    return found!;
  };

  await waitFor(/logged in successfully/, `${jid} logged in`);
  await type('/omemo gen');
  const generated = await waitFor(/Your Device ID is (\d+)/, 'OMEMO keys generated');
  for (const command of ['/omemo trustmode blind', '/omemo policy automatic', '/omemo log on', '/logging chat on'])
    await type(command);
  await waitFor(/OMEMO policy is now set to: automatic/, 'OMEMO settings');

  return {
    jid,
    deviceId: Number(generated[1]),
    type,
    screen,
    waitFor,
    log() {
      const file = path.join(data, 'logs', 'profanity.log');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-6000) : '';
    },
    received(from) {
      const file = path.join(data, 'database', `${user.user}_at_localhost`, 'chatlog.db');
      if (!fs.existsSync(file)) return [];
      // Read a copy: a reader of the live file holds a lock that makes profanity's own write fail
      // ("database is locked": it sets no busy timeout), and the message is then never stored. A copy
      // taken mid-write may not open; the caller polls again.
      const copy = path.join(home, `chatlog-read-${process.pid}.db`);
      try {
        fs.copyFileSync(file, copy);
        const db = new Database(copy, { readonly: true, fileMustExist: true });
        try {
          return db.prepare('SELECT message, encryption FROM ChatLogs WHERE from_jid = ? ORDER BY id').all(from) as {
            message: string;
            encryption: string | null;
          }[];
        } finally {
          db.close();
        }
      } catch {
        return [];
      } finally {
        fs.rmSync(copy, { force: true });
      }
    },
    async stop() {
      await tmux('kill-server').catch(() => undefined);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
