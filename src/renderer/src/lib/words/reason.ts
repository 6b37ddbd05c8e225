/**
 * A reason in words by one rule: its sentence is the catalog's `errors.<reason>`, filled with the
 * reason's own parameters (the texts and numbers among them). A domain gives its own words only to the
 * few reasons that need more: a parameter to word first (a size, a cause, a condition the server may
 * leave out), or words chosen by a parameter. The type of that table names every reason the catalog
 * has no `errors.<reason>` for, so tsc refuses a reason left without words.
 */
import type { ConnectionReason, ErrorReason } from '../../../../shared/errors';
import { i18n, t, type MessageKey, type MessageParams } from '../../i18n';

type Reason = ErrorReason | ConnectionReason;

/** The reasons whose sentence is the catalog's `errors.<reason>`. */
export type CatalogReason = { [R in Reason]: `errors.${R}` extends MessageKey ? R : never }[Reason];

type Words<E, R> = (error: Extract<E, { reason: R }>, inField: boolean) => string;

/**
 * A domain's own words, by reason, for errors of type `E`; `inField`: the error is shown on the form field
 * it concerns. A reason without an `errors.<reason>` sentence must have its words here.
 */
export type OwnWords<E extends { reason: Reason }> = { readonly [R in E['reason']]?: Words<E, R> } & {
  readonly [R in Exclude<E['reason'], CatalogReason>]: Words<E, R>;
};

/** The error in one sentence: its own words if its domain gives some, else its catalog sentence. */
export function reasonText<E extends { reason: Reason; params?: object }>(
  error: E,
  own: OwnWords<E>,
  inField = false,
): string {
  const words = (own as Partial<Record<Reason, (error: E, inField: boolean) => string>>)[error.reason];
  if (words) return words(error, inField);
  const key = `errors.${error.reason}` as MessageKey;
  // A reason this renderer does not know (a newer core): say so rather than show a key.
  if (!i18n.global.te(key, 'en')) return t('errors.unknown', { reason: error.reason });
  return t(key, sentenceParams(error.params));
}

/** A reason's parameters as a sentence takes them: its texts and numbers (nothing absent, null or nested). */
export function sentenceParams(params: object | undefined): MessageParams {
  const out: MessageParams = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') out[name] = value;
  }
  return out;
}
