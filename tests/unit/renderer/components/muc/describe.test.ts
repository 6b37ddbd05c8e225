/** An occupant's accessible name says who they are in the room: role and affiliation, always. */
import { describe, expect, it } from 'vitest';
import type { OccupantView } from '../../../../../src/shared/contract';
import { occupantLabel } from '../../../../../src/renderer/src/components/muc/describe';
import { occupant as fixtureOccupant } from '../../fixtures';

const occupant = (extra: Partial<OccupantView> = {}) => fixtureOccupant('Bob', extra);
const plain = { text: 'Bob', hidden: false };

describe('occupantLabel', () => {
  it('names the role and the affiliation, "no affiliation" included', () => {
    expect(occupantLabel(occupant(), plain, null)).toBe('Bob, participant, no affiliation, available');
    expect(
      occupantLabel(
        occupant({ role: 'moderator', affiliation: 'admin', jid: 'bob@x/desk', status: ' Tea ' }),
        plain,
        null,
      ),
    ).toBe('Bob, moderator, admin, available, bob@x, Tea');
    expect(occupantLabel(occupant({ role: 'visitor', affiliation: 'member', show: 'away' }), plain, null)).toBe(
      'Bob, visitor, member, away',
    );
  });

  it('says which one is us, and warns of hidden characters and look-alikes', () => {
    expect(occupantLabel(occupant({ self: true, role: 'moderator', affiliation: 'owner' }), plain, null)).toBe(
      'Bob, you, moderator, owner, available',
    );
    expect(occupantLabel(occupant(), { text: 'Bo⟨U+200B⟩b', hidden: true }, { jid: 'bob@y', name: 'Bob' })).toBe(
      'Bo⟨U+200B⟩b, participant, no affiliation, available, nick contains hidden characters, looks like your contact Bob but is not known to be',
    );
  });
});
