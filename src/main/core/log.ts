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
