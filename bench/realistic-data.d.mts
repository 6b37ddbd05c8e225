/** Types of realistic-data.mjs (plain Node, imported by the replay server and the benches). */
export const CONTACTS: number;
export const FLOOD_STANZAS: number;
export const OCCUPANTS: number;
export const HISTORY: number;
export const ARCHIVE_CONTACTS: number;
export const DOMAINS: string[];

export interface RealisticContact {
  jid: string;
  name: string | null;
  groups: string[];
  subscription: 'none' | 'to' | 'from' | 'both';
  ask: boolean;
}

export interface PresenceEntry {
  jid: string;
  resource: string;
  show: string;
  priority: number;
  status: string | null;
}

export interface FloodExpectation {
  onlineContacts: number;
  availableResources: number;
  digest: string;
  unavailable: number;
  delayed: number;
  withCaps: number;
}

export function escapeXml(text: string): string;
export function realisticContacts(count?: number): RealisticContact[];
export function rosterXml(contacts: RealisticContact[]): string;
export function rosterDigest(
  items: { jid: string; name: string | null; subscription: string; ask: boolean; groups: string[] }[],
): string;
export function presenceDigest(entries: PresenceEntry[]): string;
export function realisticClients(): { name: string; node: string; ver: string; query: string; resource: string }[];
export function realisticFlood(
  contacts: RealisticContact[],
  to: string,
  stanzas?: number,
): { flood: string; disco: Record<string, string>; expected: FloodExpectation };
export function realisticNicks(count?: number): string[];
export function realisticOccupantPresences(room: string, to: string, nicks?: string[]): string;
export function realisticRoomMessage(
  room: string,
  k: number,
  nicks?: string[],
): { id: string; nick: string; xml: (to: string, extra?: string) => string };
export function realisticArchiveMessage(
  k: number,
  own: string,
): { id: string; conversation: string; outgoing: boolean; xml: string };
