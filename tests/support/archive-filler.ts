/**
 * Drives tests/support/archive_filler.py (slixmpp, an independent client): numbered messages sent
 * to a contact or into a room, so the server's archive holds what another client really sent.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'archive_filler.py');

export interface FillCommand {
  to: string;
  type: 'chat' | 'groupchat';
  /** Message i (from 1) says "<prefix> <i>." with the id "<prefix>-<i>". */
  prefix: string;
  count: number;
  /** Bodies of many lengths: 0 to 39 words before "<prefix> <i>." (rows whose heights estimates miss). */
  wordy?: boolean;
  /** Our nick when filling a room. */
  nick?: string;
  /** Message `index` corrected to `body` (XEP-0308), sent right after message `after` (the last by default). */
  correct?: { index: number; body: string; after?: number };
}

/** Sends the messages as `user` and resolves once they were sent and the client left. */
export function fillArchive(
  server: TestServer,
  user: { user: string; password: string },
  command: FillCommand,
): Promise<void> {
  const child = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost`, user.password, server.host, String(server.port), server.caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  child.stdin.end(`${JSON.stringify(command)}\n`);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      if (stdout.includes('"done"')) resolve();
      else reject(new Error(`archive filler failed: ${stdout}\nstderr: ${stderr}`));
    });
  });
}
