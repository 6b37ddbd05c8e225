/**
 * What every command returns: a value, or an error as codes and parameters (errors.ts) that the
 * renderer words.
 */
import type { AppError, AppErrorOf, ErrorCode, ErrorParams, ErrorReason, ParamsArg } from './errors';

export type { AppError, ErrorCode } from './errors';

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** An error: its code, its reason and the reason's parameters. */
export function appError<R extends ErrorReason>(
  code: ErrorCode,
  reason: R,
  ...params: ParamsArg<ErrorParams, R>
): AppErrorOf<R> {
  return (params.length > 0 ? { code, reason, params: params[0] } : { code, reason }) as AppErrorOf<R>;
}

export function fail<R extends ErrorReason>(
  code: ErrorCode,
  reason: R,
  ...params: ParamsArg<ErrorParams, R>
): Result<never> {
  return { ok: false, error: appError(code, reason, ...params) };
}

/** An error about one field of the command's input (the form shows it there). */
export function failIn<R extends ErrorReason>(
  field: string,
  code: ErrorCode,
  reason: R,
  ...params: ParamsArg<ErrorParams, R>
): Result<never> {
  return { ok: false, error: { ...appError(code, reason, ...params), field } };
}
