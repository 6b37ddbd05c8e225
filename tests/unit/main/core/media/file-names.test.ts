import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUniqueFile, sanitizeFileName } from '../../../../../src/main/core/media/file-names';
import { fileNameOfUrl } from '../../../../../src/main/core/features/upload/download';

describe('file names from the network', () => {
  it('keeps only the last path component: no ../, no absolute paths, no drive letters or shares', () => {
    expect(sanitizeFileName('../../.ssh/authorized_keys')).toBe('authorized_keys');
    expect(sanitizeFileName('/etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\Windows\\System32\\evil.dll')).toBe('evil.dll');
    expect(sanitizeFileName('C:\\Users\\me\\x.txt')).toBe('x.txt');
    expect(sanitizeFileName('\\\\server\\share\\a.exe')).toBe('a.exe');
    expect(sanitizeFileName('..')).toBe('download');
    expect(sanitizeFileName('.')).toBe('download');
    expect(sanitizeFileName('../')).toBe('download');
    expect(sanitizeFileName('')).toBe('download');
  });

  it('removes control, format and direction characters so the shown extension is the real one', () => {
    expect(sanitizeFileName('photo\u202Egpj.exe')).toBe('photogpj.exe');
    expect(sanitizeFileName('a\u0000b\u0007c\u001f\u007f\u0085.txt')).toBe('abc.txt');
    expect(sanitizeFileName('in\u200Bvis\u2066ible\u2069\uFEFF.pdf')).toBe('invisible.pdf');
    expect(sanitizeFileName('line\nbreak\r.txt')).toBe('linebreak.txt');
  });

  it('replaces characters Windows forbids and trims dots and spaces at the ends', () => {
    expect(sanitizeFileName('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(sanitizeFileName('  .hidden. . ')).toBe('hidden');
    expect(sanitizeFileName('report.pdf.')).toBe('report.pdf');
  });

  it('never yields a reserved Windows device name', () => {
    for (const name of ['CON', 'con.txt', 'Nul', 'AUX.tar.gz', 'com1', 'LPT9.log', 'prn ', 'COM¹']) {
      const safe = sanitizeFileName(name);
      expect(safe.split('.')[0].trim().toUpperCase(), name).not.toMatch(/^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$/);
    }
    expect(sanitizeFileName('con.txt')).toBe('_con.txt');
    expect(sanitizeFileName('console.txt')).toBe('console.txt');
  });

  it('fits very long names in 200 bytes of UTF-8, keeping the extension', () => {
    const long = sanitizeFileName(`${'ä'.repeat(500)}.jpeg`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.jpeg')).toBe(true);
    const emoji = sanitizeFileName('😀'.repeat(300));
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(200);
    expect(emoji).toMatch(/^(😀)+$/u); // never half a character
  });

  it('takes a name from an upload URL', () => {
    expect(fileNameOfUrl('https://up.example/abc/My%20Photo.jpg')).toBe('My Photo.jpg');
    expect(fileNameOfUrl('https://up.example/abc/..%2F..%2Fetc%2Fpasswd')).toBe('passwd');
    expect(fileNameOfUrl('https://up.example/abc/%E0%A4%A')).toBe('%E0%A4%A');
    expect(fileNameOfUrl('https://up.example/')).toBe('download');
  });
});

describe('creating a downloaded file', () => {
  let folder: string;
  let outside: string;

  beforeAll(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-names-'));
    folder = path.join(outside, 'Downloads');
    fs.mkdirSync(folder);
  });
  afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));

  it('never replaces a file: a second and third copy get numbered names', async () => {
    fs.writeFileSync(path.join(folder, 'report.pdf'), 'mine');
    const first = await createUniqueFile(folder, 'report.pdf');
    const second = await createUniqueFile(folder, 'report.pdf');
    await first.handle.close();
    await second.handle.close();
    expect(first.name).toBe('report (1).pdf');
    expect(second.name).toBe('report (2).pdf');
    expect(fs.readFileSync(path.join(folder, 'report.pdf'), 'utf8')).toBe('mine');
  });

  it('stays inside the folder whatever the name says', async () => {
    for (const claimed of [
      '../escape.txt',
      '/tmp/abs.txt',
      '..\\..\\win.txt',
      'a/../../b.txt',
      '\u202Etxt.exe',
      'NUL',
    ]) {
      const created = await createUniqueFile(folder, claimed);
      await created.handle.close();
      expect(path.dirname(created.file), claimed).toBe(path.resolve(folder));
    }
    expect(fs.readdirSync(outside)).toEqual(['Downloads']);
  });
});
