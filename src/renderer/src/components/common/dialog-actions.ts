import type { FormState } from '../../composables/useFormState';
import { i18n, t, type MessageKey, type MessageParams } from '../../i18n';

/** What a dialog's action button says and does (DialogActions, and the dialogs built on it). */
export interface ActionProps {
  /** The action's label. */
  action: string;
  /** What the action says while it runs (`busy`). */
  busyLabel?: string;
  busy?: boolean;
  disabled?: boolean;
  /** The label of the button that leaves without acting (Cancel when left out). */
  cancel?: string;
  /** A destructive action. */
  danger?: boolean;
}

/** A catalog prefix with a `title` under it ('roster.rename' for 'roster.rename.title'). */
type TitledPrefix = MessageKey extends infer K ? (K extends `${infer P}.title` ? P : never) : never;

/**
 * A dialog's props: its words, its actions, and its error and busy state, given or read from its
 * form's state. The words are given (title, action, busyLabel) or read from the catalog under
 * `keys` (see dialogWords).
 */
export interface DialogProps extends Omit<ActionProps, 'action'> {
  /** The catalog prefix of the dialog's words: `<keys>.title`, `<keys>.action`, `<keys>.busy`. */
  keys?: TitledPrefix;
  /** The placeholders of the title and the action read under `keys`. */
  params?: MessageParams;
  title?: string;
  action?: string;
  error?: string | null;
  /** The form's state (useFormState, useDialogCommand): busy, the error and the way out come from it. */
  form?: FormState;
}

/**
 * A dialog's title, action and busy label: each one given wins; the others are read under `keys`,
 * where a dialog without its own action or busy word saves (Save, Saving…), the most common form.
 */
export function dialogWords(props: DialogProps): { title: string; action: string; busyLabel?: string } {
  const { keys, params } = props;
  if (!keys) return { title: props.title ?? '', action: props.action ?? '', busyLabel: props.busyLabel };
  const word = (leaf: string, otherwise: MessageKey): string => {
    const key = `${keys}.${leaf}` as MessageKey;
    return i18n.global.te(key, 'en') ? t(key, params) : t(otherwise);
  };
  return {
    title: props.title ?? t(`${keys}.title` as MessageKey, params),
    action: props.action ?? word('action', 'common.save'),
    busyLabel: props.busyLabel ?? word('busy', 'common.saving'),
  };
}

/** The action props out of a dialog's props, to hand to DialogActions (busy also while the form's command runs). */
export function actionProps(props: DialogProps): ActionProps {
  const { disabled, cancel, danger } = props;
  const { action, busyLabel } = dialogWords(props);
  return { action, busyLabel, busy: props.busy || props.form?.busy.value, disabled, cancel, danger };
}

/** The error a dialog shows for the whole form: the one given, else its form's. */
export function dialogError(props: DialogProps): string | null {
  return props.error ?? props.form?.formError.value ?? null;
}

/** Leaves the dialog: through its form's state when that knows how, else by emitting close. */
export function closeDialog(props: DialogProps, emit: (event: 'close') => void): void {
  if (props.form?.close) props.form.close();
  else emit('close');
}
