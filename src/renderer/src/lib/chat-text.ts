/**
 * Message text for display: links found in plain text (only http and https, never javascript:,
 * data:, file: or anything else), /me actions (XEP-0245), day keys for separators. Pure functions:
 * the view renders the pieces as text nodes and buttons, never as HTML.
 */
import { currentLocale, t } from '../i18n';
import { formatDay, formatTime } from '../i18n/format';

export type TextPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string; host: string };

/** Longest URL turned into a link; anything longer stays text. */
const MAX_URL = 4096;
// A scheme of http or https, then anything up to whitespace or characters that end a URL in prose.
// Backslashes are excluded: some parsers read them as slashes and the URL would not be what it shows.
// eslint-disable-next-line no-control-regex
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`\\\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/giu;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/u;

/**
 * The link a user can open, or null: http(s) only, with a host, without user or password in it.
 * Returns the normalised href and the host (punycode, so look-alike hosts show as such).
 */
export function safeLink(raw: string): { href: string; host: string } | null {
  if (raw.length === 0 || raw.length > MAX_URL) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return null;
  if (!/^https?:\/\/[^/]/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname.length === 0 || url.username !== '' || url.password !== '') return null;
  return { href: url.href, host: url.host };
}

/** Splits text into plain pieces and http(s) links (closing punctuation stays text, balanced parentheses stay in). */
export function splitLinks(text: string): TextPiece[] {
  const out: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    let candidate = match[0];
    // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style links).
    const trailing = TRAILING.exec(candidate);
    if (trailing) {
      let cut = trailing[0];
      const opens = (candidate.match(/\(/g) ?? []).length;
      const closes = (candidate.slice(0, candidate.length - cut.length).match(/\)/g) ?? []).length;
      if (cut.startsWith(')') && opens > closes) cut = cut.slice(1);
      candidate = candidate.slice(0, candidate.length - cut.length);
    }
    const link = safeLink(candidate);
    if (!link) continue;
    if (start > at) out.push({ kind: 'text', text: text.slice(at, start) });
    out.push({ kind: 'link', text: candidate, href: link.href, host: link.host });
    at = start + candidate.length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

/** XEP-0245: a body starting with "/me " is an action; returns the rest, or null. */
export function meAction(body: string): string | null {
  return body.startsWith('/me ') ? body.slice(4) : null;
}

/** A local calendar day, for day separators: "2026-11-21". */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Today", "Yesterday", or the date in words, in the UI's language. */
export function dayLabel(at: number, now = Date.now()): string {
  const key = dayKey(at);
  if (key === dayKey(now)) return t('chat.today');
  if (key === dayKey(now - 86_400_000)) return t('chat.yesterday');
  return formatDay(at);
}

/**
 * Times worded, by minute since the epoch (a minute is the same local minute in every zone of whole
 * minutes): a page of messages sent close together words only a few. Cleared when the language
 * changes, and when it grows past MAX_TIMES (a long archive is many minutes).
 */
const timesByMinute = new Map<number, string>();
let timesLocale = '';
const MAX_TIMES = 4096;

/** "14:05" or "2:05 PM", as the UI's language writes the time. */
export function timeText(at: number): string {
  const locale = currentLocale();
  if (locale !== timesLocale) {
    timesByMinute.clear();
    timesLocale = locale;
  }
  const minute = Math.floor(at / 60_000);
  let text = timesByMinute.get(minute);
  if (text === undefined) {
    if (timesByMinute.size >= MAX_TIMES) timesByMinute.clear();
    text = formatTime(at);
    timesByMinute.set(minute, text);
  }
  return text;
}

/** "(3) Jabberwock": the window title with the unread total. */
export function windowTitle(unread: number, base = 'Jabberwock'): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${base}` : base;
}
