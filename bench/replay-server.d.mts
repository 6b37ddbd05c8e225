/** Types of what the benches import from replay-server.mjs (plain Node, run as the replay server). */
export const DOMAIN: string;
/** The roster workload's items: 10,000, or BENCH_CONTACTS. */
export const ROSTER_ITEMS: number;
export const ROSTER_GROUPS: number;
export const ROOM: string;
/** The room's occupants besides us: 5,000, or BENCH_OCCUPANTS. */
export const OCCUPANTS: number;
export const HISTORY: number;
export const ROOM_ARCHIVE_PAGE_MAX: number;
export const ARCHIVE_SEED: number;
/** The messages that arrive in the archive after the first session: 20,000, or BENCH_MESSAGES. */
export const ARCHIVE_NEW: number;
export const ARCHIVE_CONTACTS: number;
export const SUBJECT: string;
/** The ASCII roster workload's <item/> elements. */
export function rosterItems(): string;
