/**
 * The last line of defence of the processes that run the core (the Electron main process, the
 * browser bridge and the headless client): a promise rejection nobody handled is logged and the
 * process keeps running. Node's default would end it, and with it every account and the UI, for
 * what is at worst one failed request. Every call site handles its own errors; this only catches
 * the ones a bug let through, so they are logged as errors, at most once a minute per message.
 *
 * An uncaught exception leaves the code that threw half-done; whether the process may go on is the
 * caller's choice: the app and the bridge keep the user's session (as Electron does after its error
 * dialog), the headless client ends with exit code 1 (a measurement from a damaged run is worthless).
 */
import { rateLimited, type Logger, type RateLimitOptions } from './log';

export interface ProcessGuardOptions {
  /** 'log': log and keep running; 'exit': log, then exit with code 1. */
  onUncaughtException: 'log' | 'exit';
  /** For tests (a fake clock). */
  rateLimit?: RateLimitOptions;
  /** Where 'exit' goes; process.exit unless a test says otherwise. */
  exit?: (code: number) => void;
  /** The process to guard; the current one unless a test says otherwise. */
  target?: NodeJS.EventEmitter;
}

/** The guard installed on each target: installing again replaces it (one pair of handlers, the newest logger). */
const installed = new WeakMap<NodeJS.EventEmitter, () => void>();

/** Installs the handlers; returns a function that removes them. */
export function installProcessGuard(log: Logger, options: ProcessGuardOptions): () => void {
  const target = options.target ?? process;
  installed.get(target)?.();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const limited = rateLimited(log, options.rateLimit);
  const describe = (reason: unknown) =>
    reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : { reason };

  const onRejection = (reason: unknown) => {
    const details = describe(reason);
    limited.error(
      `rejection:${String(details.name)}:${String(details.message ?? details.reason)}`,
      'unhandled promise rejection (kept running)',
      details,
    );
  };
  const onException = (error: unknown) => {
    const details = describe(error);
    if (options.onUncaughtException === 'exit') {
      log.error('uncaught exception; exiting', details);
      exit(1);
      return;
    }
    limited.error(
      `exception:${String(details.name)}:${String(details.message)}`,
      'uncaught exception (kept running)',
      details,
    );
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  const uninstall = () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
    if (installed.get(target) === uninstall) installed.delete(target);
  };
  installed.set(target, uninstall);
  return uninstall;
}
