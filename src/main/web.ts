/**
 * `npm run web -- --port P --data DIR`: the core plus the browser bridge under plain Node, for UI
 * development and end-to-end tests. Prints exactly one line `ready <url>` on stdout once listening.
 *
 * There is no keychain here, so it behaves like Electron with only the basic_text backend:
 * passwords are kept for this run unless the user chose to store them in a plain file.
 * NODE_EXTRA_CA_CERTS (e.g. a test CA) is read by Node itself at start-up.
 */
import os from 'node:os';
import path from 'node:path';
import { createLogger, consoleSink } from './core/log';
import { createMessenger } from './core/messenger';
import { CONNECT_FALLBACK_MS } from './core/first-snapshot';
import { installProcessGuard } from './core/process-guard';
import { FileSecretStore } from './core/secrets';
import { startBridge } from './bridge/server';
import { warmUpBridge } from './bridge/warm-up';

interface WebArgs {
  port: number;
  dataDir: string;
}

/** The OS's per-user data directory, as Electron's app.getPath('appData') would give it. */
function defaultDataDir(): string {
  const home = os.homedir();
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(base, 'jabberwock-web');
}

function parseWebArgs(argv: string[]): WebArgs {
  const args: WebArgs = { port: 0, dataDir: defaultDataDir() };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535.');
      args.port = port;
    } else if (flag === '--data') {
      args.dataDir = path.resolve(value());
    } else {
      throw new Error(`Unknown argument ${argv[i]}. Usage: web [--port P] [--data DIR]`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseWebArgs(process.argv.slice(2));
  const log = createLogger(consoleSink);
  installProcessGuard(log.child('process'), { onUncaughtException: 'log' });
  const messenger = await createMessenger({
    dataDir: args.dataDir,
    secrets: new FileSecretStore(path.join(args.dataDir, 'secrets.json'), null),
    log,
    // A development and test bridge: downloads stay beside its data, never in the user's folder.
    downloadsDir: path.join(args.dataDir, 'Downloads'),
    connectAfterFirstSnapshotMs: CONNECT_FALLBACK_MS,
  });
  const bridge = await startBridge({
    messenger,
    rendererDir: path.join(__dirname, '../renderer'),
    port: args.port,
    host: '127.0.0.1',
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await bridge.close();
      await messenger.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  // The window's first HTML then meets warm code and no start-up garbage.
  await warmUpBridge(bridge.url);
  process.stdout.write(`ready ${bridge.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`jabberwock web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
