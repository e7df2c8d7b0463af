/**
 * An append through the store's codec: the events are encoded (personal
 * fields sealed), sent with what the encoding relies on (e.g. a new
 * person's data key, stored in the same transaction as the first events
 * sealed with it), and the codec is told how it ended. When the codec says
 * the failure was its own (another process stored a different key first),
 * the append is encoded afresh and sent again, a few times at most.
 */
import type { WriteItem, WriteResult } from './batch.js';
import type { EventCodec, MultiStreamAppendRequest, MultiStreamAppendResult } from './types.js';

/** Encodings tried per append before its error is given up to the caller. */
const ATTEMPTS = 3;

export async function appendEncoded(
  codec: EventCodec,
  submit: (item: WriteItem) => Promise<WriteResult>,
  request: MultiStreamAppendRequest,
): Promise<MultiStreamAppendResult> {
  for (let attempt = 1; ; attempt++) {
    const encoded = await codec.encodeAppend(request.streams);
    const item: WriteItem = {
      kind: 'append',
      request: { ...request, streams: request.streams.map((part, s) => ({ ...part, events: encoded.events[s]! })) },
      carried: encoded.carried,
    };
    let result: MultiStreamAppendResult;
    try {
      result = (await submit(item)) as MultiStreamAppendResult;
    } catch (error) {
      // The append's own error is the one to report, whatever settling it met.
      if ((await encoded.settle(false, error).catch(() => false)) && attempt < ATTEMPTS) continue;
      throw error;
    }
    await encoded.settle(result.status === 'appended').catch(() => false);
    if (result.status !== 'appended') return result;
    // The writer's own events, as written before encoding (the i-th stored event of a stream is the i-th of its request).
    return {
      ...result,
      streams: result.streams.map((part, s) => ({ ...part, events: part.events.map((event, i) => ({ ...event, data: request.streams[s]!.events[i]!.data })) })),
    };
  }
}
