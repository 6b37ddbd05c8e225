/**
 * Words that message rows show again and again (the menu button's name, a message state's words, a
 * link's title), worded once per language instead of at each row's mount: a view that jumped mounts
 * new rows every frame, and each t() is a catalog lookup and a message function's call. Reading
 * them makes a render or a computed follow the language, as t() does.
 */
import { currentLocale, t, type MessageKey } from '../../i18n';

let wordedFor = '';
const words = new Map<MessageKey, string>();

/** The message `key` (one without parameters) in the current language. */
export function rowWords(key: MessageKey): string {
  const locale = currentLocale();
  if (locale !== wordedFor) {
    words.clear();
    wordedFor = locale;
  }
  let text = words.get(key);
  if (text === undefined) {
    text = t(key);
    words.set(key, text);
  }
  return text;
}

const titles = new Map<string, string>();
let titlesFor = '';
/** Titles kept at most (the addresses of the rows drawn lately, in practice). */
const MAX_TITLES = 512;

/** A link's title ("Open …"), worded once per address and language. */
export function linkTitle(href: string): string {
  const locale = currentLocale();
  if (locale !== titlesFor || titles.size >= MAX_TITLES) {
    titles.clear();
    titlesFor = locale;
  }
  let title = titles.get(href);
  if (title === undefined) {
    title = t('chat.message.open', { url: href });
    titles.set(href, title);
  }
  return title;
}
