/**
 * The listeners of one kind of news: each is told in turn, and one that throws does not keep the
 * others from hearing it. A listener removed while they are told is not told after.
 */
export class Listeners<T = void> {
  private readonly listeners = new Set<(value: T) => void>();

  get size(): number {
    return this.listeners.size;
  }

  /** Adds `listener`; returns what removes it. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells every listener; `onError` hears of each that threw. */
  tell(value: T, onError: (error: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
