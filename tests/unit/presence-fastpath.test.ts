/**
 * The presence fast path: presence the feature consumes skips the middleware chain but is still
 * counted for stream management; everything else takes the normal path.
 */
import type { Element } from '@xmpp/xml';
import { describe, expect, it, vi } from 'vitest';
import { installPresenceFastPath, type FastPathClient } from '../../src/main/core/features/presence-fastpath';
import { parseStanza } from '../support/xml';

function client(status = 'online', smEnabled = true) {
  const normal: string[] = [];
  const entity: FastPathClient = {
    status,
    streamManagement: { enabled: smEnabled, inbound: 0 },
    _onElement(element: Element) {
      normal.push(element.toString());
    },
  };
  return { entity, normal };
}

describe('presence fast path', () => {
  it('consumes handled presence, counts it for stream management, passes the rest on', () => {
    const { entity, normal } = client();
    const handled: string[] = [];
    installPresenceFastPath(entity, (stanza) => {
      if (stanza.attrs.type === 'subscribe') return false;
      handled.push(stanza.attrs.from);
      return true;
    });
    entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    entity._onElement(parseStanza(`<presence from='b@x' type='subscribe'/>`));
    entity._onElement(parseStanza(`<message from='a@x/r'><body>hi</body></message>`));
    expect(handled).toEqual(['a@x/r']);
    expect(normal).toHaveLength(2); // the subscription request and the message
    // Only the consumed presence was counted here; the SM middleware counts what takes the normal path.
    expect(entity.streamManagement.inbound).toBe(1);
  });

  it('does not count without stream management, and leaves negotiation alone', () => {
    const noSm = client('online', false);
    installPresenceFastPath(noSm.entity, () => true);
    noSm.entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(noSm.entity.streamManagement.inbound).toBe(0);
    expect(noSm.normal).toEqual([]);

    const negotiating = client('opening');
    const handle = vi.fn(() => true);
    installPresenceFastPath(negotiating.entity, handle);
    negotiating.entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(handle).not.toHaveBeenCalled();
    expect(negotiating.normal).toHaveLength(1);
  });

  it('a failing handler is reported, and the stanza still counts as handled', () => {
    const { entity, normal } = client();
    const errors: unknown[] = [];
    installPresenceFastPath(
      entity,
      () => {
        throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(errors).toHaveLength(1);
    expect(normal).toEqual([]);
    expect(entity.streamManagement.inbound).toBe(1);
  });
});
