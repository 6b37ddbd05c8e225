import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capText, detach } from '../../../../../src/main/core/util/text';

describe('detach', () => {
  it('returns the same text, whatever it holds', () => {
    const texts = [
      '',
      'short',
      'contact000005@example.org/resource',
      'quotes " and \\ backslashes and \n control \u0000 characters',
      'Ünïcödé статус 状态 حالة 🙂🎉 mixed with ASCII',
      'a lone high surrogate \ud83d and a lone low one \ude42 stay as they are',
      'x'.repeat(2000),
    ];
    for (const text of texts) {
      // Cut out of a larger text, as the parser's substrings are.
      const source = `<presence from='${text}'/>`;
      const cut = source.slice(16, 16 + text.length);
      expect(detach(cut)).toBe(text);
    }
  });

  it('keeps a flat copy: under 80 bytes a 38-character JID, from a one-byte or a two-byte chunk', () => {
    // In a child with --expose-gc: 20,000 JIDs detached from a chunk, the chunk dropped, then the heap with
    // and without the kept JIDs. A view over a copy (the old `(' ' + s).slice(1)`) took 99 bytes a JID from
    // a one-byte chunk and 123 from a two-byte one (it kept the chunk's width); a flat copy takes ~57.
    const perJid = (prefix: string) => {
      const script = `
        const detach = ${detach.toString()};
        const N = 20000;
        let chunk = ${JSON.stringify(prefix)} + Array.from({ length: N }, (_, i) =>
          "<presence from='contact" + String(i).padStart(6, '0') + "@example.org/resource'/>").join('');
        const kept = new Array(N);
        for (let i = 0, at = 0; i < N; i++) {
          const start = chunk.indexOf("'", at) + 1;
          const end = chunk.indexOf("'", start);
          kept[i] = detach(chunk.slice(start, end));
          at = end + 1;
        }
        const sample = kept[5];
        chunk = null;
        globalThis.gc();
        const withKept = process.memoryUsage().heapUsed;
        kept.fill(0);
        globalThis.gc();
        console.log(JSON.stringify({ perJid: (withKept - process.memoryUsage().heapUsed) / N, sample }));
      `;
      const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      const result = JSON.parse(child.stdout) as { perJid: number; sample: string };
      expect(result.sample).toBe('contact000005@example.org/resource');
      return result.perJid;
    };
    expect(perJid('')).toBeLessThan(80);
    expect(perJid('中')).toBeLessThan(80);
  });
});

describe('capText', () => {
  it('never leaves half a surrogate pair', () => {
    expect(capText('ab🙂', 3)).toBe('ab');
    expect(capText('abc', 3)).toBe('abc');
  });
});
