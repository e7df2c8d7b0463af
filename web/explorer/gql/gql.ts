/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment EventFields on Event {\n    id\n    position\n    streamId\n    streamType\n    type\n    version\n    data\n    metadata\n    timestamp\n  }\n": typeof types.EventFieldsFragmentDoc,
    "\n  subscription EventFeed($streamId: ID, $afterPosition: String) {\n    eventAppended(streamId: $streamId, afterPosition: $afterPosition) {\n      ...EventFields\n    }\n  }\n": typeof types.EventFeedDocument,
    "\n  query RecentEvents($last: Int!) {\n    events(last: $last) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n    }\n  }\n": typeof types.RecentEventsDocument,
    "\n  query StreamEvents($streamId: ID!, $after: String) {\n    events(streamId: $streamId, first: 100, after: $after) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.StreamEventsDocument,
    "\n  query EventTypes {\n    eventTypes {\n      streamType\n      type\n      version\n      description\n      schema\n    }\n  }\n": typeof types.EventTypesDocument,
    "\n  query AccountAtVersion($id: ID!, $version: Int!) {\n    account(id: $id, version: $version) {\n      id\n      version\n      balance\n      currency\n      isActive\n      ownerId\n    }\n  }\n": typeof types.AccountAtVersionDocument,
    "\n  query StreamStateAt($id: ID!, $version: Int!) {\n    streamState(id: $id, version: $version) {\n      streamId\n      streamType\n      version\n      state\n    }\n  }\n": typeof types.StreamStateAtDocument,
    "\n  query UserAtVersion($id: ID!, $version: Int!) {\n    user(id: $id, version: $version) {\n      id\n      version\n      name\n      email\n      forgotten\n    }\n  }\n": typeof types.UserAtVersionDocument,
};
const documents: Documents = {
    "\n  fragment EventFields on Event {\n    id\n    position\n    streamId\n    streamType\n    type\n    version\n    data\n    metadata\n    timestamp\n  }\n": types.EventFieldsFragmentDoc,
    "\n  subscription EventFeed($streamId: ID, $afterPosition: String) {\n    eventAppended(streamId: $streamId, afterPosition: $afterPosition) {\n      ...EventFields\n    }\n  }\n": types.EventFeedDocument,
    "\n  query RecentEvents($last: Int!) {\n    events(last: $last) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n    }\n  }\n": types.RecentEventsDocument,
    "\n  query StreamEvents($streamId: ID!, $after: String) {\n    events(streamId: $streamId, first: 100, after: $after) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.StreamEventsDocument,
    "\n  query EventTypes {\n    eventTypes {\n      streamType\n      type\n      version\n      description\n      schema\n    }\n  }\n": types.EventTypesDocument,
    "\n  query AccountAtVersion($id: ID!, $version: Int!) {\n    account(id: $id, version: $version) {\n      id\n      version\n      balance\n      currency\n      isActive\n      ownerId\n    }\n  }\n": types.AccountAtVersionDocument,
    "\n  query StreamStateAt($id: ID!, $version: Int!) {\n    streamState(id: $id, version: $version) {\n      streamId\n      streamType\n      version\n      state\n    }\n  }\n": types.StreamStateAtDocument,
    "\n  query UserAtVersion($id: ID!, $version: Int!) {\n    user(id: $id, version: $version) {\n      id\n      version\n      name\n      email\n      forgotten\n    }\n  }\n": types.UserAtVersionDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventFields on Event {\n    id\n    position\n    streamId\n    streamType\n    type\n    version\n    data\n    metadata\n    timestamp\n  }\n"): (typeof documents)["\n  fragment EventFields on Event {\n    id\n    position\n    streamId\n    streamType\n    type\n    version\n    data\n    metadata\n    timestamp\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EventFeed($streamId: ID, $afterPosition: String) {\n    eventAppended(streamId: $streamId, afterPosition: $afterPosition) {\n      ...EventFields\n    }\n  }\n"): (typeof documents)["\n  subscription EventFeed($streamId: ID, $afterPosition: String) {\n    eventAppended(streamId: $streamId, afterPosition: $afterPosition) {\n      ...EventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentEvents($last: Int!) {\n    events(last: $last) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecentEvents($last: Int!) {\n    events(last: $last) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StreamEvents($streamId: ID!, $after: String) {\n    events(streamId: $streamId, first: 100, after: $after) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query StreamEvents($streamId: ID!, $after: String) {\n    events(streamId: $streamId, first: 100, after: $after) {\n      edges {\n        node {\n          ...EventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventTypes {\n    eventTypes {\n      streamType\n      type\n      version\n      description\n      schema\n    }\n  }\n"): (typeof documents)["\n  query EventTypes {\n    eventTypes {\n      streamType\n      type\n      version\n      description\n      schema\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountAtVersion($id: ID!, $version: Int!) {\n    account(id: $id, version: $version) {\n      id\n      version\n      balance\n      currency\n      isActive\n      ownerId\n    }\n  }\n"): (typeof documents)["\n  query AccountAtVersion($id: ID!, $version: Int!) {\n    account(id: $id, version: $version) {\n      id\n      version\n      balance\n      currency\n      isActive\n      ownerId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StreamStateAt($id: ID!, $version: Int!) {\n    streamState(id: $id, version: $version) {\n      streamId\n      streamType\n      version\n      state\n    }\n  }\n"): (typeof documents)["\n  query StreamStateAt($id: ID!, $version: Int!) {\n    streamState(id: $id, version: $version) {\n      streamId\n      streamType\n      version\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserAtVersion($id: ID!, $version: Int!) {\n    user(id: $id, version: $version) {\n      id\n      version\n      name\n      email\n      forgotten\n    }\n  }\n"): (typeof documents)["\n  query UserAtVersion($id: ID!, $version: Int!) {\n    user(id: $id, version: $version) {\n      id\n      version\n      name\n      email\n      forgotten\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;