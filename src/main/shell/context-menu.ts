/**
 * The right-click menu of every webContents: spelling suggestions and "Add to dictionary" on a
 * misspelled word, the edit commands in a text field, Copy on a selection, and for an http(s) link
 * Open (through the same confirmation as a click) and Copy link address. Nothing else: no other
 * kind of link is offered, and Inspect Element exists only in development builds.
 */
import { clipboard, Menu } from 'electron';
import type { ContextMenuParams, MenuItemConstructorOptions, WebContents } from 'electron';
import { isSafeExternalUrl } from './window';
import type { ShellWords } from './words';

export type MenuParams = Pick<
  ContextMenuParams,
  'misspelledWord' | 'dictionarySuggestions' | 'isEditable' | 'editFlags' | 'selectionText' | 'linkURL' | 'x' | 'y'
>;

export interface ContextMenuActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
  /** Asks the user, then hands the link to the OS browser. */
  openLink(url: string): void;
  copyText(text: string): void;
  /** Development builds only. */
  inspect?(x: number, y: number): void;
}

/** More suggestions than this are noise in a menu. */
export const MAX_SUGGESTIONS = 6;
const LABEL_MAX = 60;

/** A menu label shows text as typed: '&' is a mnemonic marker on Windows and Linux, long text is cut. */
function label(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  const cut = oneLine.length > LABEL_MAX ? `${oneLine.slice(0, LABEL_MAX - 1)}…` : oneLine;
  return cut.replace(/&/g, '&&');
}

/** Only web links are opened from the menu; mailto and every other scheme are not offered. */
export function isOpenableLink(url: string): boolean {
  return isSafeExternalUrl(url) && /^https?:\/\//i.test(url);
}

/** The menu for a right click. Pure, so the tests read it without a real menu; empty means no menu. */
export function buildContextMenuTemplate(
  params: MenuParams,
  actions: ContextMenuActions,
  words: ShellWords,
): MenuItemConstructorOptions[] {
  const groups: MenuItemConstructorOptions[][] = [];
  const word = params.misspelledWord;
  if (params.isEditable && word) {
    const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    groups.push([
      ...(suggestions.length > 0
        ? suggestions.map((suggestion) => ({
            label: label(suggestion),
            click: () => actions.replaceMisspelling(suggestion),
          }))
        : [{ label: words.text('context.noSuggestions'), enabled: false }]),
      { label: words.text('context.addToDictionary'), click: () => actions.addToDictionary(word) },
    ]);
  }
  if (params.isEditable) {
    const can = params.editFlags;
    groups.push(
      [
        { role: 'undo', enabled: can.canUndo },
        { role: 'redo', enabled: can.canRedo },
      ],
      [
        { role: 'cut', enabled: can.canCut },
        { role: 'copy', enabled: can.canCopy },
        { role: 'paste', enabled: can.canPaste },
        { role: 'selectAll', enabled: can.canSelectAll },
      ],
    );
  } else if (params.selectionText.trim() !== '') {
    groups.push([{ role: 'copy' }]);
  }
  if (params.linkURL && isOpenableLink(params.linkURL)) {
    const url = params.linkURL;
    groups.push([
      { label: words.text('context.openLink'), click: () => actions.openLink(url) },
      { label: words.text('context.copyLink'), click: () => actions.copyText(url) },
    ]);
  }
  if (actions.inspect) {
    const inspect = actions.inspect;
    groups.push([{ label: words.text('context.inspect'), click: () => inspect(params.x, params.y) }]);
  }
  return groups.flatMap((group, index) => (index === 0 ? group : [{ type: 'separator' as const }, ...group]));
}

export interface ContextMenuOptions {
  /** Development builds: offers Inspect Element. */
  devTools: boolean;
  openLink: (url: string) => void;
  /** The words in the user's language when the menu opens. */
  words: () => ShellWords;
}

/** Shows the menu on every right click in `contents`. */
export function installContextMenu(contents: WebContents, options: ContextMenuOptions): void {
  contents.on('context-menu', (_event, params) => {
    const template = buildContextMenuTemplate(
      params,
      {
        replaceMisspelling: (word) => contents.replaceMisspelling(word),
        addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
        openLink: options.openLink,
        copyText: (text) => clipboard.writeText(text),
        inspect: options.devTools ? (x, y) => contents.inspectElement(x, y) : undefined,
      },
      options.words(),
    );
    if (template.length > 0) Menu.buildFromTemplate(template).popup();
  });
}
