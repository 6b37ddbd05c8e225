/**
 * Starts a real Prosody for a test run: its own temporary directory, a generated CA and server
 * certificate, a free c2s port on 127.0.0.1, users created with prosodyctl. Nothing is shared with
 * the system installation (/etc/prosody, /var/lib/prosody stay untouched).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProsodyUser {
  user: string;
  password: string;
}

export interface ProsodyOptions {
  users?: ProsodyUser[];
  /** Offer STARTTLS and require it (default true). False gives a server that cannot encrypt at all. */
  starttls?: boolean;
  /** Serve a self-signed certificate that the test CA did NOT issue (for certificate pinning tests). */
  selfSigned?: boolean;
}

export interface ProsodyServer {
  domain: 'localhost';
  mucDomain: 'conference.localhost';
  host: '127.0.0.1';
  /** The c2s port (STARTTLS). */
  port: number;
  /** PEM file of the generated test CA (trust it with the `ca` TLS option or NODE_EXTRA_CA_CERTS). */
  caFile: string;
  caPem: string;
  /** PEM of the certificate Prosody actually serves (CA-issued, or self-signed with `selfSigned`). */
  serverCertPem: string;
  /** Temporary directory holding config, certificates, data and log. */
  dir: string;
  logFile: string;
  register(user: string, password: string): Promise<void>;
  /** Terminates Prosody and removes the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Terminates Prosody (SIGTERM) but keeps its data; `start()` brings it back on the same port. */
  halt(): Promise<void>;
  /** Starts a halted or killed Prosody again on the same port and data. */
  start(): Promise<void>;
  /** halt() then start(). */
  restart(): Promise<void>;
  /** SIGKILL, no goodbye to clients (data kept; `start()` brings it back). */
  kill(): Promise<void>;
  /** True while the Prosody process runs. */
  readonly running: boolean;
}

export const DOMAIN = 'localhost';
export const MUC_DOMAIN = 'conference.localhost';

/** Environment for a Node process we spawn that must trust the test CA (Node reads it only at start). */
export function envTrustingCa(caFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, NODE_EXTRA_CA_CERTS: caFile };
}

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

export interface TestCa {
  caFile: string;
  caKeyFile: string;
  caPem: string;
}

/** Generates a test CA (EC P-256, valid 30 days) in `dir`. */
export async function createTestCa(dir: string, name = 'Jabberwock Test CA'): Promise<TestCa> {
  const caFile = path.join(dir, 'ca.pem');
  const caKeyFile = path.join(dir, 'ca.key');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', caKeyFile, '-out', caFile, '-days', '30', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return { caFile, caKeyFile, caPem: readFileSync(caFile, 'utf8') };
}

export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
}

function sanFor(hostnames: string[]): string {
  return [...hostnames.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
}

/** Issues a server certificate for `hostnames` (first one is the CN) signed by `ca`. */
export async function issueServerCert(
  dir: string,
  ca: TestCa,
  hostnames: string[],
  baseName = 'server',
): Promise<IssuedCert> {
  const keyFile = path.join(dir, `${baseName}.key`);
  const csrFile = path.join(dir, `${baseName}.csr`);
  const certFile = path.join(dir, `${baseName}.pem`);
  const extFile = path.join(dir, `${baseName}.ext`);
  writeFileSync(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${sanFor(hostnames)}`,
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${hostnames[0]}`,
  ]); // prettier-ignore
  await run('openssl', [
    'x509', '-req', '-in', csrFile, '-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-CAcreateserial',
    '-out', certFile, '-days', '30', '-extfile', extFile,
  ]); // prettier-ignore
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

/** A self-signed certificate for `hostnames`, issued by nobody we trust. */
export async function createSelfSignedCert(
  dir: string,
  hostnames: string[],
  baseName = 'selfsigned',
): Promise<IssuedCert> {
  const keyFile = path.join(dir, `${baseName}.key`);
  const certFile = path.join(dir, `${baseName}.pem`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/CN=${hostnames[0]}`,
    '-addext', `subjectAltName=${sanFor(hostnames)}`,
  ]); // prettier-ignore
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

function lua(value: string): string {
  return JSON.stringify(value); // a JSON string is a valid Lua string literal for our paths
}

function prosodyConfig(dir: string, port: number, cert: IssuedCert, starttls: boolean): string {
  const ssl = `ssl = { certificate = ${lua(cert.certFile)}, key = ${lua(cert.keyFile)} }`;
  const modules = [
    'roster', 'saslauth', 'disco', 'carbons', 'mam', 'pep', 'private', 'bookmarks', 'blocklist',
    'vcard', 'smacks', 'ping', 'time', 'version', 'uptime', 'posix',
    ...(starttls ? ['tls'] : []),
  ]; // prettier-ignore
  return `-- Generated by tests/support/prosody.ts
run_as_root = true
daemonize = false
pidfile = ${lua(path.join(dir, 'prosody.pid'))}
data_path = ${lua(path.join(dir, 'data'))}
certificates = ${lua(path.join(dir, 'certs'))}
log = { { levels = { min = "info" }, to = "file", filename = ${lua(path.join(dir, 'prosody.log'))} } }
plugin_paths = {}
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_direct_tls_ports = {}
s2s_ports = {}
s2s_direct_tls_ports = {}
component_ports = {}
http_ports = {}
https_ports = {}
modules_enabled = { ${modules.map(lua).join(', ')} }
modules_disabled = { "s2s", "offline" }
c2s_require_encryption = ${starttls ? 'true' : 'false'}
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"
roster_versioning = true
archive_expires_after = "1w"
smacks_hibernation_time = 60
${ssl}

VirtualHost "localhost"
  ${ssl}

Component "conference.localhost" "muc"
  modules_enabled = { "muc_mam" }
  restrict_room_creation = false
  ${ssl}
`;
}

async function waitForPort(port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('Prosody exited during startup');
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Prosody did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startProsody(opts: ProsodyOptions = {}): Promise<ProsodyServer> {
  installExitHandler();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jabberwock-prosody-'));
  liveDirs.add(dir);
  mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
  mkdirSync(path.join(dir, 'certs')); // stays empty: each host names its files in `ssl`
  const starttls = opts.starttls ?? true;
  try {
    const ca = await createTestCa(dir);
    const hostnames = [DOMAIN, MUC_DOMAIN];
    const cert = opts.selfSigned
      ? await createSelfSignedCert(dir, hostnames)
      : await issueServerCert(dir, ca, hostnames);
    const port = await freePort();
    const configFile = path.join(dir, 'prosody.cfg.lua');
    const logFile = path.join(dir, 'prosody.log');
    writeFileSync(configFile, prosodyConfig(dir, port, cert, starttls));

    let proc: ChildProcess | null = null;
    let output = '';
    let stopped = false;

    const register = async (user: string, password: string) => {
      await run('prosodyctl', ['--config', configFile, 'register', user, DOMAIN, password]);
    };

    const spawnProsody = async () => {
      output = '';
      const child = spawn('prosody', ['--config', configFile, '-F'], {
        cwd: dir,
        detached: true, // own process group, so stop() can kill everything it started
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = child;
      if (child.pid) liveGroups.add(child.pid);
      child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
      child.once('exit', () => {
        if (child.pid) liveGroups.delete(child.pid);
      });
      try {
        await waitForPort(port, child, 15_000);
      } catch (err) {
        let log = '';
        try {
          log = readFileSync(logFile, 'utf8').slice(-4000);
        } catch {
          // no log yet
        }
        await terminate('SIGKILL');
        throw new Error(`${(err as Error).message}\n--- output ---\n${output}\n--- log ---\n${log}`);
      }
    };

    const terminate = async (signal: NodeJS.Signals) => {
      const child = proc;
      proc = null;
      if (!child || child.pid === undefined) return;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const pid = child.pid;
      const killGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          // group already gone
        }
      };
      killGroup(signal);
      const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      killGroup('SIGKILL'); // anything Prosody might have left in its group
      liveGroups.delete(pid);
    };

    for (const u of opts.users ?? []) await register(u.user, u.password);
    await spawnProsody();

    const server: ProsodyServer = {
      domain: DOMAIN,
      mucDomain: MUC_DOMAIN,
      host: '127.0.0.1',
      port,
      caFile: ca.caFile,
      caPem: ca.caPem,
      serverCertPem: cert.certPem,
      dir,
      logFile,
      register,
      get running() {
        return proc !== null && proc.exitCode === null && proc.signalCode === null;
      },
      async halt() {
        await terminate('SIGTERM');
      },
      async kill() {
        await terminate('SIGKILL');
      },
      async start() {
        if (stopped) throw new Error('Prosody was stopped for good; start a new one');
        if (server.running) return;
        await spawnProsody();
      },
      async restart() {
        await server.halt();
        await server.start();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await terminate('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
        liveDirs.delete(dir);
      },
    };
    return server;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw err;
  }
}
