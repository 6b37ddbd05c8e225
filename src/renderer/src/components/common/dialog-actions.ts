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

/** The action props out of a dialog's props, to hand to DialogActions. */
export function actionProps(props: ActionProps): ActionProps {
  const { action, busyLabel, busy, disabled, cancel, danger } = props;
  return { action, busyLabel, busy, disabled, cancel, danger };
}
