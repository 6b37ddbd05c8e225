/**
 * Readying the bridge before it says it is ready: the first page load otherwise runs the HTTP path's
 * code cold (header parsing, the token and file checks, the policy header) and meets the collection
 * of the process's start-up garbage (the core's modules, the store's opening), both while the
 * window waits for its HTML. Serving the page once to ourselves, then collecting that garbage with
 * no one waiting, moves both before `ready`.
 */
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Loads the page once through the bridge's own HTTP path; resolves with its status (never rejects). */
export function servePageOnce(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? null));
      response.on('error', () => resolve(null));
    });
    request.on('error', () => resolve(null));
  });
}

/**
 * A full collection, now: the process has just started and nothing is being served. Node exposes the
 * collector only under --expose-gc; the flag set at run time makes `gc` visible to a new context.
 * Returns false where that is not possible (the next scavenges then do the work, as before).
 */
export function collectGarbageNow(): boolean {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    exposed();
    return true;
  }
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') return false;
    (gc as () => void)();
    return true;
  } catch {
    return false;
  }
}

/** Serves the page once, then collects; what `web` runs between listening and printing `ready`. */
export async function warmUpBridge(url: string): Promise<void> {
  await servePageOnce(url);
  collectGarbageNow();
}
