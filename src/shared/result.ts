/** The small set of error codes the UI knows how to explain. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_connected'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'timeout'
  | 'untrusted_sender'
  /** The data could not be saved (disk full, I/O error, …): nothing was half-saved. */
  | 'storage'
  | 'internal';

export interface AppError {
  code: ErrorCode;
  message: string;
  /** What exactly went wrong as a stable dotted code ('blocklist.unsupported'); the renderer words it. */
  reason?: string;
  params?: Record<string, string | number>;
  /** Field-level messages for form validation, keyed by input field name. */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, fields?: Record<string, string>): Result<T> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

/** A failure with a stable dotted reason and its parameters (`message` is the English fallback for logs). */
export function failWith<T = never>(
  code: ErrorCode,
  reason: string,
  message: string,
  params?: Record<string, string | number>,
  fields?: Record<string, string>,
): Result<T> {
  return {
    ok: false,
    error: { code, message, reason, ...(params ? { params } : {}), ...(fields ? { fields } : {}) },
  };
}
