/**
 * The stream types the explorer has views for. Adding one: a file in this
 * folder exporting a StreamTypeView, and a line in `views` below. Every other
 * stream type is shown raw (streams/raw.tsx): its events, and its state as JSON.
 */
import type { TypePolicies } from '@apollo/client';
import type { ComponentType } from 'react';
import { bankAccountView } from './bank-account';
import { describeRaw, RawState, rawTypePolicies } from './raw';
import type { EventSummary, StateViewProps, StreamTypeView, Tone } from './types';
import { userView } from './user';

const views: readonly StreamTypeView[] = [bankAccountView, userView];

const byStreamType = new Map(views.map((view) => [view.streamType, view]));

/** The registry's entry for a stream type, undefined when it has none. */
export function viewOf(streamType: string): StreamTypeView | undefined {
  return byStreamType.get(streamType);
}

export const knownStreamTypes: readonly StreamTypeView[] = views;

/** A short line for any event: its stream type's own text, else its data as compact JSON. */
export function describeEvent(event: EventSummary & { streamType: string }): string {
  return viewOf(event.streamType)?.describe(event) ?? describeRaw(event);
}

/** The streams an event links to (its stream type's own links, none for the raw view). */
export function linksOf(event: EventSummary & { streamType: string }): ReadonlyArray<{ label: string; streamId: string }> {
  return viewOf(event.streamType)?.links?.(event) ?? [];
}

/** Whether this event changes how the stream's earlier events and states read (see StreamTypeView.erases). */
export function erasesHistory(event: { streamType: string; type: string }): boolean {
  return viewOf(event.streamType)?.erases?.includes(event.type) ?? false;
}

export function toneOf(event: { streamType: string; type: string }): Tone | undefined {
  return viewOf(event.streamType)?.tones?.[event.type];
}

/** The state view at a version: the registry's, else the raw JSON one. */
export function stateViewOf(streamType: string): ComponentType<StateViewProps> {
  return viewOf(streamType)?.StateView ?? RawState;
}

/** Apollo's type policies: every entry's, and the raw view's. */
export function registryTypePolicies(): TypePolicies {
  return Object.assign({}, rawTypePolicies, ...views.map((view) => view.typePolicies ?? {}));
}
