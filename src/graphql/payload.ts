/** What a command mutation answers: the aggregate's view right after the command, and the events it appended. */
import type { CommandResult } from '../commands/handler.js';
import type { StoredEvent } from '../eventstore/types.js';

export function commandPayload<State, View>(result: CommandResult<State>, view: (state: State, version: number) => View | null): { view: View; events: StoredEvent[] } {
  const shown = view(result.state, result.version);
  // A command that succeeded always leaves its aggregate in existence.
  if (shown === null) throw new Error('A command left no aggregate to show');
  return { view: shown, events: [...result.events] };
}
