/**
 * Creating an account on a server (XEP-0077 in-band registration): a connection of its own that
 * never authenticates. It connects like a session (Direct TLS when the server's SRV records offer it,
 * else STARTTLS, which is required; the certificate verified for the domain through tls.ts,
 * every byte through the stream guard), asks for the registration form, and submits what the user
 * entered. On success the connection closes and the account is added like any other.
 *
 * A registration is kept (its connection open) until submitted successfully, canceled, ten minutes
 * old, or replaced: at most REGISTRATIONS_MAX at once, the oldest closed first. A failed submit
 * keeps it, so the user can correct the form (a server asking for a new CAPTCHA needs a new start).
 */
import { randomBytes } from 'node:crypto';
import createIqCaller, { type IQCaller } from '@xmpp/iq/caller.js';
import createMiddleware from '@xmpp/middleware';
import tcp from '@xmpp/tcp';
import xml, { type Element } from '@xmpp/xml';
import type { AccountView, ParsedInput } from '../../../shared/contract';
import type { RegistrationView } from '../../../shared/control';
import { parseAccountJid } from '../../../shared/jid';
import { fail, failIn, ok, type Result } from '../../../shared/result';
import { formForRenderer } from '../forms/submit';
import type { Logger } from '../log';
import { requestError, requestFailure } from '../util/stanza-errors';
import { withTimeout } from '../util/with-timeout';
import { NS_REGISTER, NS_STREAM, NS_TLS } from '../xmpp/ns';
import { REGISTRATION_TIMEOUT_MS } from '../xmpp/timeouts';
import { Endpoints, serviceOf, useDirectTls, type SrvLookup } from './direct-tls';
import { createIqGuard } from './iq-guard';
import { answerRegistration, readRegistrationForm, type BitsOfBinary } from './registration-form';
import { classifyError, SessionFailure } from './session-errors';
import { GuardedClient } from './stream/guarded-client';
import { startTls, TlsVerifier, type FailAttempt } from './tls';

export const REGISTRATIONS_MAX = 4;
const REGISTRATION_TTL_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 30_000;

export interface RegistrationsOptions {
  log: Logger;
  /** Adds the account once the server created it (AccountManager.add). */
  addAccount: (input: ParsedInput<'account.add'>) => Result<AccountView> | Promise<Result<AccountView>>;
  /** Extra CA to trust (tests). */
  extraCa?: string;
  resolveSrv?: boolean;
  srvLookup?: SrvLookup;
}

/** An unauthenticated stream to a server, TLS verified for its domain. */
interface RegistrationStream {
  entity: GuardedClient;
  iqCaller: IQCaller;
  close(): Promise<void>;
}

interface Registration {
  id: string;
  domain: string;
  host: string | null;
  port: number | null;
  stream: RegistrationStream;
  view: RegistrationView;
  form: RegistrationView['form'];
  legacy: boolean;
  media: Map<string, BitsOfBinary>;
  timer: NodeJS.Timeout;
}

export class Registrations {
  private readonly registrations = new Map<string, Registration>();

  constructor(private readonly options: RegistrationsOptions) {}

  async start(input: ParsedInput<'registration.start'>): Promise<Result<RegistrationView>> {
    const domain = input.domain;
    const host = input.host ?? null;
    const port = input.port ?? null;
    let stream: RegistrationStream;
    try {
      stream = await this.open(domain, host, port);
    } catch (error) {
      return connectFailure(error);
    }
    let answer: Element;
    try {
      answer = await stream.iqCaller.request(
        xml('iq', { type: 'get' }, xml('query', { xmlns: NS_REGISTER })),
        REGISTRATION_TIMEOUT_MS,
      );
    } catch (error) {
      await stream.close();
      return requestError(error, { action: 'registration.form' });
    }
    const read = readRegistrationForm(answer);
    if (!read.ok) {
      await stream.close();
      return { ok: false, error: read.error };
    }
    const id = randomBytes(12).toString('base64url');
    const view: RegistrationView = {
      id,
      domain,
      instructions: read.instructions,
      form: formForRenderer(read.form),
      legacy: read.legacy,
    };
    const timer = setTimeout(() => void this.end(id), REGISTRATION_TTL_MS);
    timer.unref();
    if (this.registrations.size >= REGISTRATIONS_MAX) await this.end(this.registrations.keys().next().value!);
    this.registrations.set(id, {
      id,
      domain,
      host,
      port,
      stream,
      view,
      form: read.form,
      legacy: read.legacy,
      media: read.media,
      timer,
    });
    return ok(view);
  }

  async submit(input: ParsedInput<'registration.submit'>): Promise<Result<AccountView>> {
    const registration = this.registrations.get(input.id);
    if (!registration) return fail('not_found', 'registration.gone');
    const answer = answerRegistration(registration.form, registration.legacy, input.values);
    if (!answer.ok) return fail('invalid_input', 'form.invalid', { issues: answer.issues });
    const jid = parseAccountJid(`${answer.username}@${registration.domain}`);
    if ('error' in jid) return failIn('username', 'invalid_input', 'registration.usernameInvalid');
    try {
      await registration.stream.iqCaller.request(xml('iq', { type: 'set' }, answer.query), REGISTRATION_TIMEOUT_MS);
    } catch (error) {
      const failure = requestFailure(error, { action: 'registration.submit' });
      // Without a connection there is nothing left to correct.
      if (failure.code === 'not_connected') await this.end(registration.id);
      return { ok: false, error: failure };
    }
    await this.end(registration.id);
    this.options.log.info('account registered', { jid: jid.jid });
    return this.options.addAccount({
      jid: jid.jid,
      password: answer.password,
      host: registration.host,
      port: registration.port,
      label: input.label,
      color: input.color,
      rememberPassword: input.rememberPassword,
      enabled: true,
    });
  }

  async cancel(id: string): Promise<Result<null>> {
    if (!this.registrations.has(id)) return fail('not_found', 'registration.gone');
    await this.end(id);
    return ok(null);
  }

  /** A CAPTCHA's image or sound the server sent with the form (XEP-0231), by its `cid:` address. */
  media(id: string, uri: string): BitsOfBinary | null {
    return this.registrations.get(id)?.media.get(uri) ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.registrations.keys()].map((id) => this.end(id)));
  }

  private async end(id: string): Promise<void> {
    const registration = this.registrations.get(id);
    if (!registration) return;
    this.registrations.delete(id);
    clearTimeout(registration.timer);
    await registration.stream.close();
  }

  /** Connects, secures the stream (Direct TLS or STARTTLS, verified) and waits for its features. */
  private async open(domain: string, host: string | null, port: number | null): Promise<RegistrationStream> {
    const { log, extraCa } = this.options;
    const entity = new GuardedClient({ service: '', domain, lang: 'en', timeout: 10_000 });
    const failure: FailAttempt = (error, retry) => new SessionFailure(error, retry);
    const verifier = new TlsVerifier({ domain, pinnedCertificates: [], extraCa, fail: failure });
    const endpoints = new Endpoints(domain, { host, port }, this.options.resolveSrv ?? true, this.options.srvLookup);
    let verified = false;
    tcp({ entity });
    useDirectTls(entity, verifier, {
      onVerified: () => (verified = true),
      onUnreachable: () => endpoints.unreachable(),
    });
    const middleware = createMiddleware({ entity });
    const iqGuard = createIqGuard({ jid: () => entity.jid, domain, log });
    const ready = new Promise<void>((resolve, reject) => {
      entity.on('error', reject);
      entity.on('disconnect', () => reject(failure({ kind: 'unreachable', reason: 'connection.closed' }, 'never')));
      middleware.use(async (ctx, next) => {
        if (!ctx.stanza.is('features', NS_STREAM)) return next();
        // Never registers over a stream that is not TLS verified for the domain: no STARTTLS, no form.
        if (entity.isSecure() && verified) return resolve();
        if (!ctx.stanza.getChild('starttls', NS_TLS)) {
          return reject(failure({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never'));
        }
        await startTls(entity, verifier, failure, () => (verified = true));
      });
    });
    ready.catch(() => {});
    middleware.use(iqGuard.middleware);
    const iqCaller = createIqCaller({ middleware, entity });
    iqGuard.wrap(iqCaller);
    const close = async () => {
      try {
        await withTimeout(entity.stop(), 3_000);
      } catch {
        // gone already
      }
      entity.socket?.destroy();
    };
    try {
      await withTimeout(
        (async () => {
          await entity.connect(serviceOf(await endpoints.next()));
          await entity.open({ domain, lang: 'en' });
          await ready;
          // A second lock: whatever resolved `ready`, nothing is asked over a stream not verified for the domain.
          if (!entity.isSecure() || !verified) {
            throw failure({ kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' }, 'never');
          }
        })(),
        CONNECT_TIMEOUT_MS,
        'registration connect timeout',
      );
    } catch (error) {
      await close();
      const timedOut = error instanceof Error && error.message === 'registration connect timeout';
      throw timedOut ? Object.assign(error, { name: 'TimeoutError' }) : error;
    }
    log.info('registration stream open', { domain });
    return { entity, iqCaller, close };
  }
}

/** A failed connection, with the session's classification (certificates included) as the reason. */
function connectFailure(error: unknown): Result<never> {
  const { error: classified } = classifyError(error);
  const { kind, certificate, ...connection } = classified;
  return fail(kind === 'unreachable' ? 'not_connected' : 'forbidden', 'registration.connectFailed', {
    connection,
    certificate: certificate ? { fingerprint256: certificate.fingerprint256, problem: certificate.problem } : null,
  });
}
