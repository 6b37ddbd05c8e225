/**
 * The idle source of the Electron shell: system idle time and screen lock from powerMonitor.
 * Lock is known from the 'lock-screen'/'unlock-screen' events (macOS, Windows) and from
 * getSystemIdleState() reporting 'locked' (where the platform supports it, some Linux desktops too).
 */
import { powerMonitor } from 'electron';
import type { IdleSource } from '../core/features/presence/idle';

type PowerMonitorLike = Pick<typeof powerMonitor, 'getSystemIdleTime' | 'getSystemIdleState' | 'on' | 'removeListener'>;

/** Events after which the controller should look at once instead of waiting for its next poll. */
const CHANGE_EVENTS = ['lock-screen', 'unlock-screen', 'resume', 'user-did-become-active'] as const;

export interface PowerMonitorIdleSource extends IdleSource {
  dispose(): void;
}

export function createPowerMonitorIdleSource(monitor: PowerMonitorLike = powerMonitor): PowerMonitorIdleSource {
  let lockedByEvent = false;
  const onLock = () => {
    lockedByEvent = true;
  };
  const onUnlock = () => {
    lockedByEvent = false;
  };
  monitor.on('lock-screen', onLock);
  monitor.on('unlock-screen', onUnlock);
  const undos: (() => void)[] = [];

  return {
    idleSeconds: () => monitor.getSystemIdleTime(),
    isLocked: () => {
      if (lockedByEvent) return true;
      try {
        // The threshold only matters for 'idle' vs 'active'; 'locked' is reported regardless of it.
        return monitor.getSystemIdleState(1) === 'locked';
      } catch {
        return false;
      }
    },
    onChange(listener) {
      for (const event of CHANGE_EVENTS) monitor.on(event as 'resume', listener);
      const undo = () => {
        for (const event of CHANGE_EVENTS) monitor.removeListener(event as 'resume', listener);
      };
      undos.push(undo);
      return undo;
    },
    dispose() {
      monitor.removeListener('lock-screen', onLock);
      monitor.removeListener('unlock-screen', onUnlock);
      for (const undo of undos.splice(0)) undo();
    },
  };
}
