/** Types of prng.mjs. */
export function prng(seed: number): () => number;
