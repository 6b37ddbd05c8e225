/**
 * Accessibility checks with axe-core in the e2e suites: `await expectAccessible(page, 'settings dialog')`
 * checks what is on screen now (an open modal dialog: the dialog alone, as the rest is inert) in the
 * light and the dark theme, and fails with every serious or critical violation, named and located.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { expect } from 'vitest';

/** WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices (landmarks, headings, duplicate ids…). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const FAILING = new Set(['serious', 'critical']);

export interface AccessibleOptions {
  /** Only this part of the page (a CSS selector); by default the open dialog, else the whole page. */
  include?: string;
  /** The themes to check in (both unless told). */
  themes?: readonly ('light' | 'dark')[];
}

/** The serious and critical violations on the page now, one line each: rule, impact, where, why. */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  // Legacy mode runs axe in the page itself: the finishing step otherwise opens a second page,
  // which a page made by browser.newPage() (as openBrowserUi makes it) cannot do. There are no frames.
  let builder = new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => FAILING.has(violation.impact ?? ''))
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact}) at ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`,
      ),
    );
}

/**
 * Expects no serious or critical axe violation in what `page` shows now (`what` names it in the
 * failure), in each theme; the page is left in the light theme it started in. A soft expectation:
 * the test goes on to its other screens and fails at its end with every one that had violations.
 */
export async function expectAccessible(page: Page, what: string, options: AccessibleOptions = {}): Promise<void> {
  const include = options.include ?? ((await page.locator('dialog[open]').count()) > 0 ? 'dialog[open]' : undefined);
  const found: string[] = [];
  for (const colorScheme of options.themes ?? ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    // Let transitions (buttons, switches) finish so colours are read at rest.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200)))');
    for (const line of await seriousViolations(page, include)) found.push(`${colorScheme}: ${line}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect.soft(found, `accessibility of ${what}:\n${found.join('\n')}\n`).toEqual([]);
}
