/**
 * The one seeded generator (mulberry32) of the tests and the benches: the same seed gives the same
 * numbers in [0, 1) on every run and every machine, so a workload or a generated case can be replayed.
 * Plain JavaScript (types in prng.d.mts), so that node runs it as it is: the bench servers import it too.
 */
export function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
