/**
 * The Content-Security-Policy the browser bridge sends with every response. Same policy as the
 * Electron window, plus the bridge's own WebSocket origin in connect-src (a browser treats 'self'
 * for ws: inconsistently, so the exact origin is named).
 */
export function bridgeCsp(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
