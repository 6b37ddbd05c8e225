/**
 * What the Electron shell's tray needs from the core, and nothing more: the current summary, a
 * change signal, and one action. The messenger implements it; the shell never sees accounts,
 * sessions or stanzas.
 */
import type { OwnShow, StatusSummary } from './status-summary';

/** 'all' or an account id (account ids are UUIDs, so they never collide with 'all'). */
export type ShowTarget = 'all' | string;

export interface TrayModel {
  summary(): StatusSummary;
  /** Called after anything that may change the summary; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Sets the show of one account, or of every enabled account; keeps each account's status text. */
  setShow(target: ShowTarget, show: OwnShow): Promise<void>;
}
