import { describe, expect, it } from 'vitest';
import { mediaUrl, stageFile, stageUrl } from '../../../../src/renderer/src/api/media';

const ref = { id: 'AbCdEfGhIjKlMnOpQrStUv' };

describe('renderer media helper', () => {
  it('builds the URL of either shell and never a remote one', () => {
    expect(mediaUrl(ref, 'electron')).toBe(`app://media/${ref.id}`);
    expect(mediaUrl(ref, 'bridge')).toBe(`/media/${ref.id}`);
    expect(stageUrl('a b/c.png', 'electron')).toBe('app://jabberwock/stage?name=a%20b%2Fc.png');
    expect(stageUrl('a.png', 'bridge')).toBe('/stage?name=a.png');
  });

  it('stages a blob through the shell route and reads the answer', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const post = (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ id: 'abc', name: 'a.png', size: 3 }), { status: 200 });
    }) as typeof fetch;
    const result = await stageFile(new Blob([new Uint8Array([1, 2, 3])]), 'a.png', 'bridge', post);
    expect(result).toEqual({ ok: true, value: { id: 'abc', name: 'a.png', size: 3 } });
    expect(calls[0].url).toBe('/stage?name=a.png');
    expect(calls[0].init?.method).toBe('POST');
    const refused = await stageFile(
      new Blob([]),
      'a',
      'bridge',
      (async () => new Response('{}', { status: 413 })) as typeof fetch,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
