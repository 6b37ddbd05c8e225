/**
 * The presence history store keeps its contacts' and devices' row ids and status texts in memory
 * (a first presence looks no row up): what it knows must follow the file through everything that
 * deletes or undoes rows — a prune that removes a contact, clearing, a write rolled back — and the
 * timeline read back must be what was written.
 */
import { describe, expect, it } from 'vitest';
import {
  OPEN,
  PresenceHistoryRepository,
  type HistoryRun,
} from '../../../../../src/main/core/store/presence-history-repo';
import { historyRun, memoryHistoryStore } from '../../../../support/presence-history';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T12:00:00Z');
const ACCOUNT = 'acc';

function run(bare: string, resource: string, start: number, end: number, status: string | null = null): HistoryRun {
  return historyRun({ bare, resource, start, end, status });
}

function setup() {
  const { db, repo, count } = memoryHistoryStore(ACCOUNT);
  const texts = (jid: string) => repo.contact(ACCOUNT, jid, NOW - 40 * DAY).runs.map((r) => r.status);
  return { db, repo, count, texts };
}

describe('presence history store', () => {
  it('names each contact, device and status text once across writes', () => {
    const { repo, count, texts } = setup();
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 3_600_000, NOW - 1_800_000, 'busy')], NOW);
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 1_800_000, NOW - 600_000, 'busy')], NOW);
    repo.write(ACCOUNT, [run('bob@x', 'phone', NOW - 600_000, OPEN, 'busy')], NOW);
    expect(count('presence_history_contacts')).toBe(1);
    expect(count('presence_history_devices')).toBe(2);
    expect(count('presence_history_statuses')).toBe(1);
    expect(texts('bob@x')).toEqual(['busy', 'busy', 'busy']);
  });

  it('reads the contacts an earlier process stored instead of adding them again', () => {
    const { db, repo, count, texts } = setup();
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 3_600_000, NOW - 1_800_000, 'old')], NOW);
    const later = new PresenceHistoryRepository(db);
    later.write(ACCOUNT, [run('bob@x', 'desk', NOW - 1_800_000, NOW - 600_000, 'old')], NOW);
    expect(count('presence_history_contacts')).toBe(1);
    expect(count('presence_history_devices')).toBe(1);
    expect(count('presence_history_statuses')).toBe(1);
    expect(texts('bob@x')).toEqual(['old', 'old']);
  });

  it('writes a contact again after a prune removed every row of it', () => {
    const { repo, count, texts } = setup();
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 35 * DAY, NOW - 35 * DAY + 60_000, 'away')], NOW - 35 * DAY);
    expect(repo.prune(repo.contactIds(ACCOUNT), NOW - 30 * DAY)).toBe(1);
    expect(count('presence_history_contacts')).toBe(0);
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 600_000, NOW - 60_000, 'away')], NOW);
    expect(count('presence_history_contacts')).toBe(1);
    expect(texts('bob@x')).toEqual(['away']);
  });

  it('names a pruned status text again when it comes back', () => {
    const { repo, count, texts } = setup();
    // carol keeps a device with a recent day, so the contact stays; her old text goes.
    repo.write(ACCOUNT, [run('carol@x', 'old', NOW - 35 * DAY, NOW - 35 * DAY + 60_000, 'gone fishing')], NOW);
    repo.write(ACCOUNT, [run('carol@x', 'desk', NOW - 3_600_000, NOW - 1_800_000, null)], NOW);
    repo.prune(repo.contactIds(ACCOUNT), NOW - 30 * DAY);
    expect(count('presence_history_statuses')).toBe(0);
    repo.write(ACCOUNT, [run('carol@x', 'desk', NOW - 600_000, NOW - 60_000, 'gone fishing')], NOW);
    expect(texts('carol@x')).toEqual([null, 'gone fishing']);
  });

  it('writes a contact again after it was cleared, and an account after it was cleared', () => {
    const { repo, texts } = setup();
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 3_600_000, NOW - 1_800_000, 'a')], NOW);
    repo.clearContact(ACCOUNT, 'bob@x');
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 1_800_000, NOW - 600_000, 'b')], NOW);
    expect(texts('bob@x')).toEqual(['b']);
    repo.clearAccount(ACCOUNT);
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 600_000, NOW - 60_000, 'c')], NOW);
    expect(texts('bob@x')).toEqual(['c']);
  });

  it('knows nothing of rows a rolled-back write had made', () => {
    const { db, repo, count, texts } = setup();
    db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.presence_history_days
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    expect(() => repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 3_600_000, NOW - 60_000, 'x')], NOW)).toThrow(
      /disk says no/,
    );
    expect(count('presence_history_contacts')).toBe(0);
    db.exec('DROP TRIGGER refuse');
    repo.write(ACCOUNT, [run('bob@x', 'desk', NOW - 3_600_000, NOW - 60_000, 'x')], NOW);
    expect(count('presence_history_contacts')).toBe(1);
    expect(texts('bob@x')).toEqual(['x']);
  });
});
