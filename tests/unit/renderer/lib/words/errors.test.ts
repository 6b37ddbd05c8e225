/**
 * The renderer's words for the core's codes: every reason an error, a connection failure or a room
 * notice can give is worded (the sample tables below must name each one, or the type check fails),
 * with no placeholder left, and the sentences are the ones the core used to send.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { i18n, t } from '../../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../../src/renderer/src/i18n/catalogs';
import { UI_LANGUAGES } from '../../../../../src/shared/languages';
import type { ConnectionError } from '../../../../../src/shared/contract';
import type { AppError, ConnectionReason, ErrorReason, RoomNotice } from '../../../../../src/shared/errors';
import { appError } from '../../../../../src/shared/result';
import { connectionErrorText } from '../../../../../src/renderer/src/lib/words/connection';
import { errorFields, errorText } from '../../../../../src/renderer/src/lib/words/errors';
import { deliveryErrorText } from '../../../../../src/renderer/src/lib/words/chat';
import { roomNoticeText } from '../../../../../src/renderer/src/lib/words/muc';
import { transferErrorText } from '../../../../../src/renderer/src/lib/words/files';

const said = { text: 'Go away' };
const removal = { nick: null, actor: 'Alice', reason: 'out you go' };
const request = { action: 'roster.change' } as const;

const ERRORS: Record<ErrorReason, AppError> = {
  'app.unknownCommand': appError('invalid_input', 'app.unknownCommand'),
  'app.unexpected': appError('internal', 'app.unexpected'),
  'app.ipcFailed': appError('internal', 'app.ipcFailed'),
  'app.bridgeFailed': appError('internal', 'app.bridgeFailed'),
  'app.untrustedSender': appError('untrusted_sender', 'app.untrustedSender'),
  'app.linkLost': appError('not_connected', 'app.linkLost'),
  'app.linkDown': appError('not_connected', 'app.linkDown'),
  'app.closing': appError('not_connected', 'app.closing'),
  'app.noticeGone': appError('not_found', 'app.noticeGone'),
  'input.invalid': appError('invalid_input', 'input.invalid', {
    issues: [{ path: ['nick'], code: 'too_small', params: { origin: 'string', minimum: 1 } }],
  }),
  'store.writeFailed': appError('storage', 'store.writeFailed', { failure: 'io' }),
  'request.timeout': appError('timeout', 'request.timeout', request),
  'request.refused': appError('forbidden', 'request.refused', { ...request, condition: 'forbidden', text: null }),
  'request.dropped': appError('not_connected', 'request.dropped', request),
  'account.notFound': appError('not_found', 'account.notFound'),
  'account.exists': appError('conflict', 'account.exists', { jid: 'a@b' }),
  'account.jidTaken': appError('conflict', 'account.jidTaken', { jid: 'a@b' }),
  'account.disabled': appError('conflict', 'account.disabled'),
  'account.passwordMissing': appError('conflict', 'account.passwordMissing'),
  'account.certificateNotPresented': appError('conflict', 'account.certificateNotPresented'),
  'account.certificateNotPinned': appError('not_found', 'account.certificateNotPinned'),
  'presence.invalidAddress': appError('invalid_input', 'presence.invalidAddress'),
  'presence.notOnline': appError('not_connected', 'presence.notOnline'),
  'presence.notSent': appError('not_connected', 'presence.notSent'),
  'roster.notConnected': appError('not_connected', 'roster.notConnected'),
  'roster.renamePartial': appError('timeout', 'roster.renamePartial', {
    changed: 2,
    total: 5,
    cause: appError('timeout', 'request.timeout', { action: 'roster.rename' }),
  }),
  'subscription.notConnected': appError('not_connected', 'subscription.notConnected'),
  'subscription.noBlocking': appError('forbidden', 'subscription.noBlocking'),
  'subscription.requestGone': appError('not_found', 'subscription.requestGone'),
  'subscription.answerNotSent': appError('not_connected', 'subscription.answerNotSent'),
  'subscription.notBlocked': appError('forbidden', 'subscription.notBlocked', {
    cause: appError('forbidden', 'request.refused', {
      action: 'subscription.block',
      condition: 'not-allowed',
      text: null,
    }),
  }),
  'subscription.ownAddress': appError('invalid_input', 'subscription.ownAddress'),
  'subscription.requestNotSent': appError('not_connected', 'subscription.requestNotSent'),
  'subscription.changeNotSent': appError('not_connected', 'subscription.changeNotSent'),
  'bookmark.notConnected': appError('not_connected', 'bookmark.notConnected'),
  'profile.notConnected': appError('not_connected', 'profile.notConnected'),
  'bookmark.notReadYet': appError('not_connected', 'bookmark.notReadYet'),
  'bookmark.unsupported': appError('forbidden', 'bookmark.unsupported'),
  'bookmark.notFound': appError('not_found', 'bookmark.notFound', { room: 'r@m' }),
  'muc.notConnected': appError('not_connected', 'muc.notConnected'),
  'muc.notInRoom': appError('not_found', 'muc.notInRoom'),
  'muc.accountRemoved': appError('not_found', 'muc.accountRemoved'),
  'muc.joinTimeout': appError('timeout', 'muc.joinTimeout'),
  'muc.joinNotSent': appError('not_connected', 'muc.joinNotSent'),
  'muc.left': appError('not_found', 'muc.left'),
  'muc.nickChangePending': appError('conflict', 'muc.nickChangePending'),
  'muc.nickTimeout': appError('timeout', 'muc.nickTimeout'),
  'muc.nickNotSent': appError('not_connected', 'muc.nickNotSent'),
  'muc.subjectNotSent': appError('not_connected', 'muc.subjectNotSent'),
  'muc.inviteNotSent': appError('not_connected', 'muc.inviteNotSent'),
  'muc.inviteGone': appError('not_found', 'muc.inviteGone'),
  'muc.configurationGone': appError('not_found', 'muc.configurationGone'),
  'muc.voiceNotSent': appError('not_connected', 'muc.voiceNotSent'),
  'muc.voiceRequestGone': appError('not_found', 'muc.voiceRequestGone'),
  'muc.destroyed': appError('not_found', 'muc.destroyed', { reason: null, venue: null }),
  'muc.addressHidden': appError('not_found', 'muc.addressHidden', { nick: 'bob' }),
  'muc.nickInUse': appError('conflict', 'muc.nickInUse', { nick: 'alice', suggestedNick: 'alice_' }),
  'muc.passwordRequired': appError('forbidden', 'muc.passwordRequired', said),
  'muc.membersOnly': appError('forbidden', 'muc.membersOnly', said),
  'muc.joinBanned': appError('forbidden', 'muc.joinBanned', said),
  'muc.noSuchRoom': appError('not_found', 'muc.noSuchRoom', said),
  'muc.cannotCreate': appError('forbidden', 'muc.cannotCreate', said),
  'muc.nickRefused': appError('invalid_input', 'muc.nickRefused', { ...said, nick: 'x' }),
  'muc.unavailable': appError('not_connected', 'muc.unavailable', said),
  'muc.unreachable': appError('not_connected', 'muc.unreachable', said),
  'muc.refused': appError('internal', 'muc.refused', { ...said, condition: 'gone' }),
  'muc.banned': appError('forbidden', 'muc.banned', removal),
  'muc.kicked': appError('forbidden', 'muc.kicked', removal),
  'muc.removedAffiliation': appError('forbidden', 'muc.removedAffiliation', removal),
  'muc.removedMembersOnly': appError('forbidden', 'muc.removedMembersOnly', removal),
  'muc.removedShutdown': appError('forbidden', 'muc.removedShutdown', removal),
  'muc.removedTechnical': appError('forbidden', 'muc.removedTechnical', removal),
  'chat.invalidAddress': appError('invalid_input', 'chat.invalidAddress'),
  'chat.notAnAddress': appError('invalid_input', 'chat.notAnAddress'),
  'chat.notStored': appError('internal', 'chat.notStored'),
  'chat.notYours': appError('not_found', 'chat.notYours'),
  'chat.correctOffline': appError('not_connected', 'chat.correctOffline'),
  'chat.correctionNotSent': appError('not_connected', 'chat.correctionNotSent'),
  'chat.messageGone': appError('not_found', 'chat.messageGone'),
  'chat.noSuchMessage': appError('not_found', 'chat.noSuchMessage'),
  'replies.offline': appError('not_connected', 'replies.offline'),
  'replies.notSent': appError('not_connected', 'replies.notSent'),
  'replies.noReference': appError('conflict', 'replies.noReference'),
  'replies.notOwn': appError('forbidden', 'replies.notOwn'),
  'replies.notModerator': appError('forbidden', 'replies.notModerator'),
  'replies.moderationRefused': appError('forbidden', 'replies.moderationRefused', { condition: 'forbidden' }),
  'history.offline': appError('not_connected', 'history.offline'),
  'history.timeout': appError('timeout', 'history.timeout'),
  'history.refused': appError('conflict', 'history.refused', { condition: 'item-not-found' }),
  'upload.unavailable': appError('not_found', 'upload.unavailable'),
  'upload.tooLarge': appError('invalid_input', 'upload.tooLarge', { size: 3_000_000, limit: 1_048_576 }),
  'upload.refused': appError('forbidden', 'upload.refused', { condition: 'not-acceptable' }),
  'upload.badSlot': appError('internal', 'upload.badSlot'),
  'upload.timeout': appError('timeout', 'upload.timeout'),
  'upload.offline': appError('not_connected', 'upload.offline'),
  'upload.metadataStays': appError('conflict', 'upload.metadataStays', { why: 'tooLarge', limit: 64 * 1024 * 1024 }),
  'upload.fileGone': appError('not_found', 'upload.fileGone'),
  'upload.alreadySending': appError('conflict', 'upload.alreadySending'),
  'upload.notConnected': appError('not_connected', 'upload.notConnected'),
  'upload.noAnswer': appError('timeout', 'upload.noAnswer'),
  'upload.noDialog': appError('not_found', 'upload.noDialog'),
  'upload.stageFailed': appError('not_connected', 'upload.stageFailed'),
  'upload.stageTooLarge': appError('invalid_input', 'upload.stageTooLarge'),
  'upload.stageRefused': appError('internal', 'upload.stageRefused'),
  'transfer.notFound': appError('not_found', 'transfer.notFound'),
  'transfer.stillRunning': appError('conflict', 'transfer.stillRunning'),
  'transfer.internal': appError('internal', 'transfer.internal'),
  'file.notShared': appError('not_found', 'file.notShared'),
  'file.cannotOpen': appError('not_found', 'file.cannotOpen'),
  'file.unreadable': appError('not_found', 'file.unreadable', { errno: 'EACCES' }),
  'file.changed': appError('conflict', 'file.changed'),
  'file.write': appError('storage', 'file.write', {}),
  'file.messageNotStored': appError('storage', 'file.messageNotStored', { code: 'storage' }),
  'file.encryptedKey': appError('invalid_input', 'file.encryptedKey'),
  'file.encryptedShort': appError('invalid_input', 'file.encryptedShort'),
  'file.encryptedTag': appError('invalid_input', 'file.encryptedTag'),
  'http.insecureUrl': appError('invalid_input', 'http.insecureUrl', {}),
  'http.redirect': appError('forbidden', 'http.redirect', {}),
  'http.status': appError('not_found', 'http.status', { status: 404 }),
  'http.tooLarge': appError('invalid_input', 'http.tooLarge', { size: 20, limit: 10 }),
  'http.truncated': appError('internal', 'http.truncated', {}),
  'http.timeout': appError('timeout', 'http.timeout', {}),
  'http.cancelled': appError('internal', 'http.cancelled', {}),
  'http.network': appError('not_connected', 'http.network', {}),
  'media.type': appError('not_found', 'media.type'),
  'media.tooLarge': appError('not_found', 'media.tooLarge'),
  'media.dimensions': appError('not_found', 'media.dimensions'),
  'media.unknownDimensions': appError('not_found', 'media.unknownDimensions'),
  'media.hashMismatch': appError('not_found', 'media.hashMismatch'),
  'media.io': appError('storage', 'media.io'),
  'media.internal': appError('internal', 'media.internal'),
  'encryption.chatOnly': appError('invalid_input', 'encryption.chatOnly'),
  'encryption.unavailable': appError('not_found', 'encryption.unavailable'),
  'encryption.unknownDevice': appError('not_found', 'encryption.unknownDevice'),
  'encryption.notEncrypted': appError('conflict', 'encryption.notEncrypted'),
  'encryption.notSent': appError('conflict', 'encryption.notSent', { reason: 'no-usable-devices' }),
  'encryption.fileKeyInClear': appError('conflict', 'encryption.fileKeyInClear'),
  'encryption.badLink': appError('invalid_input', 'encryption.badLink', { problem: 'no-fingerprints' }),
  'encryption.linkForOther': appError('invalid_input', 'encryption.linkForOther', { jid: 'carol@example.org' }),
  'spellcheck.unavailable': appError('invalid_input', 'spellcheck.unavailable'),
  'spellcheck.noDictionary': appError('invalid_input', 'spellcheck.noDictionary', { language: 'de-DE' }),
  'form.invalid': appError('invalid_input', 'form.invalid', {
    issues: [{ var: 'username', code: 'form.field.required' }],
  }),
  'form.unusable': appError('internal', 'form.unusable', { problem: { code: 'form.tooManyFields', max: 1000 } }),
  'blocking.unsupported': appError('forbidden', 'blocking.unsupported'),
  'blocking.notConnected': appError('not_connected', 'blocking.notConnected'),
  'registration.connectFailed': appError('forbidden', 'registration.connectFailed', {
    connection: { reason: 'connection.tlsUnavailable' },
    certificate: null,
  }),
  'registration.malformed': appError('not_found', 'registration.malformed'),
  'registration.formUnsupported': appError('not_found', 'registration.formUnsupported'),
  'registration.web': appError('not_found', 'registration.web', { url: 'https://example.org/register' }),
  'registration.gone': appError('not_found', 'registration.gone'),
  'registration.usernameInvalid': appError('invalid_input', 'registration.usernameInvalid'),
  'registration.formRequired': appError('forbidden', 'registration.formRequired'),
  'registration.notConnected': appError('not_connected', 'registration.notConnected'),
  'disco.notConnected': appError('not_connected', 'disco.notConnected'),
  'disco.malformed': appError('internal', 'disco.malformed', { action: 'disco.items' }),
  'adhoc.notConnected': appError('not_connected', 'adhoc.notConnected'),
  'adhoc.gone': appError('not_found', 'adhoc.gone'),
  'adhoc.mismatch': appError('internal', 'adhoc.mismatch'),
  'adhoc.actionNotAllowed': appError('invalid_input', 'adhoc.actionNotAllowed', { action: 'prev' }),
  'console.notConnected': appError('not_connected', 'console.notConnected'),
  'console.notSent': appError('not_connected', 'console.notSent'),
  'console.xmlMalformed': appError('invalid_input', 'console.xmlMalformed'),
  'console.xmlRestricted': appError('invalid_input', 'console.xmlRestricted'),
  'console.xmlNotOne': appError('invalid_input', 'console.xmlNotOne'),
  'console.xmlNotStanza': appError('invalid_input', 'console.xmlNotStanza'),
  'console.xmlNamespace': appError('invalid_input', 'console.xmlNamespace'),
  'console.xmlIqType': appError('invalid_input', 'console.xmlIqType'),
};

const nothing = { kind: 'other' } as const;
const CONNECTION: Record<ConnectionReason, ConnectionError> = {
  'connection.authRefused': { kind: 'auth', reason: 'connection.authRefused', params: { condition: 'not-authorized' } },
  'connection.authTemporary': { kind: 'auth', reason: 'connection.authTemporary' },
  'connection.noMechanism': { kind: 'auth', reason: 'connection.noMechanism' },
  'connection.authFailed': { kind: 'auth', reason: 'connection.authFailed', params: { condition: 'aborted' } },
  'connection.accountRefused': { kind: 'auth', reason: 'connection.accountRefused' },
  'connection.resourceTaken': { kind: 'conflict', reason: 'connection.resourceTaken' },
  'connection.resourceInUse': { kind: 'conflict', reason: 'connection.resourceInUse' },
  'connection.policyViolation': { ...nothing, reason: 'connection.policyViolation' },
  'connection.serverShutdown': { ...nothing, reason: 'connection.serverShutdown' },
  'connection.redirected': { ...nothing, reason: 'connection.redirected' },
  'connection.hostUnknown': { ...nothing, reason: 'connection.hostUnknown' },
  'connection.streamError': { ...nothing, reason: 'connection.streamError', params: { condition: 'reset' } },
  'connection.unreachable': { ...nothing, reason: 'connection.unreachable', params: { code: 'ECONNREFUSED' } },
  'connection.timeout': { ...nothing, reason: 'connection.timeout' },
  'connection.malformedXml': { ...nothing, reason: 'connection.malformedXml' },
  'connection.tlsFailed': { ...nothing, reason: 'connection.tlsFailed' },
  'connection.requestRefused': { ...nothing, reason: 'connection.requestRefused', params: { condition: 'forbidden' } },
  'connection.failed': { ...nothing, reason: 'connection.failed', params: { detail: 'boom' } },
  'connection.streamViolation': {
    ...nothing,
    reason: 'connection.streamViolation',
    params: { construct: 'stanza-size', condition: 'policy-violation', detail: 1024 * 1024 },
  },
  'connection.stoppedAnswering': { ...nothing, reason: 'connection.stoppedAnswering' },
  'connection.badAck': { ...nothing, reason: 'connection.badAck' },
  'connection.tlsUnavailable': { ...nothing, reason: 'connection.tlsUnavailable' },
  'connection.starttlsFailed': { ...nothing, reason: 'connection.starttlsFailed' },
  'connection.certificateUnverified': { ...nothing, reason: 'connection.certificateUnverified' },
  'connection.tlsError': { ...nothing, reason: 'connection.tlsError', params: { detail: 'bad record mac' } },
  'connection.pinnedChanged': { ...nothing, reason: 'connection.pinnedChanged' },
  'connection.pinnedUsed': { ...nothing, reason: 'connection.pinnedUsed' },
  'connection.certificateCode': { ...nothing, reason: 'connection.certificateCode', params: { code: 'X' } },
  'connection.certificateNotTrusted': { ...nothing, reason: 'connection.certificateNotTrusted' },
  'connection.certificateChanged': { ...nothing, reason: 'connection.certificateChanged' },
  'connection.scramChallenge': { ...nothing, reason: 'connection.scramChallenge' },
  'connection.scramMismatch': { ...nothing, reason: 'connection.scramMismatch' },
  'connection.closed': { ...nothing, reason: 'connection.closed' },
  'connection.signInTimeout': { ...nothing, reason: 'connection.signInTimeout' },
  'connection.signInStalled': { ...nothing, reason: 'connection.signInStalled' },
  'connection.lost': { ...nothing, reason: 'connection.lost' },
  'connection.needsPassword': { kind: 'needs-password', reason: 'connection.needsPassword', params: { jid: 'a@b' } },
};

const NOTICES: Record<RoomNotice['code'], RoomNotice> = {
  'muc.banned': { code: 'muc.banned', ...removal, nick: 'Bob' },
  'muc.kicked': { code: 'muc.kicked', ...removal, nick: 'Bob' },
  'muc.removedAffiliation': { code: 'muc.removedAffiliation', ...removal, nick: 'Bob' },
  'muc.removedMembersOnly': { code: 'muc.removedMembersOnly', ...removal, nick: 'Bob' },
  'muc.removedShutdown': { code: 'muc.removedShutdown', ...removal, nick: 'Bob' },
  'muc.removedTechnical': { code: 'muc.removedTechnical', ...removal, nick: 'Bob' },
  'muc.nickAssigned': { code: 'muc.nickAssigned', nick: 'me_' },
  'muc.selfRenamed': { code: 'muc.selfRenamed', nick: 'me2' },
  'muc.renamed': { code: 'muc.renamed', from: 'Bob', to: 'Bobby' },
  'muc.rejoining': { code: 'muc.rejoining' },
  'muc.selfPingRejoining': { code: 'muc.selfPingRejoining' },
  'muc.moderatorGranted': { code: 'muc.moderatorGranted', nick: 'Bob' },
  'muc.moderatorRevoked': { code: 'muc.moderatorRevoked', nick: 'Bob' },
  'muc.voiceGranted': { code: 'muc.voiceGranted', nick: 'Bob' },
  'muc.voiceRevoked': { code: 'muc.voiceRevoked', nick: 'Bob' },
  'muc.affiliationChanged': { code: 'muc.affiliationChanged', nick: 'Bob', affiliation: 'outcast' },
  'muc.subjectChanged': { code: 'muc.subjectChanged', nick: 'Bob' },
  'muc.subjectCleared': { code: 'muc.subjectCleared', nick: 'Bob' },
  'muc.created': { code: 'muc.created' },
  'muc.createdUnconfigured': { code: 'muc.createdUnconfigured' },
  'muc.destroyed': { code: 'muc.destroyed', reason: 'moving', venue: 'new@conference.example.org' },
  'muc.voiceRequested': { code: 'muc.voiceRequested' },
  'muc.configured': { code: 'muc.configured' },
};

const worded = (text: string) => {
  expect(text).toMatch(/[.)]$|: .+$/);
  expect(text).not.toMatch(/undefined|\[object|Something went wrong \(/);
};

describe('the words for every code', () => {
  it('every error reason, connection reason and room notice is worded', () => {
    for (const error of Object.values(ERRORS)) worded(errorText(error));
    for (const error of Object.values(CONNECTION)) worded(connectionErrorText(error));
    for (const notice of Object.values(NOTICES)) worded(roomNoticeText(notice));
  });

  it('says what the core used to say', () => {
    expect(errorText(ERRORS['muc.nickInUse'])).toBe('The nickname alice is already taken in this room.');
    expect(errorText(ERRORS['muc.passwordRequired'])).toBe(
      'This room needs a password, or the one given is wrong. The room said: Go away',
    );
    expect(errorText(ERRORS['muc.kicked'])).toBe('You were kicked by Alice: out you go');
    expect(roomNoticeText(NOTICES['muc.kicked'])).toBe('Bob was kicked by Alice: out you go');
    expect(roomNoticeText({ code: 'muc.removedAffiliation', nick: 'Bob', actor: null, reason: null })).toBe(
      'Bob was removed because their affiliation changed.',
    );
    expect(errorText(ERRORS['muc.removedAffiliation'])).toBe(
      'You were removed because your affiliation changed: out you go',
    );
    expect(roomNoticeText(NOTICES['muc.affiliationChanged'])).toBe('Bob is now banned.');
    expect(errorText(ERRORS['roster.renamePartial'])).toBe(
      'Renamed the group for 2 of 5 contacts. The server did not answer in time; the rename may not have been saved.',
    );
    expect(errorText(ERRORS['subscription.notBlocked'])).toBe(
      'Refused, but not blocked: The server does not allow the block.',
    );
    expect(errorText(ERRORS['roster.notConnected'])).toBe(
      'This account is not connected; connect it to change the roster.',
    );
    expect(connectionErrorText(CONNECTION['connection.streamViolation'])).toBe(
      'The server sent a stanza larger than Jabberwock accepts (over 1 MiB).',
    );
    expect(
      deliveryErrorText({
        condition: null,
        text: null,
        encryption: { reason: 'no-usable-devices', skipped: { undecided: 2, 'no-bundle': 1 } },
      }),
    ).toBe(
      'It could not be encrypted: none of the contact’s devices can be encrypted for ' +
        '(2 new devices are not verified; one device published no keys).',
    );
    expect(deliveryErrorText({ condition: 'service-unavailable', text: null })).toBe(
      'The message was not delivered (service-unavailable).',
    );
    expect(deliveryErrorText({ condition: null, text: 'nope' })).toBe('The message was not delivered (error): nope');
  });

  it('puts an error on the field it concerns, in the words for that field', () => {
    expect(errorFields({ ...ERRORS['account.exists'], field: 'jid' })).toEqual({
      jid: 'This account is already set up.',
    });
    expect(errorText(ERRORS['account.exists'])).toBe('a@b is already set up.');
    expect(errorFields(ERRORS['input.invalid'])).toEqual({ nick: 'This cannot be empty.' });
    expect(errorText(ERRORS['input.invalid'])).toBe('nick: This cannot be empty.');
    expect(errorFields(ERRORS['muc.left'])).toEqual({});
  });
});

describe('the words for every code in every language', () => {
  const sentences = (): [string, string][] => [
    ...Object.values(ERRORS).map((error): [string, string] => [error.reason, errorText(error)]),
    ...Object.values(CONNECTION).map((error): [string, string] => [error.reason, connectionErrorText(error)]),
    ...Object.values(NOTICES).map((notice): [string, string] => [notice.code, roomNoticeText(notice)]),
  ];

  beforeAll(async () => {
    for (const locale of UI_LANGUAGES) expect(await ensureCatalog(locale)).toBe(true);
  });

  afterEach(() => {
    i18n.global.locale.value = 'en';
  });

  it.each(UI_LANGUAGES.filter((locale) => locale !== 'en'))(
    'words every reason in %s, from its own catalog',
    (locale) => {
      const english = new Map(sentences());
      i18n.global.locale.value = locale;
      for (const [reason, text] of sentences()) {
        worded(text);
        // A reason without a sentence in this catalog would fall back to English, or to "unknown".
        expect(text, `${locale} ${reason}`).not.toBe(english.get(reason));
        expect(text, `${locale} ${reason}`).not.toBe(t('errors.unknown', { reason }));
      }
    },
  );

  it('says a reason it does not know is unknown, naming it', () => {
    const newer = { code: 'internal', reason: 'muc.fromANewerCore' } as unknown as AppError;
    expect(errorText(newer)).toBe(t('errors.unknown', { reason: 'muc.fromANewerCore' }));
  });
});

describe('the words for files and transfers', () => {
  it('gives sizes in units and the server’s limit', () => {
    expect(errorText(ERRORS['upload.tooLarge'])).toBe('The file is larger than the server accepts (1.0 MB).');
    expect(transferErrorText({ reason: 'http.status', params: { status: 403 } })).toBe(
      'The file’s server answered 403.',
    );
    expect(transferErrorText({ reason: 'upload.offline' })).toBe('Waiting for the account to connect.');
    expect(
      transferErrorText({ reason: 'upload.metadataStays', params: { why: 'tooLarge', limit: 64 * 1024 * 1024 } }),
    ).toBe('The picture is larger than 64 MB, so its location, camera and times cannot be removed.');
    expect(transferErrorText({ reason: 'upload.metadataStays', params: { why: 'unreadable', limit: 1 } })).toBe(
      'The picture could not be read to remove its location, camera and times.',
    );
  });
});
