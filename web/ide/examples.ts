/** The operations the IDE opens with, one tab each, ready to run in order. */
export interface ExampleTab {
  query: string;
  variables?: string;
}

export const exampleTabs: ExampleTab[] = [
  {
    query: `# Run with Ctrl-Enter or the play button.
# The first page of the global event log, oldest first:
query RecentEvents {
  events(first: 20) {
    edges { node { position streamId type data timestamp } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    query: `# Register a user, then open an account for them (copy the user id into the variables).
mutation Register {
  registerUser(input: { email: "ann@example.com", name: "Ann" }) {
    user { id name }
  }
}

mutation OpenAccount($ownerId: ID!) {
  openAccount(input: { ownerId: $ownerId, initialBalance: "100.00" }) {
    account { id balance version }
    events { type position }
  }
}
`,
    variables: '{ "ownerId": "" }',
  },
  {
    query: `# Deposit into an account; a repeated commandId returns the first result and appends nothing.
mutation Deposit($accountId: ID!) {
  deposit(input: { accountId: $accountId, amount: "1200.50", description: "salary" }) {
    account { balance version }
    events { type position data timestamp }
  }
}
`,
    variables: '{ "accountId": "" }',
  },
  {
    query: `# Transfer between two accounts: both change in one transaction, or neither does.
# The destination may be anyone's; it is shown (toAccount) only when you may read it.
mutation Transfer($from: ID!, $to: ID!) {
  transfer(input: { fromAccountId: $from, toAccountId: $to, amount: "25.00", reference: "INV-42", commandId: "pay-inv-42" }) {
    transfer { id amount reference timestamp }
    fromAccount { balance version }
    toAccount { balance version }
    events { streamId type position }
  }
}

# The statement of a period: opening and closing balance, and every movement with the balance after it.
query Statement($from: ID!) {
  account(id: $from) {
    statement(first: 20) {
      openingBalance closingBalance
      edges { node { direction amount balance reference counterpartyAccountId event { version type timestamp } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`,
    variables: '{ "from": "", "to": "" }',
  },
  {
    query: `# Time travel: the account as it was after its first event, and now.
query TimeTravel($id: ID!) {
  before: account(id: $id, version: 1) { balance version }
  now: account(id: $id) {
    balance version isActive
    events(first: 10) { edges { node { version type data timestamp } } }
  }
}
`,
    variables: '{ "id": "" }',
  },
  {
    query: `# Live: every event as it commits (served over graphql-ws). Leave it running and deposit in another tab.
subscription LiveEvents {
  eventAppended {
    position streamId type data timestamp
  }
}
`,
  },
];
