/**
 * parseDateTime reads stamps by character codes: the same answer as the regular expression it
 * replaced (kept here as the reference) for every stamp shape, valid or not, and for mutations of them.
 */
import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../../../../src/main/core/util/delay-stamp';
import { prng } from '../../../../support/prng.mjs';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function reference(text: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (m[8]) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, fraction));
  utc.setUTCFullYear(year);
  return utc.getTime() - offset;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('parseDateTime by character codes', () => {
  it('answers as the regular expression did for edge cases', () => {
    const cases = [
      '2026-11-20T10:00:00Z',
      '2026-11-20T10:00:00.123+02:00',
      '2026-11-20T10:00:00.1-00:30',
      '2026-11-20T10:00:00.123456789Z',
      '2026-11-20T10:00:00.1234567890Z',
      '2026-11-20T10:00:00.Z',
      '2026-11-20T10:00:00.999999999-23:59',
      '2026-11-20T10:00:00+24:00',
      '2026-11-20T10:00:00+23:60',
      '2026-11-20T10:00:00+2:00',
      '2026-11-20T10:00:00+02:00 ',
      '2026-11-20T10:00:00Z ',
      ' 2026-11-20T10:00:00Z',
      '2026-11-20T10:00:00z',
      '2026-11-20t10:00:00Z',
      '2026-11-20T10:00:00',
      '2026-11-20T24:00:00Z',
      '2026-11-20T23:59:60Z',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '0000-02-29T00:00:00Z',
      '0004-02-29T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '0099-12-31T23:59:59Z',
      '0100-03-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2024-00-10T00:00:00Z',
      '2024-13-10T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-04-00T00:00:00Z',
      '２０２４-01-01T00:00:00Z',
      '2024-01-01T00:00:00\nZ',
      '2024-01-01T00:00:00Z\n',
      '',
      'not a date at all, long enough',
    ];
    for (const stamp of cases) expect([stamp, parseDateTime(stamp)]).toEqual([stamp, reference(stamp)]);
  });

  it('answers as the regular expression did for random stamps and their mutations', () => {
    const random = prng(82);
    const alphabet = '0123456789-+:.TZ tz';
    for (let k = 0; k < 20_000; k++) {
      let stamp =
        `${pad(Math.floor(random() * 10_000), 4)}-${pad(Math.floor(random() * 14), 2)}-${pad(Math.floor(random() * 33), 2)}` +
        `T${pad(Math.floor(random() * 26), 2)}:${pad(Math.floor(random() * 62), 2)}:${pad(Math.floor(random() * 62), 2)}`;
      if (random() < 0.5) stamp += `.${String(Math.floor(random() * 1e9)).slice(0, 1 + Math.floor(random() * 10))}`;
      const zone = random();
      if (zone < 0.4) stamp += 'Z';
      else if (zone < 0.9)
        stamp += `${random() < 0.5 ? '+' : '-'}${pad(Math.floor(random() * 26), 2)}:${pad(Math.floor(random() * 62), 2)}`;
      if (random() < 0.3) {
        const at = Math.floor(random() * (stamp.length + 1));
        const c = alphabet[Math.floor(random() * alphabet.length)];
        const how = random();
        stamp =
          how < 0.33
            ? stamp.slice(0, at) + c + stamp.slice(at + 1)
            : how < 0.66
              ? stamp.slice(0, at) + c + stamp.slice(at)
              : stamp.slice(0, at) + stamp.slice(at + 1);
      }
      const expected = reference(stamp);
      if (parseDateTime(stamp) !== expected) expect([stamp, parseDateTime(stamp)]).toEqual([stamp, expected]);
    }
  });
});
