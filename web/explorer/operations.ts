/**
 * The explorer's generic GraphQL operations (those of one stream type live in
 * its file in streams/); typed by the codegen client preset (./gql).
 */
import { graphql } from './gql';

export const EventFields = graphql(`
  fragment EventFields on Event {
    id
    position
    streamId
    streamType
    type
    version
    data
    metadata
    timestamp
  }
`);

export const EventFeed = graphql(`
  subscription EventFeed($streamId: ID, $afterPosition: String) {
    eventAppended(streamId: $streamId, afterPosition: $afterPosition) {
      ...EventFields
    }
  }
`);

export const RecentEvents = graphql(`
  query RecentEvents($last: Int!) {
    events(last: $last) {
      edges {
        node {
          ...EventFields
        }
      }
    }
  }
`);

export const StreamEvents = graphql(`
  query StreamEvents($streamId: ID!, $after: String) {
    events(streamId: $streamId, first: 100, after: $after) {
      edges {
        node {
          ...EventFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const EventTypes = graphql(`
  query EventTypes {
    eventTypes {
      streamType
      type
      version
      description
      schema
    }
  }
`);
