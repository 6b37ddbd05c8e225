/**
 * Drives tests/support/file_peer.py (slixmpp with its XEP-0363 and XEP-0066 plugins), a second
 * client that sends and fetches files as other clients do: commands in on stdin, events out on stdout.
 * Its HTTPS (the upload's PUT through aiohttp, its own GETs) trusts the test CA only.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'file_peer.py');

export interface FilePeerEvent {
  event: string;
  [key: string]: unknown;
}

export interface FilePeer {
  events: FilePeerEvent[];
  /** Runs a command; resolves with its `done` event (throws on its `error`). */
  run(command: Record<string, unknown>): Promise<FilePeerEvent>;
  next(predicate: (event: FilePeerEvent) => boolean, what: string, from?: number): Promise<FilePeerEvent>;
  stop(): Promise<void>;
}

export async function startFilePeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<FilePeer> {
  const child = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost/${resource}`, user.password, server.host, String(server.port), server.caFile],
    // aiohttp (slixmpp's upload) verifies with OpenSSL's default paths: the test CA is the one to trust.
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SSL_CERT_FILE: server.caFile } },
  );
  const events: FilePeerEvent[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line) as FilePeerEvent);
    }
  });
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next: FilePeer['next'] = async (predicate, what, from = 0) => {
    let found: FilePeerEvent | undefined;
    await waitUntil(
      `file peer: ${what} (stderr: ${stderr.slice(-500)})`,
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
      if (end.event === 'error') throw new Error(`file peer ${String(command.cmd)}: ${String(end.error)}`);
      return end;
    },
    async stop() {
      child.stdin.write('{"cmd": "quit"}\n');
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
