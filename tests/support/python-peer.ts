/**
 * A second client written in Python (slixmpp, /usr/bin/python3) driven line by line: JSON commands
 * in on stdin, JSON events out on stdout. The scripts take `jid password host port ca-file`, print
 * `{"event": "ready"}` once online and answer each command with `done` or `error` carrying its `cmd`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

export interface PythonPeerEvent {
  event: string;
  [key: string]: unknown;
}

export interface PythonPeer {
  events: PythonPeerEvent[];
  /** Runs a command; resolves with its `done` event (throws on its `error`). */
  run(command: Record<string, unknown>): Promise<PythonPeerEvent>;
  /** Waits for the first event after index `from` matching `predicate`. */
  next(predicate: (event: PythonPeerEvent) => boolean, what: string, from?: number): Promise<PythonPeerEvent>;
  stop(): Promise<void>;
}

export interface PythonPeerOptions {
  /** The script's file name in tests/support. */
  script: string;
  /** Names the peer in failures ("file peer: ready"). */
  name: string;
  server: TestServer;
  user: { user: string; password: string };
  resource: string;
  env?: NodeJS.ProcessEnv;
}

export async function startPythonPeer(options: PythonPeerOptions): Promise<PythonPeer> {
  const { server, user, name } = options;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), options.script);
  const child = spawn(
    '/usr/bin/python3',
    [
      script,
      `${user.user}@localhost/${options.resource}`,
      user.password,
      server.host,
      String(server.port),
      server.caFile,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  const events: PythonPeerEvent[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line) as PythonPeerEvent);
    }
  });
  child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next: PythonPeer['next'] = async (predicate, what, from = 0) => {
    const find = () => events.slice(from).find(predicate);
    await waitUntil(
      `${name}: ${what} (stderr: ${stderr.slice(-500)})`,
      () => find() !== undefined || child.exitCode !== null,
      30_000,
    );
    const found = find();
    if (!found) throw new Error(`${name} exited before ${what}\nstderr: ${stderr}`);
    return found;
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
      if (end.event === 'error') throw new Error(`${name} ${String(command.cmd)}: ${String(end.error)}`);
      return end;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.write('{"cmd": "quit"}\n');
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
