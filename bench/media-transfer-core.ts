/**
 * The core's side of the transfer benchmark (media.bench.ts): a fresh messenger in a process of its
 * own uploads one large file to Prosody's mod_http_file_share (picked as main's file dialog would
 * hand it over), then downloads it again from the message it sent, and reports per phase the time,
 * the event-loop delay and the RSS (sampled every 10 ms). Nothing else runs in this process, so its
 * RSS is that of the core: the file must stream, never sit in memory whole.
 *
 * As a child: TRANSFER_CHILD='<TransferTarget as JSON>' in the environment; the result goes to the
 * parent over IPC as { run }.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { AccountView, AppEvent, MessageView, StagedFileView, TransferView } from '../src/shared/contract';
import { AccountSession } from '../src/main/core/accounts/session';
import { createMessenger } from '../src/main/core/messenger';
import { createMemorySecretStore } from '../src/main/core/secrets';
import { silentLogger } from '../src/main/core/log';

export interface TransferTarget {
  host: string;
  port: number;
  caPem: string;
  user: string;
  password: string;
  /** The file to upload. */
  file: string;
  /** Where the download is saved. */
  downloads: string;
  /** Who the file is sent to. */
  to: string;
  /**
   * The conversation is encrypted: the file goes up AES-256-GCM encrypted as it streams and comes
   * down decrypted (aesgcm:). The recipient has no OMEMO device, so the message itself waits; the
   * download reads the address from our stored message all the same.
   */
  encrypted?: boolean;
}

export interface TransferPhase {
  ms: number;
  megabytesPerSecond: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Highest RSS sampled during the phase. */
  peakRss: number;
  /** Transfer events the renderer would have received. */
  progressEvents: number;
}

export interface TransferRun {
  size: number;
  rssBeforeUpload: number;
  upload: TransferPhase;
  download: TransferPhase;
  /** The kernel's high-water mark of this process's RSS at the end (start-up included). */
  maxRss: number;
  /** The name the download was saved under. */
  savedAs: string;
}

export async function runTransfer(target: TransferTarget): Promise<TransferRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-bench-media-core-'));
  const events: AppEvent[] = [];
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: silentLogger,
    extraCa: target.caPem,
    downloadsDir: target.downloads,
    maxDownloadBytes: 1024 * 1024 * 1024,
    pickFiles: async () => [target.file],
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, { log: silentLogger, ca: target.caPem, resolveSrv: false }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
  const invoke = async <T>(command: string, input: unknown): Promise<T> => {
    const result = await messenger.invoke(command, input);
    if (!result.ok) throw new Error(`${command}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  };
  const account = await invoke<AccountView>('account.add', {
    jid: `${target.user}@localhost`,
    password: target.password,
    host: target.host,
    port: target.port,
  });
  await until(() => messenger.accounts.list()[0]?.connection.status === 'online');
  await until(() => messenger.roster.syncView(account.id).state === 'synced');
  const [picked] = await invoke<StagedFileView[]>('upload.pick', {});

  const transfer = (id: string) =>
    events
      .filter((event): event is Extract<AppEvent, { type: 'transfer' }> => event.type === 'transfer')
      .filter((event) => event.transfer.id === id);
  const measure = async (start: () => Promise<TransferView>): Promise<{ phase: TransferPhase; view: TransferView }> => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 10);
    histogram.enable();
    const began = performance.now();
    const { id } = await start();
    await until(() => {
      const state = transfer(id).at(-1)?.transfer.state;
      if (state === 'failed') throw new Error(JSON.stringify(transfer(id).at(-1)?.transfer.error));
      return state === 'done';
    });
    const ms = performance.now() - began;
    histogram.disable();
    clearInterval(sampler);
    const view = transfer(id).at(-1)!.transfer;
    return {
      view,
      phase: {
        ms: Math.round(ms),
        megabytesPerSecond: Math.round((picked.size / 1e6 / (ms / 1000)) * 10) / 10,
        eventLoopDelayP99Ms: Math.round((histogram.percentile(99) / 1e6) * 10) / 10,
        eventLoopDelayMaxMs: Math.round((histogram.max / 1e6) * 10) / 10,
        peakRss,
        progressEvents: transfer(id).length,
      },
    };
  };

  if (target.encrypted)
    await invoke('encryption.setEncrypted', { accountId: account.id, conversation: target.to, encrypted: true });
  const rssBeforeUpload = process.memoryUsage.rss();
  const uploaded = await measure(() =>
    invoke<TransferView>('upload.start', {
      accountId: account.id,
      conversation: target.to,
      kind: 'chat',
      file: picked.id,
    }),
  );
  let message: MessageView | undefined;
  await until(() => {
    const page = messenger.chat.history({ accountId: account.id, conversation: target.to, limit: 10 });
    message = page.ok ? page.value.find((m) => m.body === uploaded.view.url) : undefined;
    return message !== undefined;
  });
  const downloaded = await measure(() =>
    invoke<TransferView>('download.start', { accountId: account.id, messageId: message!.id }),
  );
  await messenger.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    size: picked.size,
    rssBeforeUpload,
    upload: uploaded.phase,
    download: downloaded.phase,
    maxRss: process.resourceUsage().maxRSS * 1024,
    savedAs: downloaded.view.name,
  };
}

async function until(predicate: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (process.env.TRANSFER_CHILD && process.send) {
  const target = JSON.parse(process.env.TRANSFER_CHILD) as TransferTarget;
  runTransfer(target).then(
    (run) => process.send!({ run }, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`transfer child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
