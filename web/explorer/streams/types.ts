/**
 * What the explorer knows about one stream type: how to describe its events
 * in a line, how to show its state at a version, an optional chart over its
 * versions, and how Apollo's cache keys the objects its state view queries.
 * Stream types without an entry get the raw view (streams/raw.tsx).
 */
import type { TypePolicies } from '@apollo/client';
import type { ComponentType } from 'react';
import type { EventFieldsFragment } from '../gql/graphql';

/** The part of an event the registry's functions read. */
export type EventSummary = Pick<EventFieldsFragment, 'type' | 'data'>;
export type VersionedEvent = Pick<EventFieldsFragment, 'type' | 'data' | 'version'>;

/** How an event type's tag is coloured: a stream beginning, a value going up or down, a stream ending. */
export type Tone = 'start' | 'up' | 'down' | 'end';

export interface StateViewProps {
  streamId: string;
  version: number;
}

export interface SeriesPoint {
  version: number;
  /** Exact value (e.g. cents); turned into a number only to place the point. */
  value: bigint;
  label: string;
}

export interface ChartSeries {
  /** The chart's heading and accessible name, e.g. "Balance by version". */
  readonly title: string;
  /** The value after each version; [] when these events make no series. */
  points(events: readonly VersionedEvent[]): SeriesPoint[];
  /** Axis label for a value. */
  format(value: bigint): string;
}

export interface StreamTypeView {
  /** The stream type as the server stores it (`Event.streamType`). */
  readonly streamType: string;
  /** What a stream of this type is to a reader, e.g. "account". */
  readonly noun: string;
  /** A short line for an event of this stream type; undefined for a type this entry does not know. */
  describe(event: EventSummary): string | undefined;
  readonly tones?: Readonly<Record<string, Tone>>;
  /** The state at a version (the time-travel slider's view). */
  readonly StateView: ComponentType<StateViewProps>;
  readonly chart?: ChartSeries;
  /** Other streams an event names (a transfer's other account), linked from the timeline; the server decides who may open them. */
  links?(event: EventSummary): ReadonlyArray<{ readonly label: string; readonly streamId: string }>;
  /**
   * Event types after which the stream's earlier events and states read differently (a person forgotten:
   * their personal fields are null at every version). When one arrives live, the explorer drops what it
   * has cached and loads the stream again, so nothing it showed before lingers.
   */
  readonly erases?: readonly string[];
  /** Apollo cache policies for the GraphQL types StateView queries (e.g. keyed by id and version). */
  readonly typePolicies?: TypePolicies;
}

/** A string field of an event's data, if it is one. */
export function field(data: unknown, name: string): string | undefined {
  const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
