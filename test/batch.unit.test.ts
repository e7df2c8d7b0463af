/** The pure decision both append paths share: verdicts, versions and positions within one batch. */
import { describe, expect, it } from 'vitest';
import { commandKey, decide, nextTimestamp, type StreamState, type WriteItem } from '../src/eventstore/batch.js';
import type { AppendRequest, CommandRecord } from '../src/eventstore/types.js';

const at = new Date('2026-11-30T10:00:00Z');
const append = (streamId: string, expectedVersion: AppendRequest['expectedVersion'], events = 1, commandId?: string, actor = ''): WriteItem => ({
  kind: 'append',
  request: {
    streams: [{ streamId, streamType: 'BankAccount', expectedVersion, events: newEvents(events) }],
    ...(commandId ? { command: { id: commandId, type: 'Deposit', actor } } : {}),
  },
});
const newEvents = (count: number) => Array.from({ length: count }, (_, i) => ({ type: 'money_deposited', data: { i }, metadata: {} }));
const record = (commandId: string, actor: string, streamId: string, version: number): CommandRecord => ({
  commandId,
  actor,
  commandType: 'Deposit',
  streamId,
  firstVersion: version,
  lastVersion: version,
  streams: [{ streamId, firstVersion: version, lastVersion: version }],
  fingerprint: null,
});

describe('deciding a batch', () => {
  it('decides each append on the state the earlier ones left, with contiguous positions', () => {
    const streams = new Map<string, StreamState>([['a', { version: 2, type: 'BankAccount' }]]);
    const batch = decide(
      [append('a', 2, 2), append('a', 2), append('b', 'no_stream'), append('a', 'any'), { kind: 'snapshot', snapshot: { streamId: 'a', streamType: 'BankAccount', version: 2, revision: 1, state: {} } }],
      10n,
      at,
      streams,
      new Map(),
    );
    expect(batch.results.map((result) => result?.status ?? 'snapshot')).toEqual(['appended', 'conflict', 'appended', 'appended', 'snapshot']);
    // The conflicting append reports the version the first one left, and takes no position.
    expect(batch.results[1]).toEqual({ status: 'conflict', streamId: 'a', actualVersion: 4 });
    expect(batch.events.map((event) => [event.streamId, event.version, event.position])).toEqual([
      ['a', 3, 11n],
      ['a', 4, 12n],
      ['b', 1, 13n],
      ['a', 5, 14n],
    ]);
    expect(batch.head).toBe(14n);
    expect(streams.get('a')).toEqual({ version: 5, type: 'BankAccount' });
    expect(batch.events.every((event) => event.timestamp === at)).toBe(true);
  });

  it('answers a repeated command id with its first record, within the batch and from before it', () => {
    const earlier = record('old', '', 'a', 1);
    const batch = decide([append('a', 'any', 1, 'new'), append('a', 'any', 1, 'new'), append('a', 'any', 1, 'old')], 0n, at, new Map(), new Map([[commandKey('', 'old'), earlier]]));
    expect(batch.results.map((result) => result?.status)).toEqual(['appended', 'duplicate', 'duplicate']);
    expect(batch.results[1]).toMatchObject({ status: 'duplicate', command: { commandId: 'new', actor: '', firstVersion: 1, lastVersion: 1, position: 1n } });
    expect(batch.results[2]).toEqual({ status: 'duplicate', command: earlier });
    expect(batch.events).toHaveLength(1);
    expect(batch.commands).toEqual([{ ...record('new', '', 'a', 1), position: 1n }]);
  });

  it("scopes command ids by actor: another actor's command with the same id is a new command", () => {
    const alices = record('pay-1', 'alice', 'a', 1);
    const batch = decide(
      [append('a', 'any', 1, 'pay-1', 'mallory'), append('a', 'any', 1, 'pay-1', 'alice'), append('a', 'any', 1, 'pay-1', 'mallory'), append('a', 'any', 1, 'pay-1', '')],
      1n,
      at,
      new Map([['a', { version: 1, type: 'BankAccount' }]]),
      new Map([[commandKey('alice', 'pay-1'), alices]]),
    );
    expect(batch.results.map((result) => result?.status)).toEqual(['appended', 'duplicate', 'duplicate', 'appended']);
    expect(batch.results[1]).toEqual({ status: 'duplicate', command: alices });
    expect(batch.results[2]).toMatchObject({ status: 'duplicate', command: { actor: 'mallory', firstVersion: 2 } });
    expect(batch.commands.map((command) => [command.actor, command.firstVersion])).toEqual([
      ['mallory', 2],
      ['', 3],
    ]);
  });

  it('refuses an append to an id that belongs to another stream type', () => {
    const streams = new Map<string, StreamState>([['u', { version: 1, type: 'User' }]]);
    expect(decide([append('u', 'any')], 5n, at, streams, new Map()).results[0]).toEqual({ status: 'conflict', streamId: 'u', actualVersion: 1 });
  });

  it('appends several streams as one: all checked first, consecutive positions, one command record', () => {
    const two = (from: number | 'any', to: number | 'any', commandId?: string): WriteItem => ({
      kind: 'append',
      request: {
        streams: [
          { streamId: 'from', streamType: 'BankAccount', expectedVersion: from, events: newEvents(1) },
          { streamId: 'to', streamType: 'BankAccount', expectedVersion: to, events: newEvents(1) },
        ],
        ...(commandId ? { command: { id: commandId, type: 'Transfer', actor: 'ann', fingerprint: 'f1' } } : {}),
      },
    });
    const streams = new Map<string, StreamState>([
      ['from', { version: 3, type: 'BankAccount' }],
      ['to', { version: 7, type: 'BankAccount' }],
    ]);
    const batch = decide([two(3, 7, 't1'), two(4, 6), append('to', 8), two('any', 'any', 't1')], 20n, at, streams, new Map());
    expect(batch.results.map((result) => result?.status)).toEqual(['appended', 'conflict', 'appended', 'duplicate']);
    // The second one's source matched, its destination did not: it wrote to neither.
    expect(batch.results[1]).toEqual({ status: 'conflict', streamId: 'to', actualVersion: 8 });
    expect(batch.events.map((event) => [event.streamId, event.version, event.position])).toEqual([
      ['from', 4, 21n],
      ['to', 8, 22n],
      ['to', 9, 23n],
    ]);
    expect(batch.results[0]).toMatchObject({ status: 'appended', streams: [{ streamId: 'from', version: 4 }, { streamId: 'to', version: 8 }] });
    expect(batch.commands).toEqual([
      {
        commandId: 't1',
        actor: 'ann',
        commandType: 'Transfer',
        streamId: 'from',
        firstVersion: 4,
        lastVersion: 4,
        streams: [
          { streamId: 'from', firstVersion: 4, lastVersion: 4 },
          { streamId: 'to', firstVersion: 8, lastVersion: 8 },
        ],
        fingerprint: 'f1',
        position: 22n,
      },
    ]);
  });

  it('never moves time backwards along the log', () => {
    const later = new Date(at.getTime() + 1_000);
    expect(nextTimestamp(at, later)).toBe(later);
    expect(nextTimestamp(later, at)).toBe(later);
  });
});
