/** One fact of a FactList: a term and its value (left out when empty). */
export interface Fact {
  term: string;
  value: string | null | undefined;
  /** Text written by others (names, descriptions): its direction follows its text. */
  auto?: boolean;
}
