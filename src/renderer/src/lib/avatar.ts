/** What an avatar without a picture shows: initials on a colour of the person's own. */
import { shallowRef } from 'vue';
import { identityColours } from './colour';

/**
 * Names and initials take their XEP-0392 colours (a setting, Prefs.nameColours). A ref, so that
 * every face and name that read it is drawn again when it changes.
 */
export const nameColoursOn = shallowRef(true);
/** Without the colours: initials on the raised surface, names and initials in the text colour. */
const NEUTRAL_FILL = 'var(--surface-2)';
const NEUTRAL_TEXT = 'var(--text)';

/** Up to two letters for an avatar without a picture: the first letters of the first two words. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0] ?? '');
  return letters.join('').toLocaleUpperCase() || '?';
}

/**
 * What XEP-0392 colours someone by: their bare JID; for a room occupant (room@service/nick) whose
 * real JID is hidden, the nick they chose in the room.
 */
export function colourKeyOf(jid: string, realJid?: string | null): string {
  if (realJid) return realJid.split('/')[0];
  const slash = jid.indexOf('/');
  return slash >= 0 ? jid.slice(slash + 1) : jid;
}

/** The fill behind someone's white initials: their XEP-0392 colour, the one their name has in rooms. */
export function colourFor(key: string): string {
  return nameColoursOn.value ? identityColours(key).light : NEUTRAL_FILL;
}

/** The colour of initials on colourFor's fill. */
export function initialsInk(): string {
  return nameColoursOn.value ? '#fff' : NEUTRAL_TEXT;
}

/** A name in its XEP-0392 colour: custom properties the .identity-name rule reads (light and dark theme). */
export function nameColourStyle(key: string): Record<string, string> {
  if (!nameColoursOn.value) return { '--name-light': NEUTRAL_TEXT, '--name-dark': NEUTRAL_TEXT };
  const colours = identityColours(key);
  return { '--name-light': colours.light, '--name-dark': colours.dark };
}
