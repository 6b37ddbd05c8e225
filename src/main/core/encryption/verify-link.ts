/**
 * Verifying a contact's keys with a pasted or opened link, as Conversations' QR codes carry them:
 * `xmpp:user@host?omemo-sid-<device id>=<fingerprint hex>;omemo-sid-…`. Every device the link names
 * is compared with what we know first; only when none contradicts it is anything marked verified:
 *
 * - a device known with the same key: verified;
 * - a device not seen yet (or whose key we have not fetched): its key is marked verified now, so
 *   the device shows as verified as soon as it appears with that key;
 * - a device known with another key: a mismatch. The link does not describe this contact's devices
 *   as we see them (an old code, or someone else's keys): nothing at all is marked.
 */
import { fail, ok, type Result } from '../../../shared/result';
import type { LinkVerification } from '../../../shared/encryption';
import { normalizeBareJid } from '../../../shared/jid';
import type { OmemoRepository } from '../store/omemo-repo';
import { NS_OMEMO_03 } from './omemo/stanzas';
import type { EncryptionService } from './service';
import { fingerprintOf, parseVerificationUri } from './trust';

export interface VerifyLinkInput {
  accountId: string;
  /** The contact whose key panel the link was pasted into. */
  jid: string;
  link: string;
}

export async function verifyLink(
  repo: OmemoRepository,
  service: EncryptionService,
  input: VerifyLinkInput,
): Promise<Result<Omit<LinkVerification, 'devices'>>> {
  const parsed = parseVerificationUri(input.link);
  if ('error' in parsed) return fail('invalid_input', 'encryption.badLink', { problem: parsed.error });
  const contact = normalizeBareJid(input.jid);
  if (parsed.jid !== contact) return fail('invalid_input', 'encryption.linkForOther', { jid: parsed.jid });
  const outcomes = parsed.devices.map(({ deviceId, identityKey }) => {
    const known = repo.device(input.accountId, NS_OMEMO_03, parsed.jid, deviceId)?.identityKey ?? null;
    const result: LinkVerification['outcomes'][number]['result'] =
      known === null ? 'unseen' : known.equals(identityKey) ? 'verified' : 'mismatch';
    return { deviceId, fingerprint: fingerprintOf(identityKey), result };
  });
  const marked = !outcomes.some((outcome) => outcome.result === 'mismatch');
  if (marked) {
    for (const outcome of outcomes) {
      const refused = await service.setTrust(input.accountId, parsed.jid, outcome.fingerprint, 'verified');
      if (refused !== null) return fail('not_found', 'encryption.unavailable');
    }
  }
  return ok({ jid: parsed.jid, outcomes, marked });
}
