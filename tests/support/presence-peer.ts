/**
 * Drives tests/support/presence_peer.py (slixmpp, an independent client): one contact online from
 * several devices, each its own connection with its own caps, changing its presence and leaving
 * on command. Commands in on stdin, events out on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process';
import { waitUntil } from './wait';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'presence_peer.py');

export interface DevicePresence {
  show?: 'away' | 'chat' | 'dnd' | 'xa';
  status?: string;
  priority?: number;
  /** The client name and device type its caps (disco identity) announce, when it connects. */
  client?: string;
  type?: 'pc' | 'phone' | 'web' | 'bot' | 'console' | 'handheld';
  /** An XEP-0319 idle time, sent as given (a DateTime, or anything a test forges). */
  idle?: string;
}

export interface PresencePeer {
  /** Brings the resource online (connecting it first) or changes its presence; resolves once sent. */
  online(resource: string, presence?: DevicePresence): Promise<void>;
  /** Sends unavailable from the resource and disconnects it. */
  offline(resource: string, status?: string): Promise<void>;
  stop(): Promise<void>;
}

/** True when Debian's python3-slixmpp is importable. */
export async function slixmppAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', 'import slixmpp'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

export function startPresencePeer(server: TestServer, user: { user: string; password: string }): PresencePeer {
  const child: ChildProcess = spawn(
    '/usr/bin/python3',
    [SCRIPT, `${user.user}@localhost`, user.password, server.host, String(server.port), server.caFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: { event: string; resource?: string; error?: string }[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line) as (typeof events)[number]);
    }
  });
  child.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const command = (value: object) => child.stdin!.write(`${JSON.stringify(value)}\n`);

  /** Sends a command and waits for its answer (or an error, which fails the test). */
  async function run(value: object, answer: string, resource: string): Promise<void> {
    const from = events.length;
    command(value);
    const found = () =>
      events.slice(from).find((e) => e.event === 'error' || (e.event === answer && e.resource === resource));
    try {
      await waitUntil(
        `${user.user}/${resource} ${answer}`,
        () => found() !== undefined || child.exitCode !== null,
        30_000,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstderr: ${stderr}`);
    }
    const event = found();
    if (!event || event.event === 'error')
      throw new Error(`presence peer: ${event?.error ?? 'exited'}\nstderr: ${stderr}`);
  }

  return {
    online: (resource, presence = {}) => run({ cmd: 'online', resource, ...presence }, 'sent', resource),
    offline: (resource, status) => run({ cmd: 'offline', resource, status }, 'offline', resource),
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
