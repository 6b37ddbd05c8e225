/**
 * The roster's first screen: what the window's roster column shows in its first rows, chosen by the
 * core from the cached roster so that the window can paint those rows before it has parsed, decoded
 * and indexed 10,000 contacts. It carries the contacts of those rows and every count the column
 * shows (contacts, online, each group's size), so the first paint reads exactly as the full roster
 * does; the full roster then takes its place.
 *
 * The order is the renderer's roster index's (lib/roster-index.ts): groups by folded name with the
 * contacts without a group last, contacts by folded display name, then by account and JID. A unit
 * test compares the two. Everyone counts as offline: the core gives no first screen while any
 * contact is online (at start-up nobody is: accounts connect after the first snapshot).
 */
import type { Prefs, RosterFirstScreen, RosterItemView } from './contract';
import { localOf } from './jid';
import { sortKey } from './names';

/** The all-accounts view of the roster column. */
export const ALL_ROSTER_VIEW = '*';
/** The group of contacts without one (a real group name is never empty). */
const NO_GROUP = '';
/** Rows of the roster column the window's first screen covers: a tall window's worth (rows are 40 px). */
export const FIRST_SCREEN_ROWS = 60;
/** The contact's own nickname (XEP-0172), as the identities the window holds give it. */
export type NickOf = (accountId: string, jid: string) => string | null | undefined;
/** Longest display name kept (as the renderer's DISPLAY_MAX). */
const NAME_MAX = 256;

function capName(text: string): string {
  if (text.length <= NAME_MAX) return text;
  let end = NAME_MAX;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The renderer's displayName: roster name, else the contact's own nick, else the local part or the JID. */
function displayOf(item: RosterItemView, nick: string | null | undefined): string {
  const name = item.name?.trim() || nick?.trim();
  return capName(name || localOf(item.jid) || item.jid);
}

/** The renderer's effective groups: distinct named groups, or the no-group group. */
function groupsOf(groups: readonly string[]): string[] {
  const out = new Set<string>();
  for (const group of groups) if (group !== NO_GROUP) out.add(group);
  return out.size > 0 ? [...out] : [NO_GROUP];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Placed {
  item: RosterItemView;
  fold: string;
  key: string;
}

/**
 * The first screen of the column the prefs show, covering `rows` rows from the top (collapsed groups
 * take their header row only), or null when the index would order it otherwise: a filter that hides
 * offline contacts, or someone online. Returns the contacts of those rows, in roster order. Nicknames
 * are looked up for the members of the shown groups only.
 */
export function rosterFirstScreen(
  items: readonly RosterItemView[],
  prefs: Pick<Prefs, 'rosterView' | 'rosterCollapsed' | 'rosterHideOffline'>,
  nickOf: NickOf,
  anyoneOnline: boolean,
  rows: number,
): { screen: RosterFirstScreen; items: RosterItemView[] } | null {
  if (prefs.rosterHideOffline || anyoneOnline) return null;
  const accountView = prefs.rosterView !== 'all' && items.some((item) => item.accountId === prefs.rosterView);
  const view = accountView ? prefs.rosterView : ALL_ROSTER_VIEW;
  const byGroup = new Map<string, RosterItemView[]>();
  let total = 0;
  for (const item of items) {
    if (accountView && item.accountId !== view) continue;
    total += 1;
    for (const group of groupsOf(item.groups)) {
      const list = byGroup.get(group);
      if (list) list.push(item);
      else byGroup.set(group, [item]);
    }
  }
  const names = [...byGroup.keys()].map((name) => ({ name, fold: sortKey(name) }));
  names.sort((a, b) => {
    if (a.name === NO_GROUP) return 1;
    if (b.name === NO_GROUP) return -1;
    return compareStrings(a.fold, b.fold) || compareStrings(a.name, b.name);
  });
  const collapsed = new Set(prefs.rosterCollapsed);
  const shown = new Set<RosterItemView>();
  let filled = 0;
  for (const { name } of names) {
    if (filled >= rows) break;
    filled += 1; // the header
    if (collapsed.has(`${view}|${name}`)) continue;
    const members: Placed[] = byGroup.get(name)!.map((item) => {
      const key = `${item.accountId}|${item.jid}`;
      return { item, key, fold: sortKey(displayOf(item, nickOf(item.accountId, item.jid))) };
    });
    members.sort((a, b) => compareStrings(a.fold, b.fold) || compareStrings(a.key, b.key));
    for (let i = 0; i < members.length && filled < rows; i++, filled++) shown.add(members[i].item);
  }
  return {
    screen: { view, total, groups: names.map(({ name }) => ({ name, size: byGroup.get(name)!.length })), rows },
    items: items.filter((item) => shown.has(item)),
  };
}
