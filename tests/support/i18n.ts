/**
 * Finding English left on a screen: the phrases of the English catalog (the words between its
 * placeholders) that a translation does not also use, and English function words, looked for in
 * every visible text and in the names and hints people hear or read (aria-label, title, placeholder).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { ROOT } from './web';

type Catalog = { [key: string]: string | Catalog };

const LOCALES = path.join(ROOT, 'src/renderer/src/locales');

function messages(catalog: Catalog): string[] {
  return Object.values(catalog).flatMap((value) => (typeof value === 'string' ? [value] : messages(value)));
}

/** A catalog's messages, read from its domain files, src/renderer/src/locales/<locale>/*.json. */
export function catalogMessages(locale: string): string[] {
  const dir = path.join(LOCALES, locale);
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => messages(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Catalog));
}

/**
 * English phrases that must not show in `locale`: each stretch of an English message between its
 * placeholders and plural bars with a word of four letters or more. A single word the translation
 * uses too may show ("Jabberwock", "Offline", "example.org", "Contacts" in French…); a phrase of several
 * words may not.
 */
export function englishPhrases(locale: string): string[] {
  const translated = catalogMessages(locale).join('\n');
  const phrases = new Set<string>();
  for (const message of catalogMessages('en')) {
    for (const piece of message.split(/\{[^}]*\}|\|/)) {
      const phrase = piece.trim().replace(/^[\s.,;:!?()“”"'—–-]+|[\s.,;:!?()“”"'—–…-]+$/g, '');
      const oneWord = !/\s/.test(phrase) || (phrase.match(/\p{L}+/gu) ?? []).length === 1;
      const cognate = oneWord && translated.includes(phrase);
      if (/\p{L}{4,}/u.test(phrase) && !cognate) phrases.add(phrase);
    }
  }
  return [...phrases].sort((a, b) => b.length - a.length);
}

/** English words no translation uses; one in a sentence means English was left in it. */
const ENGLISH_WORDS = /\b(the|your|you|and|with|this|that|from|is|are|not|to|of)\b/i;

/** Every visible text node and every aria-label, title and placeholder on the page (open dialogs included). */
export function visibleTexts(page: Page): Promise<string[]> {
  // A string, run in the page: this project's types know no DOM.
  return page.evaluate(`(() => {
    const out = [];
    const visible = (element) => element.checkVisibility({ visibilityProperty: true });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      if (text && node.parentElement && visible(node.parentElement)) out.push(text);
    }
    for (const element of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (!visible(element)) continue;
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = (element.getAttribute(name) || '').trim();
        if (value) out.push(value);
      }
    }
    return out;
  })()`);
}

/** What on the page is still English, with the phrase or word that gave it away; `data` is what people typed. */
export async function englishLeft(page: Page, locale: string, data: readonly string[]): Promise<string[]> {
  const phrases = englishPhrases(locale);
  const found: string[] = [];
  for (const raw of await visibleTexts(page)) {
    let text = raw;
    for (const typed of data) text = text.split(typed).join(' ');
    const phrase = phrases.find((candidate) => text.includes(candidate));
    const word = ENGLISH_WORDS.exec(text)?.[0];
    if (phrase || word) found.push(`${raw}  ←  ${phrase ?? word}`);
  }
  return [...new Set(found)];
}
