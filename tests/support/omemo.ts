/**
 * OMEMO devices for unit tests and benchmarks: each one a real engine (Omemo03) on its own SQLite
 * store and secret store, publishing to a shared MemoryPep.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { createIdentityVault } from '../../src/main/core/encryption/identity-vault';
import { Omemo03 } from '../../src/main/core/encryption/omemo/omemo03';
import type { EncryptResult } from '../../src/main/core/encryption/types';
import { silentLogger } from '../../src/main/core/log';
import { createMemorySecretStore, type SecretStore } from '../../src/main/core/secrets';
import type { Db } from '../../src/main/core/store/db';
import { OmemoRepository } from '../../src/main/core/store/omemo-repo';
import { memoryDbWithAccount } from './db';
import { parseStanza } from './xml';
import { waitUntil } from './wait';
import type { MemoryPep } from './memory-pep';

export interface TestDevice {
  jid: string;
  accountId: string;
  db: Db;
  repo: OmemoRepository;
  secrets: SecretStore;
  engine: Omemo03;
  deviceId: number;
  /** Opens the engine again on the same store and secrets (a restart). */
  restart(secrets?: SecretStore): Promise<TestDevice>;
}

export async function openDevice(
  pep: MemoryPep,
  jid: string,
  options: { secrets?: SecretStore; db?: Db; accountId?: string; online?: boolean } = {},
): Promise<TestDevice> {
  const accountId = options.accountId ?? randomUUID();
  const db = options.db ?? memoryDbWithAccount(accountId, jid);
  const repo = new OmemoRepository(db);
  const secrets = options.secrets ?? createMemorySecretStore();
  const engine = await Omemo03.open({
    repo,
    vault: createIdentityVault(secrets),
    accountId,
    ownJid: jid,
    log: silentLogger,
  });
  pep.listen(`${jid} ${accountId} ${randomUUID()}`, (stanza) => engine.handleEvent(stanza));
  if (options.online !== false) await engine.online(pep.clientFor(jid));
  const device: TestDevice = {
    jid,
    accountId,
    db,
    repo,
    secrets,
    engine,
    deviceId: engine.status().deviceId,
    restart: (next) => openDevice(pep, jid, { secrets: next ?? secrets, db, accountId, online: options.online }),
  };
  return device;
}

/** The <message/> a client would send with an encryption result's children. */
export function messageWith(result: EncryptResult, from: string, to: string): Element {
  if (!result.ok) throw new Error(`encryption failed: ${result.reason}`);
  return xml('message', { from, to, type: 'chat', id: randomUUID() }, ...result.children);
}

/** A deep copy, as a stanza arriving twice would be. */
export function copy(stanza: Element): Element {
  return parseStanza(stanza.toString());
}

/** Lets queued PEP event handling and publishes run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Until each device knows the devices opened after it: their device list events (pushed by the
 * MemoryPep when each published its list) were applied. Pass the devices in the order they opened.
 */
export async function listsApplied(...devices: TestDevice[]): Promise<void> {
  const knows = (device: TestDevice, other: TestDevice) =>
    device.engine.devices(other.jid).some((d) => d.deviceId === other.deviceId && d.active);
  await waitUntil('device lists applied', () =>
    devices.every((device, i) => devices.slice(i + 1).every((later) => knows(device, later))),
  );
}
