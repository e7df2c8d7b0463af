/**
 * Subscription results written straight to the subscriber's socket as
 * graphql-ws `next` messages, instead of being yielded to graphql-ws.
 *
 * graphql-ws serialises every message it sends, payload included, once per
 * subscriber, and awaits a promise per message. Results here are shared
 * between subscribers of the same operation with the same rights (see
 * shared-execution.ts), so their JSON is too: it is made once per result,
 * and each subscriber's frame is its own message prefix (which names its
 * subscription id) around that same text.
 *
 * Each writer counts its frames that have not left the process yet; a
 * subscriber whose socket stops taking them while more than `bufferLimit`
 * wait is too slow and is cut off (the connection closed with 4413; see
 * backlog.ts), as a subscriber whose live events queue up unread is.
 */
import type { ExecutionResult } from 'graphql';
import { BacklogWatch } from './backlog.js';

/** Where one subscription's results go. */
export interface FrameSink {
  /** The graphql-ws subscription id the frames carry. */
  readonly id: string;
  /** Sends one text frame; `written` is called once it has left the process (or the socket is gone). */
  send(frame: string, written: () => void): void;
  /** The result as the client may see it (errors masked): the same for every subscriber, so applied once per result. */
  format(result: ExecutionResult): object;
  /** Frames a subscriber may leave unwritten before it counts as too slow. */
  readonly bufferLimit: number;
  /** Called once when the subscriber is too slow (closes its connection). */
  tooSlow(): void;
}

type Result = ExecutionResult | Promise<ExecutionResult>;

/** The JSON text of each result, made once however many subscribers it goes to. */
const texts = new WeakMap<ExecutionResult, string>();

function textOf(result: ExecutionResult, format: FrameSink['format']): string {
  let text = texts.get(result);
  if (text === undefined) {
    text = JSON.stringify(format(result));
    texts.set(result, text);
  }
  return text;
}

const isPromise = (value: Result): value is Promise<ExecutionResult> => typeof (value as Promise<ExecutionResult>).then === 'function';

/** Writes one subscription's results in order, sync results at once, async ones after those before them. */
export class FrameWriter {
  private readonly prefix: string;
  private unwritten = 0;
  /** Results not yet written because an earlier one is still being computed. */
  private chained = 0;
  private chain: Promise<void> = Promise.resolve();
  private waiter: { below: number; resolve: () => void } | undefined;
  private readonly watch: BacklogWatch;
  private readonly written = () => {
    this.unwritten--;
    this.watch.progressed();
    if (this.waiter && this.unwritten <= this.waiter.below) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  };
  /** Set once the subscriber was cut off or a result failed: nothing more is written. */
  stopped = false;
  /** A result that could not be computed (the subscription then fails with it). */
  error: unknown;

  constructor(
    private readonly sink: FrameSink,
    private readonly onStop: () => void,
  ) {
    this.prefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
    this.watch = new BacklogWatch(sink.bufferLimit, () => this.unwritten, () => {
      this.stop();
      this.sink.tooSlow();
    });
  }

  emit(result: Result): void {
    if (this.stopped) return;
    if (this.chained === 0 && !isPromise(result)) return this.write(result);
    this.chained++;
    this.chain = this.chain
      .then(() => result)
      .then(
        (value) => this.write(value),
        (error: unknown) => this.stop(error),
      )
      .finally(() => this.chained--);
  }

  /** Resolves once at most `below` frames are still to be written (catch-up reads wait on the socket). */
  drained(below: number): Promise<void> {
    if (this.unwritten <= below || this.stopped) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { below, resolve }));
  }

  /** Resolves once every result emitted so far has been written (or dropped because the writer stopped). */
  settled(): Promise<void> {
    return this.chain;
  }

  private write(result: ExecutionResult): void {
    if (this.stopped) return;
    this.unwritten++;
    this.sink.send(`${this.prefix}${textOf(result, this.sink.format)}}`, this.written);
    this.watch.grew();
  }

  private stop(error?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watch.stop();
    this.error = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
    this.onStop();
  }
}
