/**
 * Where a form's pictures come from: a dialog whose form may carry XEP-0221 media (a registration's
 * CAPTCHA) provides a loader that turns a `cid:` address into a picture the core checked; forms
 * without one say that the field's media is not shown.
 */
import type { InjectionKey } from 'vue';

/** A data URL of the picture at `uri`, or null when there is none to show. */
export type FormMediaLoader = (uri: string) => Promise<string | null>;

export const FORM_MEDIA: InjectionKey<FormMediaLoader> = Symbol('form media');
