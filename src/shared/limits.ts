/**
 * Plain constants of the contract (and the preferences' shape their defaults need), kept apart from the
 * zod schemas so the renderer's first bundle can use them without loading zod (it is needed only when a
 * form validates).
 */

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
/** XEP-0444 limits we keep to (sent and received): distinct reactions per reactor, and each one's length. */
export const REACTIONS_PER_REACTOR_MAX = 16;
export const REACTION_LENGTH_MAX = 32;

import type { LanguageChoice } from './languages';

/** Preferences the UI keeps across restarts (stored by the core in SQLite). */
export interface Prefs {
  rosterSort: 'availability' | 'name';
  rosterHideOffline: boolean;
  /** Collapsed roster groups, as view keys: `*|<group>` in the all-accounts view, `<accountId>|<group>` otherwise. */
  rosterCollapsed: string[];
  /** 'all' or an account id. */
  rosterView: string;
  /** Closing the window hides it to the tray (Electron only). */
  closeToTray: boolean;
  /** Start Jabberwock when the user logs in to the computer (Electron only). */
  startAtLogin: boolean;
  /** A start at login opens hidden in the tray, without the window (Electron only). */
  startHidden: boolean;
  idleEnabled: boolean;
  /** Minutes of system idle before auto-away. */
  idleAwayMinutes: number;
  /** Minutes of system idle before auto-xa; null for never. */
  idleXaMinutes: number | null;
  /** The language of the UI and the tray: 'system' follows the OS. */
  language: LanguageChoice;
  /**
   * Which shared pictures and videos load by themselves: only from contacts with a mutual
   * subscription (in rooms: occupants whose real JID is one), from everyone, or none (all on a click).
   */
  filePreviews: 'contacts' | 'everyone' | 'never';
  /** Pictures are sent as they are, metadata (EXIF, GPS) included; by default it is removed. */
  keepImageMetadata: boolean;
  /** Names and initials take their XEP-0392 colours; off: the neutral text colour. */
  nameColours: boolean;
}

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
  language: 'system',
  filePreviews: 'contacts',
  keepImageMetadata: false,
  nameColours: true,
};
