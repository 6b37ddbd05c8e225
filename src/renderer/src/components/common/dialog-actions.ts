import type { FormState } from '../../composables/useFormState';

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

/** A dialog's props: its actions, its title, and its error and busy state, given or read from its form's state. */
export interface DialogProps extends ActionProps {
  title: string;
  error?: string | null;
  /** The form's state (useFormState, useDialogCommand): busy, the error and the way out come from it. */
  form?: FormState;
}

/** The action props out of a dialog's props, to hand to DialogActions (busy also while the form's command runs). */
export function actionProps(props: DialogProps): ActionProps {
  const { action, busyLabel, disabled, cancel, danger } = props;
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
