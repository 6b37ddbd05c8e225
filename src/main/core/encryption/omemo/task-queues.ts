/** Tasks run one after another per key (a JID: its sessions and device list), in parallel across keys. */
export class TaskQueues {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after the tasks already queued for `key` have settled; a failed one does not stop the next. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
