/**
 * What the composer gains for reading and writing: a draft per conversation kept in the store (so it
 * survives a restart), quoting a message into the composer, and paste as plain text only.
 */
import { onBeforeUnmount, reactive, watch, type Ref } from 'vue';
import type { Transport } from '../../api/types';

/** How long typing rests before the draft is written. */
const DRAFT_SAVE_MS = 400;

interface Place {
  accountId: string;
  conversation: string;
}

/**
 * Keeps `text` as the conversation's draft: loaded when the composer opens a conversation (unless
 * something is already written there), written a moment after typing stops and at once when the
 * conversation changes or the composer goes. Call it before anything that clears the text on a
 * change of conversation, so that the old text is written first. Nothing is kept while `paused`
 * (a correction of a sent message is no draft).
 */
export function useDraft(api: Transport, place: () => Place, text: Ref<string>, paused: () => boolean): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saved = '';
  let loading: Place | null = null;

  const save = (at: Place, value: string) => {
    clearTimeout(timer);
    timer = undefined;
    if (value === saved) return;
    saved = value;
    void api.invoke('draft.set', { accountId: at.accountId, conversation: at.conversation, text: value });
  };

  const load = async (at: Place) => {
    loading = at;
    saved = '';
    const result = await api.invoke('draft.get', { accountId: at.accountId, conversation: at.conversation });
    if (loading !== at) return; // another conversation opened meanwhile
    loading = null;
    if (!result.ok || result.value === null) return;
    saved = result.value;
    if (text.value === '') text.value = result.value;
  };

  watch(
    () => place(),
    (now, before) => {
      if (before && !paused()) save(before, text.value);
      void load(now);
    },
    { immediate: true, deep: true },
  );
  watch(text, (value) => {
    if (paused() || loading !== null) return;
    clearTimeout(timer);
    const at = { ...place() };
    timer = setTimeout(() => save(at, value), DRAFT_SAVE_MS);
  });
  onBeforeUnmount(() => {
    if (timer !== undefined && !paused()) save(place(), text.value);
  });
}

const quotes = reactive(new Map<string, string>());
const keyOf = (accountId: string, conversation: string) => `${accountId}\n${conversation}`;

/** The body as an XEP-0393 quote: each line behind "> ". */
export function quoted(body: string): string {
  return body
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

/** Asks the conversation's composer to quote a message (it adds the quote to what is written). */
export function quoteIntoComposer(accountId: string, conversation: string, body: string): void {
  quotes.set(keyOf(accountId, conversation), body);
}

/** For a composer: adds a quote asked for its conversation to `text`, then calls `focus`. */
export function useQuotes(place: () => Place, text: Ref<string>, focus: () => void): void {
  watch(
    () => {
      const key = keyOf(place().accountId, place().conversation);
      return quotes.has(key) ? key : null;
    },
    (key) => {
      if (key === null) return;
      const body = quotes.get(key) ?? '';
      quotes.delete(key);
      const before = text.value === '' || text.value.endsWith('\n') ? text.value : `${text.value}\n`;
      text.value = `${before}${quoted(body)}\n`;
      focus();
    },
    { immediate: true },
  );
}

/** Text as pasted into the composer: line endings made \n, control characters other than tab and newline dropped. */
export function plainPaste(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/**
 * Paste into the composer as plain text only: the clipboard's text/plain, never its markup; a paste
 * of files is left to whoever handles files.
 */
export function onPlainPaste(event: ClipboardEvent, input: HTMLTextAreaElement | null, text: Ref<string>): void {
  const data = event.clipboardData;
  if (!data || !input || data.files.length > 0) return;
  event.preventDefault();
  const pasted = plainPaste(data.getData('text/plain'));
  input.setRangeText(pasted, input.selectionStart, input.selectionEnd, 'end');
  text.value = input.value;
}

/** Inserts `value` at the caret of `input` (replacing a selection) and keeps `text` in step. */
export function insertAtCaret(input: HTMLTextAreaElement | null, text: Ref<string>, value: string): void {
  if (!input) {
    text.value += value;
    return;
  }
  input.setRangeText(value, input.selectionStart, input.selectionEnd, 'end');
  text.value = input.value;
  input.focus();
}
