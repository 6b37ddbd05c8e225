/**
 * The first screen's code: what the app's chunk holds is what src/boot.ts reaches by static imports
 * (the build puts everything reached only through `import()` or `defineAsyncComponent` in chunks of
 * its own, loaded after the first paint). This walks that graph in the sources (no build needed)
 * and fails when a module meant to load later is pulled back onto the first paint's path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src/renderer/src');

/** Static imports and re-exports that bring code (not `import type`), and bare package names. */
function staticImports(file: string): string[] {
  let text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.vue'))
    text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const specifiers: string[] = [];
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(statement)) if (!match[1]) specifiers.push(match[2]);
  return specifiers;
}

function resolveFrom(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(SRC, file)}: cannot resolve ${specifier}`);
}

/** Every source file and package boot.ts reaches by static imports. */
function reachedFromBoot(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [path.join(SRC, 'boot.ts'), path.join(SRC, 'main.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.(ts|vue)$/.test(file)) continue;
    for (const specifier of staticImports(file)) {
      const resolved = resolveFrom(file, specifier);
      if (resolved) pending.push(resolved);
      else
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  }
  return { files, packages };
}

describe("the first screen's code (what boot.ts reaches by static imports)", () => {
  const { files, packages } = reachedFromBoot();
  const reached = [...files].map((file) => path.relative(SRC, file).split(path.sep).join('/'));

  it('reaches the roster, the sidebar and the main pane', () => {
    expect(reached).toEqual(
      expect.arrayContaining([
        'App.vue',
        'components/roster/RosterView.vue',
        'components/accounts/AccountSidebar.vue',
        'views/MainPane.vue',
        'lib/roster-index.ts',
      ]),
    );
  });

  it('leaves dialogs, prompts, the chat and room views, and encryption UI to load later', () => {
    const lazy = reached.filter(
      (file) =>
        /(Dialog|Prompt)\.vue$/.test(file) ||
        /^components\/(chat\/(ChatView|ConversationList|MessageList)|muc\/(MucRoomView|MucSidebarSection)|common\/LiveAnnouncer)\.vue$/.test(
          file,
        ) ||
        file.startsWith('components/encryption/') ||
        file.startsWith('components/control/'),
    );
    expect(lazy).toEqual([]);
  });

  it('loads only the English catalogs up front, and no schema library', () => {
    expect(reached.filter((file) => file.startsWith('locales/') && !file.startsWith('locales/en/'))).toEqual([]);
    expect([...packages].sort()).not.toContain('zod');
    // The contract's schemas (zod) are reached only by its types.
    expect(reached.filter((file) => file.endsWith('shared/contract.ts'))).toEqual([]);
  });
});
