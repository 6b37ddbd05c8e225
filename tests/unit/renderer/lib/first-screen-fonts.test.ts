/**
 * The fonts main.ts looks up before the roster's first frame are the ones the roster column's styles
 * draw with: the stack and sizes of styles/tokens.css, and a roster column that keeps to those sizes
 * (a size or stack changed in one place and not the other would be looked up in that frame again).
 */
import { describe, expect, it } from 'vitest';
import {
  FIRST_SCREEN_TYPE,
  firstScreenFonts,
  prepareFirstScreenFonts,
  UI_FONT_STACK,
} from '../../../../src/renderer/src/lib/first-screen-fonts';

// The styles' text, read from disk (the unit project runs in Node; this project's types are the page's).
type ReadFile = (file: URL, encoding: 'utf8') => string;
const node = (globalThis as unknown as { process: { getBuiltinModule(id: 'node:fs'): { readFileSync: ReadFile } } })
  .process;
const { readFileSync } = node.getBuiltinModule('node:fs');
const css = (file: string) =>
  readFileSync(new URL(`../../../../src/renderer/src/styles/${file}`, import.meta.url), 'utf8');
const tokens = css('tokens.css');

function token(name: string): string {
  const match = new RegExp(`--${name}:\\s*([^;]+);`).exec(tokens);
  if (!match) throw new Error(`tokens.css has no --${name}`);
  return match[1].trim();
}

/** The font-size and font-weight values of the rules whose selector names one of `classes`. */
function declarations(file: string, property: string, classes: RegExp): string[] {
  const text = css(file).replace(/\/\*[\s\S]*?\*\//g, '');
  const values: string[] = [];
  for (const rule of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (!classes.test(rule[1])) continue;
    for (const declaration of rule[2].matchAll(new RegExp(`(?:^|;)\\s*${property}:\\s*([^;]+)`, 'g')))
      values.push(declaration[1].trim());
  }
  return values;
}

describe("the first screen's fonts", () => {
  it('are the stack and sizes of the tokens', () => {
    expect(token('font-ui')).toBe(UI_FONT_STACK);
    expect(token('text-base')).toBe('15px');
    expect(FIRST_SCREEN_TYPE.map((type) => `${type.rem}rem`)).toEqual([
      token('text-row'),
      token('text-row-small'),
      token('text-tag'),
    ]);
    expect(firstScreenFonts()).toContain('600 11.4px system-ui, sans-serif');
  });

  it("cover every size and weight the roster column's rows and header set", () => {
    const roster = /\.roster-|\.sub-badge|\.avatar-small/;
    const sizes = [
      ...declarations('roster.css', 'font-size', roster),
      ...declarations('controls.css', 'font-size', /\.sub-badge/),
      ...declarations('profile.css', 'font-size', /\.avatar-small/),
    ];
    expect(new Set(sizes)).toEqual(new Set(['var(--text-row)', 'var(--text-row-small)', 'var(--text-tag)']));
    const weights = [
      ...declarations('roster.css', 'font-weight', roster),
      ...declarations('controls.css', 'font-weight', /\.sub-badge/),
      ...declarations('profile.css', 'font-weight', /\.avatar\b/),
    ];
    const drawn = new Set(FIRST_SCREEN_TYPE.flatMap((type) => type.weights.map(String)));
    for (const weight of weights) expect(drawn).toContain(weight);
  });

  it('measures a text in each of them', () => {
    const fonts: string[] = [];
    const context = {
      set font(value: string) {
        fonts.push(value);
      },
      measureText: () => ({ width: 1 }),
    };
    const doc = { createElement: () => ({ getContext: () => context }) } as unknown as Document;
    prepareFirstScreenFonts(doc);
    expect(fonts).toEqual(firstScreenFonts());
  });
});
