/** The powerMonitor idle source with `electron` stubbed by an EventEmitter-based fake. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ powerMonitor: {} }));

import { createPowerMonitorIdleSource } from '../../../../src/main/shell/idle-source';

class FakePowerMonitor extends EventEmitter {
  idle = 0;
  state: 'active' | 'idle' | 'locked' | 'unknown' = 'active';
  getSystemIdleTime = vi.fn(() => this.idle);
  getSystemIdleState = vi.fn((_threshold: number) => this.state);
}

function setup() {
  const monitor = new FakePowerMonitor();
  const source = createPowerMonitorIdleSource(monitor as never);
  return { monitor, source };
}

describe('powerMonitor idle source', () => {
  it('reports the system idle time in seconds', () => {
    const { monitor, source } = setup();
    monitor.idle = 321;
    expect(source.idleSeconds()).toBe(321);
  });

  it('is locked between lock-screen and unlock-screen', () => {
    const { monitor, source } = setup();
    expect(source.isLocked!()).toBe(false);
    monitor.emit('lock-screen');
    expect(source.isLocked!()).toBe(true);
    monitor.emit('unlock-screen');
    expect(source.isLocked!()).toBe(false);
  });

  it('is locked when the idle state says so (platforms without lock events)', () => {
    const { monitor, source } = setup();
    monitor.state = 'locked';
    expect(source.isLocked!()).toBe(true);
    monitor.state = 'idle';
    expect(source.isLocked!()).toBe(false);
    monitor.getSystemIdleState.mockImplementation(() => {
      throw new Error('unsupported');
    });
    expect(source.isLocked!()).toBe(false);
  });

  it('signals lock, unlock, resume and user activity, until undone', () => {
    const { monitor, source } = setup();
    const listener = vi.fn();
    const undo = source.onChange!(listener);
    monitor.emit('lock-screen');
    // The lock flag is already set when the listener runs.
    expect(source.isLocked!()).toBe(true);
    monitor.emit('unlock-screen');
    monitor.emit('resume');
    monitor.emit('user-did-become-active');
    monitor.emit('on-battery');
    expect(listener).toHaveBeenCalledTimes(4);
    undo();
    monitor.emit('resume');
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it('removes every listener on dispose', () => {
    const { monitor, source } = setup();
    source.onChange!(vi.fn());
    expect(monitor.listenerCount('lock-screen')).toBe(2);
    source.dispose();
    for (const event of ['lock-screen', 'unlock-screen', 'resume', 'user-did-become-active']) {
      expect(monitor.listenerCount(event)).toBe(0);
    }
  });

  it('drives the IdleController: a lock goes away at once', async () => {
    const { IdleController } = await import('../../../../src/main/core/features/presence/idle');
    const { monitor, source } = setup();
    const presence = new Map([['a', { show: 'available' as const, status: null }]]);
    const controller = new IdleController({
      source,
      accounts: {
        accountIds: () => [...presence.keys()],
        own: (id) => presence.get(id),
        setOwn: (id, next) => void presence.set(id, next as never),
      },
      clock: { now: () => 0, setInterval: () => 1, clearInterval: () => {} },
    });
    controller.start();
    await controller.settled();
    monitor.emit('lock-screen');
    await controller.settled();
    expect(presence.get('a')!.show).toBe('away');
    monitor.emit('unlock-screen');
    await controller.settled();
    expect(presence.get('a')!.show).toBe('available');
    controller.stop();
    source.dispose();
  });
});
