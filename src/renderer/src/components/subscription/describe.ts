/** Subscription words shared by badges and buttons. */

/** A badge's number: exact up to 999, then "999+". */
export function countText(count: number): string {
  return count > 999 ? '999+' : String(count);
}

/** "Contact requests, 3 waiting" / "…for Work" — the accessible name of a button that opens the inbox. */
export function requestsLabel(count: number, accountName?: string): string {
  const whose = accountName ? ` for ${accountName}` : '';
  if (count === 0) return `Contact requests${whose}, none waiting`;
  return `Contact requests${whose}, ${count} waiting`;
}
