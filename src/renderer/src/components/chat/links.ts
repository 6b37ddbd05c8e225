/** Opening a link from a message: http(s) only, checked again here, never in this window. */
import { safeLink } from '../../lib/chat-text';

/** Electron's main process confirms every window.open with the host; the browser has nobody to ask. */
export function shellConfirmsLinks(): boolean {
  return typeof window !== 'undefined' && 'jabberwock' in window && Boolean(window.jabberwock);
}

/** Opens a checked link in a new browsing context without a reference back to us. */
export function openLink(href: string): boolean {
  const link = safeLink(href);
  if (!link) return false;
  window.open(link.href, '_blank', 'noopener,noreferrer');
  return true;
}
