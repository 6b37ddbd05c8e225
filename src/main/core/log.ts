/**
 * A small logger for the core. Everything goes through `redact`, so passwords and SASL payloads
 * never reach a log file even when a caller passes a stanza or an error that contains one.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
  child(scope: string): Logger;
}

const SECRET_KEYS = /pass(word)?|secret|token|auth|credential/i;
const SECRET_ELEMENTS = /<(auth|response|challenge|success|password)\b[^>]*>[\s\S]*?<\/\1>/gi;

/** Returns a copy of `value` with secret-looking fields and SASL/password elements blanked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return value.replace(SECRET_ELEMENTS, '<$1>[redacted]</$1>');
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LogSink {
  (level: LogLevel, scope: string, message: string, details?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(sink: LogSink, minLevel: LogLevel = 'info', scope = 'core'): Logger {
  const emit = (level: LogLevel, message: string, details?: unknown) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    sink(level, scope, message, details === undefined ? undefined : redact(details));
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
    child: (child) => createLogger(sink, minLevel, `${scope}:${child}`),
  };
}

/** Logs to stderr as one line per entry. */
export const consoleSink: LogSink = (level, scope, message, details) => {
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}`;
  process.stderr.write(details === undefined ? `${line}\n` : `${line} ${safeJson(details)}\n`);
};

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger: Logger = createLogger(() => {}, 'error');

export interface RateLimitedLogger {
  debug(key: string, message: string, details?: unknown): void;
  info(key: string, message: string, details?: unknown): void;
  warn(key: string, message: string, details?: unknown): void;
  error(key: string, message: string, details?: unknown): void;
}

export interface RateLimitOptions {
  /** One line per key per this many ms. Default one minute. */
  intervalMs?: number;
  now?: () => number;
}

/** Keys are kinds of event, not senders; the bound only matters if a caller keys by something unbounded. */
const MAX_KEYS = 1000;

/**
 * A logger for what a hostile or broken server can repeat thousands of times a second (dropped
 * forged stanzas, presences over a cap, ignored replies): the first line of a key is logged, the
 * repeats within the interval are only counted, and the next line logged for that key says how many
 * were left out (`dropped`).
 */
export function rateLimited(log: Logger, options: RateLimitOptions = {}): RateLimitedLogger {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const keys = new Map<string, { loggedAt: number; dropped: number }>();
  const emit = (level: LogLevel, key: string, message: string, details?: unknown) => {
    const t = now();
    const entry = keys.get(key);
    if (entry && t - entry.loggedAt < intervalMs) {
      entry.dropped++;
      return;
    }
    const dropped = entry?.dropped ?? 0;
    keys.delete(key); // re-inserted last: the map's order is the eviction order
    keys.set(key, { loggedAt: t, dropped: 0 });
    if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
    if (dropped === 0) return log[level](message, details);
    const counted =
      details === undefined
        ? { dropped }
        : typeof details === 'object' && details !== null && !Array.isArray(details)
          ? { ...details, dropped }
          : { details, dropped };
    log[level](`${message} (${dropped} more like it not logged)`, counted);
  };
  return {
    debug: (key, message, details) => emit('debug', key, message, details),
    info: (key, message, details) => emit('info', key, message, details),
    warn: (key, message, details) => emit('warn', key, message, details),
    error: (key, message, details) => emit('error', key, message, details),
  };
}
