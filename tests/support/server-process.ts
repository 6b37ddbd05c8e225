/**
 * What every real test server shares: the shape the tests use (`TestServer`), a free port, and a
 * server process in its own process group that is started, waited for, stopped and, whatever
 * happens to the test run, killed with everything it spawned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';

export type ServerKind = 'prosody' | 'ejabberd';

/** A real XMPP server started for a test file, on 127.0.0.1 with its own CA, data and log. */
export interface TestServer {
  kind: ServerKind;
  /** "Prosody" or "ejabberd", for test names. */
  name: string;
  domain: 'localhost';
  mucDomain: 'conference.localhost';
  host: '127.0.0.1';
  /** The c2s port (STARTTLS). */
  port: number;
  /** PEM file of the generated test CA (trust it with the `ca` TLS option or NODE_EXTRA_CA_CERTS). */
  caFile: string;
  caPem: string;
  /** PEM of the certificate the server actually serves (CA-issued, or self-signed with `selfSigned`). */
  serverCertPem: string;
  /** Temporary directory holding config, certificates, data and log. */
  dir: string;
  logFile: string;
  register(user: string, password: string): Promise<void>;
  /** Terminates the server and removes the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Terminates the server (politely) but keeps its data; `start()` brings it back on the same port. */
  halt(): Promise<void>;
  /** Starts a halted or killed server again on the same port and data. */
  start(): Promise<void>;
  /** halt() then start(). */
  restart(): Promise<void>;
  /** SIGKILL, no goodbye to clients (data kept; `start()` brings it back). */
  kill(): Promise<void>;
  /** True while the server process runs. */
  readonly running: boolean;
  /** With the `httpUpload` option. */
  upload?: TestUploadService;
}

export interface TestUser {
  user: string;
  password: string;
}

export interface TestServerOptions {
  users?: TestUser[];
  /** Offer STARTTLS and require it (default true). False gives a server that cannot encrypt at all. */
  starttls?: boolean;
  /** Serve a self-signed certificate that the test CA did NOT issue (for certificate pinning tests). */
  selfSigned?: boolean;
  /**
   * HTTP File Upload (XEP-0363) on `upload.localhost` (Prosody's mod_http_file_share), served over
   * HTTPS on a free loopback port with a certificate from the test CA. Prosody only. `externalPort`:
   * the port the slots' addresses name instead (a proxy in front of it, such as throttle-proxy.ts).
   */
  httpUpload?: { sizeLimit: number; dailyQuota?: number; externalPort?: number };
}

/** The upload service a server was started with (`httpUpload`). */
export interface TestUploadService {
  /** The service's JID: upload.localhost. */
  jid: string;
  /** https://localhost:PORT: where slots point. */
  origin: string;
  port: number;
  sizeLimit: number;
}

export const DOMAIN = 'localhost';
export const MUC_DOMAIN = 'conference.localhost';
export const UPLOAD_DOMAIN = 'upload.localhost';

/** Every process group we started, killed on exit even when a test run crashes. */
const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  const cleanup = () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    liveGroups.clear();
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
    liveDirs.clear();
  };
  process.on('exit', cleanup);
  // 'exit' does not run when a signal ends the process: clean up, then let the signal do its work.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Removes `dir` when the test process exits, unless `forgetDir` was called first. */
export function removeDirOnExit(dir: string): void {
  installExitHandler();
  liveDirs.add(dir);
}

export function forgetDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/** Finds a free TCP port on 127.0.0.1 by listening on port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(name: string, port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited during startup`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${name} did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ServerProcessOptions {
  /** For messages: "Prosody". */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The process counts as started once this port on 127.0.0.1 accepts connections. */
  port: number;
  logFile: string;
  /**
   * The process that must get the polite SIGTERM, when it is not the one spawned (a wrapper script
   * that waits for it). The wrapper exits after it, so the whole group has stopped by then.
   */
  politeTarget?: () => number | undefined;
}

export interface ServerProcess {
  spawn(): Promise<void>;
  /** SIGTERM (then SIGKILL after 10 s) or SIGKILL, then SIGKILL to whatever is left in the group. */
  terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  readonly running: boolean;
}

/** A server process in its own process group, so that stopping it stops everything it started. */
export function serverProcess(options: ServerProcessOptions): ServerProcess {
  installExitHandler();
  let proc: ChildProcess | null = null;
  let output = '';

  const terminate = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const child = proc;
    proc = null;
    if (!child || child.pid === undefined) return;
    const pid = child.pid;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // group already gone
      }
    };
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const target = signal === 'SIGTERM' ? options.politeTarget?.() : undefined;
      if (target === undefined) {
        killGroup(signal);
      } else {
        try {
          process.kill(target, signal);
        } catch {
          killGroup(signal);
        }
      }
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // anything the server might have left in its group
    liveGroups.delete(pid);
  };

  return {
    async spawn() {
      output = '';
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        detached: true, // own process group, so terminate() can kill everything it started
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = child;
      if (child.pid) liveGroups.add(child.pid);
      child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      try {
        await waitForPort(options.name, options.port, child, 20_000);
      } catch (err) {
        let log = '';
        try {
          log = readFileSync(options.logFile, 'utf8').slice(-4000);
        } catch {
          // no log yet
        }
        await terminate('SIGKILL');
        throw new Error(`${(err as Error).message}\n--- output ---\n${output}\n--- log ---\n${log}`);
      }
    },
    terminate,
    get running() {
      return proc !== null && proc.exitCode === null && proc.signalCode === null;
    },
  };
}

/** How a test server's process is stopped and started again: the same for every server. */
export type ServerLifecycle = Pick<TestServer, 'stop' | 'halt' | 'start' | 'restart' | 'kill'>;

/**
 * The lifecycle of the server `proc` runs with its data in `dir` (`name` for messages): stop() is for
 * good (the directory goes, a later start() throws); halt() and kill() keep the data for start().
 */
export function serverLifecycle(name: string, proc: ServerProcess, dir: string): ServerLifecycle {
  let stopped = false;
  const lifecycle: ServerLifecycle = {
    async halt() {
      await proc.terminate('SIGTERM');
    },
    async kill() {
      await proc.terminate('SIGKILL');
    },
    async start() {
      if (stopped) throw new Error(`${name} was stopped for good; start a new one`);
      if (proc.running) return;
      await proc.spawn();
    },
    async restart() {
      await lifecycle.halt();
      await lifecycle.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.terminate('SIGTERM');
      forgetDir(dir);
    },
  };
  return lifecycle;
}
