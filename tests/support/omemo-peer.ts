/**
 * Drives tests/support/omemo_peer.py (python-omemo + python-oldmemo on slixmpp), an independent
 * OMEMO 0.3 implementation, from a test: commands in on stdin, events out on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProsodyServer } from './prosody';
import { waitUntil } from './wait';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'omemo_peer.py');

export interface PeerEvent {
  event: string;
  [key: string]: unknown;
}

export interface PythonOmemoPeer {
  deviceId: number;
  events: PeerEvent[];
  send(to: string, body: string): void;
  refresh(jid: string): void;
  /** Encrypts `data` (AES-256-GCM), uploads it and sends its aesgcm: address encrypted; a "file_sent" event follows. */
  sendFile(to: string, name: string, data: Buffer, ivBytes?: 12 | 16): void;
  /** Fetches and decrypts an aesgcm: address; a "file" event (sha256, bytes) or an "error" event follows. */
  fetchFile(url: string): void;
  /** Joins a room (answered by a `joined` event). */
  join(room: string, nick: string): void;
  /** Sends an encrypted groupchat message to the room, encrypted to `members`' devices (and our others). */
  roomSend(room: string, members: string[], body: string): void;
  /** Waits for the first event after index `from` matching `predicate`. */
  next(predicate: (event: PeerEvent) => boolean, what: string, from?: number): Promise<PeerEvent>;
  stop(): Promise<void>;
}

/** True when Debian's python3-omemo, python3-oldmemo and python3-slixmpp are importable. */
export async function pythonOmemoAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', 'import omemo, oldmemo, slixmpp'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

export async function startPythonOmemoPeer(
  server: ProsodyServer,
  user: { user: string; password: string },
  resource: string,
): Promise<PythonOmemoPeer> {
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost/${resource}`, user.password, server.host, String(server.port), server.caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: PeerEvent[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line) as PeerEvent);
    }
  });
  child.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = async (predicate: (event: PeerEvent) => boolean, what: string, from = 0) => {
    try {
      await waitUntil(what, () => events.slice(from).some(predicate) || child.exitCode !== null, 30_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nevents: ${JSON.stringify(events)}\nstderr: ${stderr}`);
    }
    const found = events.slice(from).find(predicate);
    if (!found) throw new Error(`python peer exited while waiting for ${what}\nstderr: ${stderr}`);
    return found;
  };
  const command = (value: object) => child.stdin!.write(`${JSON.stringify(value)}\n`);

  const ready = await next((e) => e.event === 'ready', `${user.user}/${resource} ready`);
  return {
    deviceId: ready.device_id as number,
    events,
    send: (to, body) => command({ cmd: 'send', to, body }),
    refresh: (jid) => command({ cmd: 'refresh', jid }),
    sendFile: (to, name, data, ivBytes = 12) =>
      command({ cmd: 'send_file', to, name, data: data.toString('base64'), iv_bytes: ivBytes }),
    fetchFile: (url) => command({ cmd: 'fetch_file', url }),
    join: (room, nick) => command({ cmd: 'join', room, nick }),
    roomSend: (room, members, body) => command({ cmd: 'room_send', room, members, body }),
    next,
    async stop() {
      if (child.exitCode === null) {
        command({ cmd: 'quit' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
