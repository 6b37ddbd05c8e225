/**
 * Plain constants of the contract, kept apart from the zod schemas so the renderer's first bundle can
 * use them without loading zod (it is needed only when a form validates).
 */
import type { Prefs } from './contract';

/** Longest roster name or group kept from the server; longer ones are cut (and logged). */
export const ROSTER_TEXT_MAX = 1024;
/** Most groups one roster item may carry. */
export const ROSTER_GROUPS_MAX = 64;
/** Longest status text we send or keep. */
export const STATUS_TEXT_MAX = 1024;

/** Longest XEP-0172 nick we send or keep. */
export const NICK_MAX = 256;
/** Longest message body we send or keep; longer incoming bodies are cut (and marked). */
export const MESSAGE_BODY_MAX = 64 * 1024;
/** Longest room nick we send or keep (a resourcepart is at most 1023 bytes). */
export const MUC_NICK_MAX = 256;
/** Longest room subject we send or keep. */
export const MUC_SUBJECT_MAX = 4096;
/** Most requests answered by one bulk action. */
export const SUBSCRIPTION_BULK_MAX = 10_000;

export const DEFAULT_PREFS: Prefs = {
  rosterSort: 'availability',
  rosterHideOffline: false,
  rosterCollapsed: [],
  rosterView: 'all',
  closeToTray: false,
  startAtLogin: false,
  startHidden: false,
  idleEnabled: true,
  idleAwayMinutes: 5,
  idleXaMinutes: 20,
};
