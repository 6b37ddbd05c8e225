/**
 * The renderer's words: one vue-i18n instance (composition API) holding the catalogs under
 * ../locales/<language>/<domain>.json (English is the source; the others are loaded when chosen,
 * i18n/catalogs.ts), and `t`,
 * the one function components, stores and lib/words/ word things with. English is always loaded and
 * is what a missing key falls back to. Nothing here touches the DOM (lib/words runs under Node in the
 * core's tests); i18n/locale.ts applies the chosen language to the document.
 */
import { createI18n } from 'vue-i18n';
import { UI_LANGUAGES } from '../../../shared/languages';
import accounts from '../locales/en/accounts.json';
import chat from '../locales/en/chat.json';
import common from '../locales/en/common.json';
import encryption from '../locales/en/encryption.json';
import control from '../locales/en/control.json';
import errors from '../locales/en/errors.json';
import muc from '../locales/en/muc.json';
import profile from '../locales/en/profile.json';
import presence from '../locales/en/presence.json';
import roster from '../locales/en/roster.json';
import subscriptions from '../locales/en/subscriptions.json';
import timeline from '../locales/en/timeline.json';
import reading from '../locales/en/reading.json';
import files from '../locales/en/files.json';
import filesMore from '../locales/en/filesMore.json';
import replies from '../locales/en/replies.json';
import history from '../locales/en/history.json';
import omemoFiles from '../locales/en/omemoFiles.json';
import omemoRoom from '../locales/en/omemoRoom.json';
import { pluralRule } from './plural';

/** English, every domain's file (a new domain file is imported here). */
const en = {
  ...common,
  ...errors,
  ...accounts,
  ...presence,
  ...roster,
  ...subscriptions,
  ...muc,
  ...chat,
  ...encryption,
  ...profile,
  ...control,
  ...timeline,
  ...reading,
  ...files,
  ...filesMore,
  ...replies,
  ...history,
  ...omemoFiles,
  ...omemoRoom,
};

export type Messages = typeof en;

/** Every key of the English catalog, dotted: 'roster.title', 'errors.account.notFound'. */
export type MessageKey = Leaves<Messages>;
type Leaves<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${Leaves<T[K]>}`;
}[keyof T & string];

/** What a message's placeholders are filled with: text (a name, a worded part) or a number. */
export type MessageParams = Record<string, string | number>;

/** A developer's pseudo-locale for checking right-to-left layout: English, mirrored (i18n/catalogs.ts). */
export const PSEUDO_RTL = 'ar-XB';

/** The locales the instance knows plural rules for: the shipped ones and the pseudo-locale. */
const PLURAL_LOCALES = [...UI_LANGUAGES, PSEUDO_RTL];

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en } as Record<string, Messages>,
  // Plurals follow Intl.PluralRules: a message lists its forms in CLDR's order (one | few | many | other).
  pluralRules: Object.fromEntries(PLURAL_LOCALES.map((locale) => [locale, pluralRule(locale)])),
  missingWarn: false,
  fallbackWarn: false,
});

/** The locale the UI speaks now ('en', 'de', …); reading it makes a computed or a render follow it. */
export function currentLocale(): string {
  return i18n.global.locale.value;
}

/** Languages written right to left (their primary subtag). */
const RTL_LANGUAGES = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb']);

export function localeDirection(locale: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.split('-')[0].toLowerCase()) ? 'rtl' : 'ltr';
}

// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, …, and their presentation forms).
const RTL_TEXT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|\ud802[\udc00-\udfff]|\ud83a[\udc00-\udfff]/;
const FSI = '\u2068';
const PDI = '\u2069';

/**
 * Parameters as they go into a sentence: a number written for the locale ("10,000", "10 000"), a text
 * isolated (FSI … PDI) so that a name in another script can neither reorder the words around it nor
 * be reordered by them: always in a right-to-left UI, and in a left-to-right one when it holds
 * right-to-left letters (a Latin name in English needs nothing).
 */
function prepared(params: MessageParams | undefined): MessageParams {
  if (!params) return {};
  const rtlUi = localeDirection(currentLocale()) === 'rtl';
  const out: MessageParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number') out[name] = countText(value);
    else out[name] = value !== '' && (rtlUi || RTL_TEXT.test(value)) ? FSI + value + PDI : value;
  }
  return out;
}

let numberFormat: { locale: string; format: Intl.NumberFormat } | undefined;

function countText(count: number): string {
  const locale = currentLocale();
  if (numberFormat?.locale !== locale) numberFormat = { locale, format: new Intl.NumberFormat(locale) };
  return numberFormat.format.format(count);
}

/**
 * Words already made, by locale: a message, its key and its parameters give the same text until the
 * language or its catalog changes. vue-i18n formats each call anew (about 0.2 ms), and the roster's
 * first screen and every scroll word the same few things over and over (group headers, status
 * words, badges). Bounded: parameters such as names can make any number of distinct texts.
 */
const MEMO_LIMIT = 2000;
const memo = new Map<string, string>();
let memoLocale = '';
let memoMessages: unknown = null;

function remembered(cacheKey: string, word: () => string): string {
  // Reading the locale makes a computed or a render that words something follow a change of language.
  const locale = currentLocale();
  const messages = i18n.global.messages.value[locale];
  if (locale !== memoLocale || messages !== memoMessages || memo.size >= MEMO_LIMIT) {
    memo.clear();
    memoLocale = locale;
    memoMessages = messages;
  }
  let text = memo.get(cacheKey);
  if (text === undefined) {
    text = word();
    memo.set(cacheKey, text);
  }
  return text;
}

/**
 * The message `key` in the current language, its `{name}` placeholders filled from `params` (a number
 * written for the locale; a port or a code that is no quantity is passed as text).
 * With a `count`, the message is a plural (`one | other`, Russian `one | few | many | other`): the
 * form is chosen by Intl's plural rules and `{count}` is the number written for the locale.
 */
export function t(key: MessageKey, params?: MessageParams): string;
export function t(key: MessageKey, count: number, params?: MessageParams): string;
export function t(key: MessageKey, countOrParams?: number | MessageParams, maybeParams?: MessageParams): string {
  if (typeof countOrParams === 'number') {
    const count = countOrParams;
    return remembered(`${key}#${count}${maybeParams ? JSON.stringify(maybeParams) : ''}`, () =>
      i18n.global.t(key, { count: countText(count), ...prepared(maybeParams) }, count),
    );
  }
  return remembered(countOrParams ? key + JSON.stringify(countOrParams) : key, () =>
    i18n.global.t(key, prepared(countOrParams)),
  );
}
