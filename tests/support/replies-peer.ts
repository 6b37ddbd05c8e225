/**
 * Drives tests/support/replies_peer.py (slixmpp with its XEP-0045, XEP-0359, XEP-0421, XEP-0444,
 * XEP-0461 and XEP-0424 plugins), a second client for replies, reactions and retraction interop:
 * commands in on stdin, events out on stdout.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'replies_peer.py');

export interface RepliesPeerEvent {
  event: string;
  [key: string]: unknown;
}

export interface RepliesPeer {
  events: RepliesPeerEvent[];
  /** Runs a command and waits for its `done` (throws on its `error`). */
  run(command: Record<string, unknown>): Promise<void>;
  /** Waits for the first event after index `from` matching `predicate`. */
  next(predicate: (event: RepliesPeerEvent) => boolean, what: string, from?: number): Promise<RepliesPeerEvent>;
  stop(): Promise<void>;
}

export async function startRepliesPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<RepliesPeer> {
  const child = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost/${resource}`, user.password, server.host, String(server.port), server.caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: RepliesPeerEvent[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line) as RepliesPeerEvent);
    }
  });
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next: RepliesPeer['next'] = async (predicate, what, from = 0) => {
    let found: RepliesPeerEvent | undefined;
    await waitUntil(
      `replies peer: ${what} (stderr: ${stderr.slice(-500)})`,
      () => (found = events.slice(from).find(predicate)) !== undefined,
      30_000,
    );
    return found!;
  };
  await next((event) => event.event === 'ready', 'ready');
  return {
    events,
    next,
    async run(command) {
      const from = events.length;
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const end = await next(
        (event) => (event.event === 'done' || event.event === 'error') && event.cmd === command.cmd,
        `${String(command.cmd)} done`,
        from,
      );
      if (end.event === 'error') throw new Error(`replies peer ${String(command.cmd)}: ${String(end.error)}`);
    },
    async stop() {
      child.stdin.write('{"cmd": "quit"}\n');
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
