/**
 * Signing in (RFC 6120 §6): only on a socket that is TLS verified for the account's domain; the
 * strongest mechanism both sides have, SCRAM-SHA-256, then SCRAM-SHA-1 (scram.ts, which checks the
 * server's signature), then PLAIN (the password itself, which verified TLS protects).
 */
import { procedure } from '@xmpp/events';
import type { StreamFeatures } from '@xmpp/stream-features';
import SASLError from '@xmpp/sasl/lib/SASLError.js';
import xml, { type Element } from '@xmpp/xml';
import type { ConnectionError } from '../../../shared/contract';
import { NS_SASL } from '../xmpp/ns';
import { ScramClient, ScramError, SCRAM_MECHANISMS, type ScramHash } from './scram';
import type { GuardedClient } from './stream/guarded-client';
import type { FailAttempt } from './tls';

export interface SaslOptions {
  /** The account's local part. */
  username: string;
  password: string;
  /** Whether the current socket is TLS verified for the account's domain. */
  tlsVerified(): boolean;
  fail: FailAttempt;
}

/** The mechanism to use among those the server offers, or null when there is none we speak. */
export function chooseMechanism(offered: readonly string[]): { name: string; hash: ScramHash | null } | null {
  for (const scram of SCRAM_MECHANISMS) if (offered.includes(scram.name)) return scram;
  return offered.includes('PLAIN') ? { name: 'PLAIN', hash: null } : null;
}

function encode64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function decode64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** Handles the SASL stream feature: authenticates, then restarts the stream. */
export function useSasl(streamFeatures: StreamFeatures, options: SaslOptions): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity }, _next, element) => {
    const offered = element.getChildren('mechanism', NS_SASL).map((mechanism) => mechanism.text());
    await authenticate(entity as GuardedClient, offered, options);
    await entity.restart();
  });
}

async function authenticate(entity: GuardedClient, offered: readonly string[], options: SaslOptions): Promise<void> {
  const { fail } = options;
  if (!entity.isSecure() || !options.tlsVerified()) {
    throw fail({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never');
  }
  const mechanism = chooseMechanism(offered);
  if (!mechanism) {
    throw fail({ kind: 'auth', reason: 'connection.noMechanism' }, 'never');
  }
  const scram = mechanism.hash ? new ScramClient(mechanism.hash, options.username, options.password) : null;
  const initial = scram ? scram.clientFirst() : `\0${options.username}\0${options.password}`;
  let proven = false;
  const prove = (serverFinal: string) => {
    try {
      scram!.verifyServerFinal(serverFinal);
      proven = true;
    } catch (error) {
      throw fail(scramFailure(error as ScramError), 'never');
    }
  };
  let answered = false;
  await procedure(
    entity,
    xml('auth', { xmlns: NS_SASL, mechanism: mechanism.name }, encode64(initial)),
    async (element: Element, done) => {
      if (element.getNS() !== NS_SASL) return;
      if (element.name === 'challenge') {
        if (!scram) throw fail({ kind: 'auth', reason: 'connection.scramChallenge' }, 'never');
        let response = '';
        if (!answered) {
          answered = true;
          try {
            response = await scram.clientFinal(decode64(element.text()));
          } catch (error) {
            if (error instanceof ScramError) throw fail(scramFailure(error), 'never');
            throw error;
          }
        } else {
          // RFC 6120 §6.4.6: the server's final message may come as a challenge, answered empty.
          prove(decode64(element.text()));
        }
        await entity.send(xml('response', { xmlns: NS_SASL }, response ? encode64(response) : ''));
      } else if (element.name === 'failure') {
        throw SASLError.fromElement(element);
      } else if (element.name === 'success') {
        // RFC 5802 §3: the server proves it knows the password too.
        if (scram && !proven) prove(decode64(element.text()));
        done();
      }
    },
  );
}

/** Why a SCRAM exchange stopped, as the connection error the user sees. */
function scramFailure(error: ScramError): ConnectionError {
  switch (error.reason) {
    case 'unusable-challenge':
      return { kind: 'auth', reason: 'connection.scramChallenge' };
    case 'server-signature':
      return { kind: 'auth', reason: 'connection.scramMismatch' };
    case 'server-error':
      return { kind: 'auth', reason: 'connection.authFailed', params: { condition: error.serverError } };
  }
}
