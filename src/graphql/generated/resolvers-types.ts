import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AccountView, AccountSummaryView } from '../../accounts/read-model.js';
import type { UserView } from '../../users/view.js';
import type { StoredEvent } from '../../eventstore/types.js';
import type { StoredEventBatch } from '../../subscriptions/event-batches.js';
import type { GraphQLContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * An instant in time, written as ISO-8601 in UTC with milliseconds, e.g. "2026-11-30T06:23:51.123Z".
   * Input accepts any ISO-8601 date-time with a time zone that names a real instant in the years 0001 to 9999;
   * impossible ones ("2026-02-30T...", "T24:00", second 60, 29 February outside leap years) are BAD_USER_INPUT.
   */
  DateTime: { input: Date; output: Date | string; }
  /**
   * An exact amount of money, written as a JSON string with two fraction digits, e.g. "1300.00".
   * Input is plain decimal text with at most two fraction digits ("12", "12.5", "12.50");
   * "abc", "1e3", "0.001" and numbers given as JSON numbers are rejected with BAD_USER_INPUT.
   */
  Decimal: { input: bigint; output: bigint | string; }
  /** Any JSON value: event payloads and metadata. */
  JSON: { input: unknown; output: unknown; }
};

/** A bank account: its state replayed from its events (or read from the accounts read model in lists). */
export type Account = {
  __typename?: 'Account';
  /** Current balance (or the balance at the requested version or time). */
  balance: Scalars['Decimal']['output'];
  /** When the account was opened. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** ISO 4217-style code of three capital letters, e.g. USD. */
  currency: Scalars['String']['output'];
  /**
   * The account's events up to this state's version, oldest first. `after` takes an event cursor (a global
   * position). With `reference`, only the deposits, withdrawals and transfers that carry that payment reference.
   */
  events: EventConnection;
  /** The account id (the id of its event stream). */
  id: Scalars['ID']['output'];
  /** False once the account is closed. */
  isActive: Scalars['Boolean']['output'];
  /** The user who owns the account, at its current version. */
  owner?: Maybe<User>;
  /** Id of the user who owns the account. */
  ownerId: Scalars['ID']['output'];
  /**
   * The account's statement for a period: the balance at its start and end, and every event in it with the
   * balance after each, computed from the log (time travel to the period's start, then the events in it). `from`
   * and `to` are inclusive; `from` left out means since the account was opened, `to` left out means up to this
   * state's version. A page at a time, oldest first: `after` takes a line's cursor (its version in the stream),
   * `first` defaults to the server's page size. BAD_USER_INPUT when `to` is before `from`.
   */
  statement: Statement;
  /** Number of events applied to reach this state. */
  version: Scalars['Int']['output'];
};


/** A bank account: its state replayed from its events (or read from the accounts read model in lists). */
export type AccountEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  reference?: InputMaybe<Scalars['String']['input']>;
};


/** A bank account: its state replayed from its events (or read from the accounts read model in lists). */
export type AccountStatementArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A page of accounts in the order they were opened. */
export type AccountConnection = {
  __typename?: 'AccountConnection';
  /** The accounts of this page. */
  edges: Array<AccountEdge>;
  /** Where this page ends and whether more follow. */
  pageInfo: PageInfo;
};

/** One account in a page of accounts. */
export type AccountEdge = {
  __typename?: 'AccountEdge';
  /** Pass as `after` to continue after this account. */
  cursor: Scalars['String']['output'];
  /** The account. */
  node: Account;
};

/** What an account command did: the account after it, and the events it appended. */
export type AccountPayload = {
  __typename?: 'AccountPayload';
  /** The account's state right after the command. */
  account: Account;
  /** The events the command appended (for a repeated commandId: those of the first time). */
  events: Array<Event>;
};

/** Totals of an account's deposits, withdrawals and transfers (the initial balance is not a transaction). */
export type AccountSummary = {
  __typename?: 'AccountSummary';
  /** The account the summary is of. */
  accountId: Scalars['ID']['output'];
  /** When the account was opened. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the account last had an event (opening, a transaction or closing). */
  lastActivity?: Maybe<Scalars['DateTime']['output']>;
  /** Sum of all deposits (exact at any size). */
  totalDeposits: Scalars['Decimal']['output'];
  /** Sum of all money transferred in from other accounts (exact at any size). */
  totalTransfersIn: Scalars['Decimal']['output'];
  /** Sum of all money transferred out to other accounts (exact at any size). */
  totalTransfersOut: Scalars['Decimal']['output'];
  /** Sum of all withdrawals (exact at any size). */
  totalWithdrawals: Scalars['Decimal']['output'];
  /** Number of deposits, withdrawals and transfers in and out. */
  transactionCount: Scalars['Int']['output'];
};

/** Close an account; only an account with a zero balance can be closed (BAD_USER_INPUT otherwise). */
export type CloseAccountInput = {
  /** The account. */
  accountId: Scalars['ID']['input'];
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** When given, the command fails with CONCURRENCY_CONFLICT unless the account is at exactly this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
};

/** Put money into an open account. */
export type DepositInput = {
  /** The account. */
  accountId: Scalars['ID']['input'];
  /** A positive amount. */
  amount: Scalars['Decimal']['input'];
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** Free text kept in the event (up to 500 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When given, the command fails with CONCURRENCY_CONFLICT unless the account is at exactly this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** A payment reference (an invoice number, an order id; 1 to 140 characters), kept in the event as `reference`. Find an account's movements by it with `Account.events(reference:)`. */
  reference?: InputMaybe<Scalars['String']['input']>;
};

/**
 * One recorded fact. Events are never changed or removed; an event reads the same everywhere
 * (mutation payloads, queries and subscriptions), timestamp included.
 */
export type Event = {
  __typename?: 'Event';
  /** The event's payload. money_deposited and money_withdrawn carry `amount` as a Decimal string. */
  data: Scalars['JSON']['output'];
  /** Unique id of the event (UUID). */
  id: Scalars['ID']['output'];
  /** correlationId and causationId always; commandId when the command had one. */
  metadata: Scalars['JSON']['output'];
  /**
   * Global position in the log as a decimal integer string. Strictly increasing in commit order,
   * and never visible out of order: once a reader has seen position P, no event below P appears later.
   */
  position: Scalars['String']['output'];
  /**
   * The schema version `data` follows: always the event type's current version (see `eventTypes`). Events written
   * at an older version are never rewritten; they are upcast to the current shape whenever they are read.
   */
  schemaVersion: Scalars['Int']['output'];
  /** The schema version the event was written at. */
  storedSchemaVersion: Scalars['Int']['output'];
  /** The stream (aggregate) the event belongs to: an account id or a user id. */
  streamId: Scalars['ID']['output'];
  /** The kind of stream (its aggregate type), e.g. `BankAccount` or `User`; `eventTypes` lists them. */
  streamType: Scalars['String']['output'];
  /** When the event was committed. Never decreases along the global log. */
  timestamp: Scalars['DateTime']['output'];
  /** The event type, e.g. `money_deposited`; `eventTypes` lists every type with its schema. */
  type: Scalars['String']['output'];
  /** 1-based position of the event within its stream. */
  version: Scalars['Int']['output'];
};

/**
 * A run of consecutive matching events, as `eventsAppended` delivers them: a page of the log while the
 * subscriber catches up, then each live event on its own.
 */
export type EventBatch = {
  __typename?: 'EventBatch';
  /**
   * True once nothing is left to replay: with this batch the subscriber has every matching event up to where the
   * log was when it joined the live stream, and every later batch is live.
   */
  caughtUp: Scalars['Boolean']['output'];
  /** The events in position order (never empty). To resume later, keep the last one's `position`. */
  events: Array<Event>;
};

/** A page of events in global position order. */
export type EventConnection = {
  __typename?: 'EventConnection';
  /** The events of this page. */
  edges: Array<EventEdge>;
  /** Where this page ends and whether more follow. */
  pageInfo: PageInfo;
};

/** One event in a page of events. */
export type EventEdge = {
  __typename?: 'EventEdge';
  /** Pass as `after` to continue after this event (the event's global position). */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: Event;
};

/**
 * An event type with the JSON Schema of its data. Events are stored at the schema version they were
 * written with and read everywhere in the current shape: older versions are upcast on every read path.
 */
export type EventType = {
  __typename?: 'EventType';
  /** What the event means. */
  description: Scalars['String']['output'];
  /** JSON Schema (draft 2020-12) of the event's data at the current version. Appends are checked against it. */
  schema: Scalars['JSON']['output'];
  /** The aggregate type whose streams hold events of this type. */
  streamType: Scalars['String']['output'];
  /** The event type, e.g. `money_deposited`. */
  type: Scalars['String']['output'];
  /** The current schema version (1 and up); events written at older versions read as this one. */
  version: Scalars['Int']['output'];
};

/** Forget a user (erasure): their personal data becomes unreadable everywhere, for good. */
export type ForgetUserInput = {
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** The user to forget: yourself, or anyone for an admin. */
  userId: Scalars['ID']['input'];
};

/** Which way a statement line moved the balance. */
export type MovementDirection =
  /** Money came in: the opening balance, a deposit, a transfer from another account. */
  | 'IN'
  /** The balance did not move (closing the account). */
  | 'NONE'
  /** Money went out: a withdrawal, a transfer to another account. */
  | 'OUT';

/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /** Close an account with a zero balance (account_closed). */
  closeAccount: AccountPayload;
  /** Deposit money (money_deposited). */
  deposit: AccountPayload;
  /**
   * Forget a user (user_forgotten): their data key is destroyed in the same transaction, so their email and
   * name read as null in every query, time travel to any earlier version, event and subscription replay, on
   * every server process. Their accounts, balances and the log stay as they are; their id is never reused
   * and they can no longer act (FORGOTTEN). Only the user themselves or an admin. Forgetting twice changes nothing.
   */
  forgetUser: UserPayload;
  /** Open an account (account_created). */
  openAccount: AccountPayload;
  /** Register a new user (user_registered). */
  registerUser: UserPayload;
  /**
   * Move money between two accounts (money_transferred_out on the source, money_transferred_in on the
   * destination): one transaction, both or neither, at consecutive positions of the log.
   */
  transfer: TransferPayload;
  /** Change a user's email and/or name (user_updated with the fields that changed; no event if nothing changed). */
  updateUser: UserPayload;
  /** Withdraw money (money_withdrawn). */
  withdraw: AccountPayload;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationCloseAccountArgs = {
  input: CloseAccountInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationDepositArgs = {
  input: DepositInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationForgetUserArgs = {
  input: ForgetUserInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationOpenAccountArgs = {
  input: OpenAccountInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationRegisterUserArgs = {
  input: RegisterUserInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationTransferArgs = {
  input: TransferInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationUpdateUserArgs = {
  input: UpdateUserInput;
};


/**
 * Commands. Each appends events atomically or nothing at all. Without `expectedVersion`, concurrent
 * commands on the same aggregate all land exactly once; with it, a mismatch is CONCURRENCY_CONFLICT with
 * `extensions.expectedVersion` and `extensions.actualVersion`.
 */
export type MutationWithdrawArgs = {
  input: WithdrawInput;
};

/** Open an account for a registered user. */
export type OpenAccountInput = {
  /** Id for the new account; generated when left out. An id already in use: ALREADY_EXISTS. */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** Three capital letters; USD when left out. */
  currency?: InputMaybe<Scalars['String']['input']>;
  /** Opening balance, zero or more; 0.00 when left out. */
  initialBalance?: InputMaybe<Scalars['Decimal']['input']>;
  /** The owner; must be a registered user (NOT_FOUND otherwise). */
  ownerId: Scalars['ID']['input'];
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of the page; pass it as `after` for the next page. Null for an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Always false: pages are read forward only. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item of the page; null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * An account's state, replayed from its events. With `version: N`, the state after its first N events;
   * with `asOf: T`, the state after every event with timestamp <= T (null if it did not exist yet).
   * Unknown id: null. N < 1, N above the current version, or both arguments: BAD_USER_INPUT.
   */
  account?: Maybe<Account>;
  /** Deposit and withdrawal totals of an account (from the summaries read model); null for an unknown account. */
  accountSummary?: Maybe<AccountSummary>;
  /**
   * Accounts in the order they were opened, optionally only those of one owner (from the accounts read model).
   * `first` defaults to 20 and may not exceed the server's maximum page size (100 unless configured).
   */
  accounts: AccountConnection;
  /** Every event type this server knows, optionally those of one stream type, with their schemas. */
  eventTypes: Array<EventType>;
  /**
   * The global event log in position order. Filters combine: one stream, a stream type, any of several
   * event types, and a time range (`since` and `until` are inclusive). Cursors are global positions
   * (decimal, at most 9223372036854775807; anything else is BAD_USER_INPUT).
   * Forward: `first` events after `after` ("0", or left out, starts from the beginning). Backward: `last`
   * events before `before` (left out: the newest), still returned oldest first, with `hasPreviousPage`
   * telling whether older ones match. `first` and `last` together: BAD_USER_INPUT.
   */
  events: EventConnection;
  /**
   * Any stream's state as JSON at its current version, at `version: N` or `asOf: T` (the same rules as `account`);
   * null for an unknown id.
   */
  streamState?: Maybe<StreamState>;
  /** A user's state, with the same time-travel rules as `account`. */
  user?: Maybe<User>;
};


export type QueryAccountArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  id: Scalars['ID']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAccountSummaryArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAccountsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  ownerId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryEventTypesArgs = {
  streamType?: InputMaybe<Scalars['String']['input']>;
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['DateTime']['input']>;
  streamId?: InputMaybe<Scalars['ID']['input']>;
  streamType?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryStreamStateArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  id: Scalars['ID']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryUserArgs = {
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  id: Scalars['ID']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};

/** Register a user. A `userId` left out is generated (UUID). */
export type RegisterUserInput = {
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** Email address. */
  email: Scalars['String']['input'];
  /** Display name (1 to 200 characters). */
  name: Scalars['String']['input'];
  /** Id for the new user; generated when left out. An id already in use: ALREADY_EXISTS. */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** An account's statement for a period, with its balances, and a page of its lines. */
export type Statement = {
  __typename?: 'Statement';
  /** The account. */
  accountId: Scalars['ID']['output'];
  /** The balance at the end of the period: the opening balance plus every line's movement. */
  closingBalance: Scalars['Decimal']['output'];
  /** The account's version at the end of the period. */
  closingVersion: Scalars['Int']['output'];
  /** This page's lines, oldest first. */
  edges: Array<StatementEdge>;
  /** Start of the period (inclusive), as asked; null: since the account was opened. */
  from?: Maybe<Scalars['DateTime']['output']>;
  /** The balance just before the period (0.00 when the account did not exist yet). */
  openingBalance: Scalars['Decimal']['output'];
  /** The account's version just before the period (0 when it did not exist yet). */
  openingVersion: Scalars['Int']['output'];
  /** Where this page ends and whether more lines follow. */
  pageInfo: PageInfo;
  /** End of the period (inclusive), as asked; null: up to the account's state the statement was asked of. */
  to?: Maybe<Scalars['DateTime']['output']>;
};

/** A statement line in a page of a statement. */
export type StatementEdge = {
  __typename?: 'StatementEdge';
  /** Pass as `after` to continue after this line (the event's version in the stream). */
  cursor: Scalars['String']['output'];
  /** The line. */
  node: StatementLine;
};

/** One event of an account's statement, with the balance right after it. */
export type StatementLine = {
  __typename?: 'StatementLine';
  /** How much it moved the balance (0.00 when it did not). */
  amount: Scalars['Decimal']['output'];
  /** The balance right after this event. */
  balance: Scalars['Decimal']['output'];
  /** For a transfer: the other account (the destination of money out, the source of money in). */
  counterpartyAccountId?: Maybe<Scalars['ID']['output']>;
  /** Which way it moved the balance. */
  direction: MovementDirection;
  /** The event. */
  event: Event;
  /** The payment reference the movement carries, if any. */
  reference?: Maybe<Scalars['String']['output']>;
  /** For a transfer: its id (the same on both accounts). */
  transferId?: Maybe<Scalars['ID']['output']>;
};

/**
 * The state of one stream as JSON, for any aggregate: what the event explorer shows for a stream type it has
 * no view of its own for.
 */
export type StreamState = {
  __typename?: 'StreamState';
  /** The state as its module writes it (its snapshot encoding unless the module gives a view); null when this server has no module for the stream type. */
  state?: Maybe<Scalars['JSON']['output']>;
  /** The stream. */
  streamId: Scalars['ID']['output'];
  /** Its aggregate type, e.g. `BankAccount`. */
  streamType: Scalars['String']['output'];
  /** Number of events applied to reach this state. */
  version: Scalars['Int']['output'];
};

/**
 * Live streams over graphql-ws (`ws://HOST:PORT/graphql`, subprotocol `graphql-transport-ws`). Events come
 * from the log by global position, so they arrive in commit order with no gap and no duplicate, whichever
 * server process committed them. A subscriber that leaves more than SUBSCRIPTION_BUFFER events unread has its
 * connection closed with code 4413; it resumes by subscribing again with `afterPosition` set to the last
 * position it saw.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /** The account's state after each event committed to it from now on, in order. */
  accountChanged: Account;
  /**
   * Events matching the filters. Without `afterPosition`: those committed after the subscription starts.
   * With it: every matching event with position > afterPosition, in position order, then live ("0" = from the
   * beginning). A client that resubscribes with the last position it saw misses nothing and sees nothing twice.
   */
  eventAppended: Event;
  /**
   * The events of `eventAppended`, several to a message: the same filters, order and guarantees (no gap, no
   * duplicate; resume with `afterPosition` = the last position seen). While catching up, each page of up to
   * `maxBatch` events (1 to 1000) is one batch, so replaying a long log costs a message per page instead of one
   * per event. Once caught up, each live event is a batch of one (live events a slow subscriber left waiting
   * come together, up to `maxBatch`). A batch counts as one event against SUBSCRIPTION_BUFFER.
   */
  eventsAppended: EventBatch;
};


/**
 * Live streams over graphql-ws (`ws://HOST:PORT/graphql`, subprotocol `graphql-transport-ws`). Events come
 * from the log by global position, so they arrive in commit order with no gap and no duplicate, whichever
 * server process committed them. A subscriber that leaves more than SUBSCRIPTION_BUFFER events unread has its
 * connection closed with code 4413; it resumes by subscribing again with `afterPosition` set to the last
 * position it saw.
 */
export type SubscriptionAccountChangedArgs = {
  id: Scalars['ID']['input'];
};


/**
 * Live streams over graphql-ws (`ws://HOST:PORT/graphql`, subprotocol `graphql-transport-ws`). Events come
 * from the log by global position, so they arrive in commit order with no gap and no duplicate, whichever
 * server process committed them. A subscriber that leaves more than SUBSCRIPTION_BUFFER events unread has its
 * connection closed with code 4413; it resumes by subscribing again with `afterPosition` set to the last
 * position it saw.
 */
export type SubscriptionEventAppendedArgs = {
  afterPosition?: InputMaybe<Scalars['String']['input']>;
  streamId?: InputMaybe<Scalars['ID']['input']>;
  streamType?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};


/**
 * Live streams over graphql-ws (`ws://HOST:PORT/graphql`, subprotocol `graphql-transport-ws`). Events come
 * from the log by global position, so they arrive in commit order with no gap and no duplicate, whichever
 * server process committed them. A subscriber that leaves more than SUBSCRIPTION_BUFFER events unread has its
 * connection closed with code 4413; it resumes by subscribing again with `afterPosition` set to the last
 * position it saw.
 */
export type SubscriptionEventsAppendedArgs = {
  afterPosition?: InputMaybe<Scalars['String']['input']>;
  maxBatch?: InputMaybe<Scalars['Int']['input']>;
  streamId?: InputMaybe<Scalars['ID']['input']>;
  streamType?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};

/**
 * A transfer between two accounts, as both of its events record it (money_transferred_out on the source,
 * money_transferred_in on the destination, at consecutive positions of the log).
 */
export type Transfer = {
  __typename?: 'Transfer';
  /** The amount moved. */
  amount: Scalars['Decimal']['output'];
  /** The account the money left. */
  fromAccountId: Scalars['ID']['output'];
  /** The transfer id, carried by both events. */
  id: Scalars['ID']['output'];
  /** The payment reference, if one was given. */
  reference?: Maybe<Scalars['String']['output']>;
  /** When it was committed. */
  timestamp: Scalars['DateTime']['output'];
  /** The account the money went to. */
  toAccountId: Scalars['ID']['output'];
};

/** The versions a transfer's caller expects its two accounts at; each left out is not checked. */
export type TransferExpectedVersions = {
  /** The source account's version (CONCURRENCY_CONFLICT unless it is exactly this). */
  from?: InputMaybe<Scalars['Int']['input']>;
  /** The destination account's version (CONCURRENCY_CONFLICT unless it is exactly this). */
  to?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * Move money from one of the caller's accounts to any open account of the same currency: both accounts change in
 * one transaction or neither does.
 */
export type TransferInput = {
  /** A positive amount. */
  amount: Scalars['Decimal']['input'];
  /** Makes the transfer idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`). */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** Optimistic concurrency per account: a mismatch is CONCURRENCY_CONFLICT naming that account. Without any, the server retries on conflict. */
  expectedVersions?: InputMaybe<TransferExpectedVersions>;
  /** The source account: the caller's own (FORBIDDEN otherwise); open, holding at least `amount` (INSUFFICIENT_FUNDS). */
  fromAccountId: Scalars['ID']['input'];
  /** A payment reference (1 to 140 characters), kept in both events as `reference`. */
  reference?: InputMaybe<Scalars['String']['input']>;
  /** The destination account: anyone's, open (ACCOUNT_CLOSED), of the source's currency (BAD_USER_INPUT), not the source. */
  toAccountId: Scalars['ID']['input'];
};

/**
 * What a transfer did. It shows the destination account only to a caller who may read it (its owner or an admin):
 * another owner's account stays hidden (not its balance, owner, version or events).
 */
export type TransferPayload = {
  __typename?: 'TransferPayload';
  /** The events the transfer appended that the caller may read: the source's always, the destination's only with `toAccount` (for a repeated commandId: those of the first time). */
  events: Array<Event>;
  /** The source account right after the transfer. */
  fromAccount: Account;
  /** The destination account right after the transfer; null unless the caller may read it. */
  toAccount?: Maybe<Account>;
  /** The transfer. */
  transfer: Transfer;
};

/** Change a user's email and/or name. Fields left out stay as they are. */
export type UpdateUserInput = {
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** New email address. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** When given, the command fails with CONCURRENCY_CONFLICT unless the user is at exactly this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** New display name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The user to change. */
  userId: Scalars['ID']['input'];
};

/**
 * A registered user. Their email and name are personal data: stored encrypted with a key of their own, and
 * null for good once they are forgotten (`forgetUser`), at every version, through every read path.
 */
export type User = {
  __typename?: 'User';
  /**
   * The accounts this user owns, in the order they were opened (current state, from the accounts read model),
   * a page at a time: `first` defaults to the server's page size and may not exceed its maximum.
   */
  accounts: AccountConnection;
  /** The user's email address; null once the user was forgotten. */
  email?: Maybe<Scalars['String']['output']>;
  /** True once the user was forgotten (`forgetUser`): their personal data is gone and they can no longer act. */
  forgotten: Scalars['Boolean']['output'];
  /** The user id (the id of its event stream). */
  id: Scalars['ID']['output'];
  /** The user's display name; null once the user was forgotten. */
  name?: Maybe<Scalars['String']['output']>;
  /** Number of events applied to reach this state. */
  version: Scalars['Int']['output'];
};


/**
 * A registered user. Their email and name are personal data: stored encrypted with a key of their own, and
 * null for good once they are forgotten (`forgetUser`), at every version, through every read path.
 */
export type UserAccountsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** What a user command did: the user after it, and the events it appended. */
export type UserPayload = {
  __typename?: 'UserPayload';
  /** The events the command appended (for a repeated commandId: those of the first time). */
  events: Array<Event>;
  /** The user's state right after the command. */
  user: User;
};

/** Take money out of an open account; never below zero (INSUFFICIENT_FUNDS). */
export type WithdrawInput = {
  /** The account. */
  accountId: Scalars['ID']['input'];
  /** A positive amount, at most the balance. */
  amount: Scalars['Decimal']['input'];
  /** Makes the command idempotent for its caller: a repeat by the same caller returns the first result and appends nothing; the same id with other input is BAD_USER_INPUT (`extensions.reason: COMMAND_ID_REUSED`); another caller's command with the same id is a new command. */
  commandId?: InputMaybe<Scalars['ID']['input']>;
  /** Free text kept in the event (up to 500 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When given, the command fails with CONCURRENCY_CONFLICT unless the account is at exactly this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** A payment reference (an invoice number, an order id; 1 to 140 characters), kept in the event as `reference`. Find an account's movements by it with `Account.events(reference:)`. */
  reference?: InputMaybe<Scalars['String']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Account: ResolverTypeWrapper<AccountView>;
  AccountConnection: ResolverTypeWrapper<Omit<AccountConnection, 'edges'> & { edges: Array<ResolversTypes['AccountEdge']> }>;
  AccountEdge: ResolverTypeWrapper<Omit<AccountEdge, 'node'> & { node: ResolversTypes['Account'] }>;
  AccountPayload: ResolverTypeWrapper<Omit<AccountPayload, 'account' | 'events'> & { account: ResolversTypes['Account'], events: Array<ResolversTypes['Event']> }>;
  AccountSummary: ResolverTypeWrapper<AccountSummaryView>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CloseAccountInput: CloseAccountInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  DepositInput: DepositInput;
  Event: ResolverTypeWrapper<StoredEvent>;
  EventBatch: ResolverTypeWrapper<StoredEventBatch>;
  EventConnection: ResolverTypeWrapper<Omit<EventConnection, 'edges'> & { edges: Array<ResolversTypes['EventEdge']> }>;
  EventEdge: ResolverTypeWrapper<Omit<EventEdge, 'node'> & { node: ResolversTypes['Event'] }>;
  EventType: ResolverTypeWrapper<EventType>;
  ForgetUserInput: ForgetUserInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MovementDirection: MovementDirection;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OpenAccountInput: OpenAccountInput;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterUserInput: RegisterUserInput;
  Statement: ResolverTypeWrapper<Omit<Statement, 'edges'> & { edges: Array<ResolversTypes['StatementEdge']> }>;
  StatementEdge: ResolverTypeWrapper<Omit<StatementEdge, 'node'> & { node: ResolversTypes['StatementLine'] }>;
  StatementLine: ResolverTypeWrapper<Omit<StatementLine, 'event'> & { event: ResolversTypes['Event'] }>;
  StreamState: ResolverTypeWrapper<StreamState>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transfer: ResolverTypeWrapper<Transfer>;
  TransferExpectedVersions: TransferExpectedVersions;
  TransferInput: TransferInput;
  TransferPayload: ResolverTypeWrapper<Omit<TransferPayload, 'events' | 'fromAccount' | 'toAccount'> & { events: Array<ResolversTypes['Event']>, fromAccount: ResolversTypes['Account'], toAccount?: Maybe<ResolversTypes['Account']> }>;
  UpdateUserInput: UpdateUserInput;
  User: ResolverTypeWrapper<UserView>;
  UserPayload: ResolverTypeWrapper<Omit<UserPayload, 'events' | 'user'> & { events: Array<ResolversTypes['Event']>, user: ResolversTypes['User'] }>;
  WithdrawInput: WithdrawInput;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Account: AccountView;
  AccountConnection: Omit<AccountConnection, 'edges'> & { edges: Array<ResolversParentTypes['AccountEdge']> };
  AccountEdge: Omit<AccountEdge, 'node'> & { node: ResolversParentTypes['Account'] };
  AccountPayload: Omit<AccountPayload, 'account' | 'events'> & { account: ResolversParentTypes['Account'], events: Array<ResolversParentTypes['Event']> };
  AccountSummary: AccountSummaryView;
  Boolean: Scalars['Boolean']['output'];
  CloseAccountInput: CloseAccountInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  DepositInput: DepositInput;
  Event: StoredEvent;
  EventBatch: StoredEventBatch;
  EventConnection: Omit<EventConnection, 'edges'> & { edges: Array<ResolversParentTypes['EventEdge']> };
  EventEdge: Omit<EventEdge, 'node'> & { node: ResolversParentTypes['Event'] };
  EventType: EventType;
  ForgetUserInput: ForgetUserInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  OpenAccountInput: OpenAccountInput;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  RegisterUserInput: RegisterUserInput;
  Statement: Omit<Statement, 'edges'> & { edges: Array<ResolversParentTypes['StatementEdge']> };
  StatementEdge: Omit<StatementEdge, 'node'> & { node: ResolversParentTypes['StatementLine'] };
  StatementLine: Omit<StatementLine, 'event'> & { event: ResolversParentTypes['Event'] };
  StreamState: StreamState;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  Transfer: Transfer;
  TransferExpectedVersions: TransferExpectedVersions;
  TransferInput: TransferInput;
  TransferPayload: Omit<TransferPayload, 'events' | 'fromAccount' | 'toAccount'> & { events: Array<ResolversParentTypes['Event']>, fromAccount: ResolversParentTypes['Account'], toAccount?: Maybe<ResolversParentTypes['Account']> };
  UpdateUserInput: UpdateUserInput;
  User: UserView;
  UserPayload: Omit<UserPayload, 'events' | 'user'> & { events: Array<ResolversParentTypes['Event']>, user: ResolversParentTypes['User'] };
  WithdrawInput: WithdrawInput;
}>;

export type AccountResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = ResolversObject<{
  balance?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  events?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, Partial<AccountEventsArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isActive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  owner?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  ownerId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  statement?: Resolver<ResolversTypes['Statement'], ParentType, ContextType, Partial<AccountStatementArgs>>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type AccountConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AccountConnection'] = ResolversParentTypes['AccountConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AccountEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AccountEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AccountEdge'] = ResolversParentTypes['AccountEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
}>;

export type AccountPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AccountPayload'] = ResolversParentTypes['AccountPayload']> = ResolversObject<{
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
}>;

export type AccountSummaryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AccountSummary'] = ResolversParentTypes['AccountSummary']> = ResolversObject<{
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastActivity?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  totalDeposits?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  totalTransfersIn?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  totalTransfersOut?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  totalWithdrawals?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  transactionCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type EventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = ResolversObject<{
  data?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metadata?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  schemaVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  storedSchemaVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  streamType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type EventBatchResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventBatch'] = ResolversParentTypes['EventBatch']> = ResolversObject<{
  caughtUp?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
}>;

export type EventConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventConnection'] = ResolversParentTypes['EventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['EventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type EventEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventEdge'] = ResolversParentTypes['EventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
}>;

export type EventTypeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EventType'] = ResolversParentTypes['EventType']> = ResolversObject<{
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  schema?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  streamType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  closeAccount?: Resolver<ResolversTypes['AccountPayload'], ParentType, ContextType, RequireFields<MutationCloseAccountArgs, 'input'>>;
  deposit?: Resolver<ResolversTypes['AccountPayload'], ParentType, ContextType, RequireFields<MutationDepositArgs, 'input'>>;
  forgetUser?: Resolver<ResolversTypes['UserPayload'], ParentType, ContextType, RequireFields<MutationForgetUserArgs, 'input'>>;
  openAccount?: Resolver<ResolversTypes['AccountPayload'], ParentType, ContextType, RequireFields<MutationOpenAccountArgs, 'input'>>;
  registerUser?: Resolver<ResolversTypes['UserPayload'], ParentType, ContextType, RequireFields<MutationRegisterUserArgs, 'input'>>;
  transfer?: Resolver<ResolversTypes['TransferPayload'], ParentType, ContextType, RequireFields<MutationTransferArgs, 'input'>>;
  updateUser?: Resolver<ResolversTypes['UserPayload'], ParentType, ContextType, RequireFields<MutationUpdateUserArgs, 'input'>>;
  withdraw?: Resolver<ResolversTypes['AccountPayload'], ParentType, ContextType, RequireFields<MutationWithdrawArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'id'>>;
  accountSummary?: Resolver<Maybe<ResolversTypes['AccountSummary']>, ParentType, ContextType, RequireFields<QueryAccountSummaryArgs, 'id'>>;
  accounts?: Resolver<ResolversTypes['AccountConnection'], ParentType, ContextType, Partial<QueryAccountsArgs>>;
  eventTypes?: Resolver<Array<ResolversTypes['EventType']>, ParentType, ContextType, Partial<QueryEventTypesArgs>>;
  events?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, Partial<QueryEventsArgs>>;
  streamState?: Resolver<Maybe<ResolversTypes['StreamState']>, ParentType, ContextType, RequireFields<QueryStreamStateArgs, 'id'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
}>;

export type StatementResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Statement'] = ResolversParentTypes['Statement']> = ResolversObject<{
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  closingBalance?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  closingVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  edges?: Resolver<Array<ResolversTypes['StatementEdge']>, ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  openingBalance?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  openingVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  to?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
}>;

export type StatementEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StatementEdge'] = ResolversParentTypes['StatementEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['StatementLine'], ParentType, ContextType>;
}>;

export type StatementLineResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StatementLine'] = ResolversParentTypes['StatementLine']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  balance?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  counterpartyAccountId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  direction?: Resolver<ResolversTypes['MovementDirection'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  transferId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
}>;

export type StreamStateResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StreamState'] = ResolversParentTypes['StreamState']> = ResolversObject<{
  state?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  streamType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  accountChanged?: SubscriptionResolver<ResolversTypes['Account'], "accountChanged", ParentType, ContextType, RequireFields<SubscriptionAccountChangedArgs, 'id'>>;
  eventAppended?: SubscriptionResolver<ResolversTypes['Event'], "eventAppended", ParentType, ContextType, Partial<SubscriptionEventAppendedArgs>>;
  eventsAppended?: SubscriptionResolver<ResolversTypes['EventBatch'], "eventsAppended", ParentType, ContextType, RequireFields<SubscriptionEventsAppendedArgs, 'maxBatch'>>;
}>;

export type TransferResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Transfer'] = ResolversParentTypes['Transfer']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  fromAccountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  toAccountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type TransferPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TransferPayload'] = ResolversParentTypes['TransferPayload']> = ResolversObject<{
  events?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
  fromAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  toAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  transfer?: Resolver<ResolversTypes['Transfer'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = ResolversObject<{
  accounts?: Resolver<ResolversTypes['AccountConnection'], ParentType, ContextType, Partial<UserAccountsArgs>>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  forgotten?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type UserPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UserPayload'] = ResolversParentTypes['UserPayload']> = ResolversObject<{
  events?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = GraphQLContext> = ResolversObject<{
  Account?: AccountResolvers<ContextType>;
  AccountConnection?: AccountConnectionResolvers<ContextType>;
  AccountEdge?: AccountEdgeResolvers<ContextType>;
  AccountPayload?: AccountPayloadResolvers<ContextType>;
  AccountSummary?: AccountSummaryResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Event?: EventResolvers<ContextType>;
  EventBatch?: EventBatchResolvers<ContextType>;
  EventConnection?: EventConnectionResolvers<ContextType>;
  EventEdge?: EventEdgeResolvers<ContextType>;
  EventType?: EventTypeResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Statement?: StatementResolvers<ContextType>;
  StatementEdge?: StatementEdgeResolvers<ContextType>;
  StatementLine?: StatementLineResolvers<ContextType>;
  StreamState?: StreamStateResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Transfer?: TransferResolvers<ContextType>;
  TransferPayload?: TransferPayloadResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserPayload?: UserPayloadResolvers<ContextType>;
}>;

