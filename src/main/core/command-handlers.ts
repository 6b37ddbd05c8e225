/** How the core answers commands: one handler per command name, each taking its parsed input. */
import type { CommandName, CommandOutput, ParsedInput } from '../../shared/contract';
import type { Result } from '../../shared/result';

/** A handler for each command in `C`: the input as the contract parsed it in, a result (or its promise) out. */
export type CommandHandlers<C extends CommandName> = {
  [K in C]: (input: ParsedInput<K>) => Result<CommandOutput<K>> | Promise<Result<CommandOutput<K>>>;
};
