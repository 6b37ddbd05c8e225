/**
 * What a contact row shows of someone without a picture: initials on their XEP-0392 colour, and
 * their name as a tooltip. Composed once per name and address and kept for the last contacts seen:
 * the same object back means the row's style is not set again. Not for every contact: a scroll
 * through 10,000 kept 10,000 faces, and the heap they grew drew major collections into its frames.
 */
import { colourFor, colourKeyOf, initialsInk, initialsOf, nameColoursOn } from '../../lib/avatar';
import { titleText } from './describe';

export interface RowFace {
  initials: string;
  /** The name as a tooltip (capped). */
  title: string;
  /** Custom properties the .avatar rule reads (set through the CSSOM: the CSP forbids style attributes). */
  style: Readonly<Record<'--avatar-bg' | '--avatar-ink', string>>;
}

/** A few screens of rows; past it the cache starts again. */
const FACES_MAX = 512;
const faces = new Map<string, RowFace>();

/** The face for `jid` named `name`; follows the name-colour setting (read reactively). */
export function faceOf(jid: string, name: string): RowFace {
  const coloured = nameColoursOn.value;
  const key = `${coloured ? 1 : 0}\u0000${jid}\u0000${name}`;
  let face = faces.get(key);
  if (!face) {
    if (faces.size >= FACES_MAX) faces.clear();
    face = {
      initials: initialsOf(name),
      title: titleText(name),
      style: { '--avatar-bg': colourFor(colourKeyOf(jid)), '--avatar-ink': initialsInk() },
    };
    faces.set(key, face);
  }
  return face;
}
