/**
 * The Content-Security-Policy of the renderer. The Electron shell sends it as a response header from
 * the app:// protocol; the browser bridge reuses it and adds its own WebSocket origin to connect-src.
 * No 'unsafe-inline' and no 'unsafe-eval' anywhere: the renderer is a runtime-only Vue build.
 */

export interface CspOptions {
  /** Extra connect-src sources, e.g. 'ws://127.0.0.1:4711' for the browser bridge. */
  connectSrc?: string[];
}

// A source expression is one token: no whitespace, no ';' or ',' that would start a new directive
// or policy, and no quotes (keywords such as 'unsafe-eval' must never be passed in from outside).
const SOURCE_EXPRESSION = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^\s;,'"]+)?$|^[^\s;,'"]+$/;

export function buildCsp(options: CspOptions = {}): string {
  const connectSrc = ["'self'"];
  for (const source of options.connectSrc ?? []) {
    if (!SOURCE_EXPRESSION.test(source)) throw new Error(`Not a CSP source expression: ${JSON.stringify(source)}`);
    connectSrc.push(source);
  }
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'"]],
    ['connect-src', connectSrc],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** The policy of the packaged Electron renderer. */
export const CSP = buildCsp();
