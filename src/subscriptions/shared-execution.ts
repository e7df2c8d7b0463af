/**
 * Subscription execution shared between subscribers. graphql-js runs the
 * selection set once per event per subscriber; with a thousand subscribers
 * that is a thousand identical executions of every event. The log tailer
 * hands the same event object to every subscriber, so the result for an
 * (event, operation, variables, viewer) key is computed once and reused.
 *
 * The viewer is part of the key by construction: a result is only ever
 * shared between subscribers with the same rights (open, admin, or one
 * user), so a field that one day depends on who asks cannot leak another
 * subscriber's answer.
 *
 * With a frame sink (the WebSocket server passes one), results are written
 * to the subscriber's socket here (frames.ts) rather than yielded: their JSON
 * is shared too, and a source that can push (pushable.ts) hands live events
 * over synchronously, so a live event costs each subscriber a filter check
 * and a socket write.
 */
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { FrameWriter, type FrameSink } from './frames.js';
import { isPushable } from './pushable.js';

type Result = ExecutionResult | Promise<ExecutionResult>;
const results = new WeakMap<object, Map<string, Result>>();

/**
 * Sharing keys, one string per distinct key however many subscribers hold it
 * (thousands of idle subscribers of one operation keep one copy). Documents
 * are printed once each (the WebSocket server hands equal texts the same one).
 */
const printed = new WeakMap<DocumentNode, string>();
const keys = new Map<string, string>();

function sharingKey(viewer: string, args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const key = `${viewer}\n${args.operationName ?? ''}\n${text}\n${JSON.stringify(args.variableValues ?? {})}`;
  const known = keys.get(key);
  if (known !== undefined) return known;
  if (keys.size >= 10_000) keys.clear();
  keys.set(key, key);
  return key;
}

/**
 * A source may carry its own way to compute its payloads' results (a plan
 * compiled for a simple selection); it answers undefined for a payload it
 * leaves to graphql-js.
 */
export type OwnResults = (payload: unknown, contextValue: unknown) => ExecutionResult | undefined;
const ownResults = Symbol('ownResults');

/** Gives `source` its own results (see OwnResults); returns the source. */
export function withOwnResults<Source extends object>(source: Source, own: OwnResults | undefined): Source {
  if (own) Object.defineProperty(source, ownResults, { value: own });
  return source;
}

export interface SharingOptions {
  /** Who is asking, as far as results may differ: subscribers with equal keys share results. */
  viewerOf(contextValue: unknown): string;
  /** The context one event's execution runs with (default: the subscriber's own). */
  contextFor?(contextValue: unknown): unknown;
  /** Called once the subscription is set up (its subscribe resolver returned), and once when it ends. */
  onStart?(): void;
  onEnd?(): void;
  /** Write results to this subscriber's socket instead of yielding them (the iterator then only ends). */
  sink?: FrameSink | undefined;
}

export async function sharedSubscribe(args: ExecutionArgs, options: SharingOptions): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const key = sharingKey(options.viewerOf(args.contextValue), args);
  const own = (source as { [ownResults]?: OwnResults })[ownResults];
  const run = (payload: unknown) => {
    const contextValue = options.contextFor ? options.contextFor(args.contextValue) : args.contextValue;
    return own?.(payload, contextValue) ?? execute({ ...args, rootValue: payload, contextValue });
  };
  const events = source as unknown as AsyncIterableIterator<unknown>;
  const resultFor = (payload: unknown): Result => {
    if (payload === null || typeof payload !== 'object') return run(payload);
    let forPayload = results.get(payload);
    if (!forPayload) {
      forPayload = new Map();
      results.set(payload, forPayload);
    }
    let result = forPayload.get(key);
    if (!result) {
      result = run(payload);
      forPayload.set(key, result);
    }
    return result;
  };
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    options.onEnd?.();
  };
  options.onStart?.();
  if (options.sink) return writeFrames(events, resultFor, options.sink, end);
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      if (step.done) {
        end();
        return { value: undefined, done: true };
      }
      return { value: await resultFor(step.value), done: false };
    },
    return: async () => {
      end();
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Frames a pulled (catching-up) subscription may have on their way while it reads on. */
const AHEAD = 4;

/**
 * Pumps the source's results into the sink: pulled (and paced by the
 * socket) while catching up, pushed once live. The iterator handed back
 * yields nothing: it ends when the subscription does (and fails with a
 * result that could not be computed, or a failed read).
 */
function writeFrames(events: AsyncIterableIterator<unknown>, resultFor: (payload: unknown) => Result, sink: FrameSink, end: () => void): AsyncIterableIterator<ExecutionResult> {
  const stopSource = () => void events.return?.();
  const writer = new FrameWriter(sink, stopSource);
  const pump = async () => {
    if (isPushable(events)) {
      for (;;) {
        const step = await events.pull();
        if (!step || writer.stopped) break;
        writer.emit(resultFor(step.item));
        if (step.caughtUp) {
          await events.pushTo((item) => writer.emit(resultFor(item)));
          break;
        }
        // One frame on its way while the next page is read.
        await writer.settled();
        await writer.drained(AHEAD);
      }
    } else {
      for (;;) {
        const step = await events.next();
        if (step.done || writer.stopped) break;
        writer.emit(resultFor(step.value));
        await writer.settled();
        await writer.drained(AHEAD);
      }
    }
    await writer.settled();
    if (writer.error !== undefined) throw writer.error;
  };
  const finished = pump().finally(end);
  // The failure reaches graphql-ws through next(); a subscription it never iterated must not leave it unhandled.
  finished.catch(() => undefined);
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => finished.then(() => ({ value: undefined, done: true })),
    return: async () => {
      end();
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
