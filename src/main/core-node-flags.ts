/**
 * Node/V8 flags for a process that runs the core: the headless client is started with them
 * (`node --max-semi-space-size=4 out/main/headless.js`; the benches pass them).
 *
 * A young generation of at most 4 MB a semi-space (V8's default lets it grow to 16 MB each):
 * during a login's presence flood every stanza's strings and records live for a turn, V8 grows
 * the young generation to its maximum, and those pages stay resident. Capped, the flood's peak RSS
 * drops by 8–20 MB at no measurable CPU cost (bench/RESULTS.md, 2026-12-07).
 *
 * These flags cannot be set from inside a running process (V8 sizes its heap when it starts), and
 * Electron's `app.commandLine.appendSwitch('js-flags', …)` reaches only the renderers, not the
 * main process that runs the core: there they must be on the app's command line
 * (`--js-flags=--max-semi-space-size=4`).
 */
export const CORE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
