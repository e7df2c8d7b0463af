/** Every GraphQL operation the explorer sends; typed by the codegen client preset (./gql). */
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

export const AccountAtVersion = graphql(`
  query AccountAtVersion($id: ID!, $version: Int!) {
    account(id: $id, version: $version) {
      id
      version
      balance
      currency
      isActive
      ownerId
    }
  }
`);

export const UserAtVersion = graphql(`
  query UserAtVersion($id: ID!, $version: Int!) {
    user(id: $id, version: $version) {
      id
      version
      name
      email
    }
  }
`);
