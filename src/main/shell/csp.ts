/**
 * The Content-Security-Policy of the renderer. The Electron shell sends it as a response header from
 * the app:// protocol; the browser bridge reuses it and adds its own WebSocket origin to connect-src.
 * No 'unsafe-inline' and no 'unsafe-eval' anywhere: the renderer is a runtime-only Vue build.
 */
import { MEDIA_ORIGIN } from '../../shared/media';

export interface CspOptions {
  /** Extra connect-src sources, e.g. 'ws://127.0.0.1:4711' for the browser bridge. */
  connectSrc?: string[];
  /** Extra img-src and media-src sources: where the core serves verified media (app://media in Electron). */
  mediaSrc?: string[];
}

// A source expression is one token: no whitespace, no ';' or ',' that would start a new directive
// or policy, and no quotes (keywords such as 'unsafe-eval' must never be passed in from outside).
const SOURCE_EXPRESSION = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^\s;,'"]+)?$|^[^\s;,'"]+$/;

export function buildCsp(options: CspOptions = {}): string {
  const connectSrc = ["'self'", ...sources(options.connectSrc)];
  const mediaSrc = sources(options.mediaSrc);
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:', ...mediaSrc]],
    ['media-src', ["'self'", ...mediaSrc]],
    ['font-src', ["'self'"]],
    ['connect-src', connectSrc],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

function sources(list: string[] | undefined): string[] {
  for (const source of list ?? []) {
    if (!SOURCE_EXPRESSION.test(source)) throw new Error(`Not a CSP source expression: ${JSON.stringify(source)}`);
  }
  return list ?? [];
}

/** The policy of the packaged Electron renderer: media comes from app://media, nothing from elsewhere. */
export const CSP = buildCsp({ mediaSrc: [MEDIA_ORIGIN] });
