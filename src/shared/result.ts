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
  /** Field-level messages for form validation, keyed by input field name. */
  fields?: Record<string, string>;
  /** What exactly went wrong, as a code with parameters the renderer can word (e.g. upload.tooLarge, limit). */
  detail?: ErrorDetail;
}

export interface ErrorDetail {
  code: string;
  params: Record<string, string | number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, fields?: Record<string, string>): Result<T> {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

/** A failure with a detail code and parameters for the renderer to word. */
export function failWith<T = never>(code: ErrorCode, message: string, detail: ErrorDetail): Result<T> {
  return { ok: false, error: { code, message, detail } };
}
