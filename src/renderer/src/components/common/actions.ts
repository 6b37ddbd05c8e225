/** One button of a group of actions (ActionButtons): what it says, how it looks and what it does. */
export interface Action {
  /** Tells the action apart from the others of its group. */
  key: string;
  text: string;
  /** The accessible name, when the text alone does not say what it acts on. */
  label?: string;
  title?: string;
  /** primary: the main action; danger: destructive, in quiet red; link: looks like a link. */
  tone?: 'primary' | 'danger' | 'link';
  disabled?: boolean;
  /** False leaves the button out (an action that does not apply now). */
  when?: boolean;
  run: () => void;
}

/** The classes a button of `action` carries (`small` for buttons in rows). */
export function actionClasses(action: Action, small: boolean): string[] {
  if (action.tone === 'link') return ['link-button'];
  const classes = ['button'];
  if (small) classes.push('button-small');
  if (action.tone === 'primary') classes.push('button-primary');
  if (action.tone === 'danger') classes.push('button-danger-quiet');
  return classes;
}
