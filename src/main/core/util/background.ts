/**
 * Work started and not awaited (a fetch at session start, a join, a flush): its failure is logged,
 * never left as an unhandled rejection, which Node would count against the whole process.
 */
import type { Logger } from '../log';

export function background(work: Promise<unknown>, log: Logger, what: string): void {
  work.catch((error: unknown) => log.error(`${what} failed`, { error }));
}
