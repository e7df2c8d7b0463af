/** What the browser tests watch on every page: where requests go, errors, CSP violations, WebSocket frames. */
import type { BrowserContext, Page, Request } from 'playwright-core';
import { ok } from './graphql.js';

export interface PageWatch {
  /** Every URL the browser asked for (pages, assets, workers, fetches, WebSockets). */
  readonly urls: string[];
  /** Uncaught exceptions and Content-Security-Policy violations. */
  readonly problems: string[];
  /** Text of every WebSocket frame the pages sent. */
  readonly sentFrames: string[];
}

export function watchContext(context: BrowserContext): PageWatch {
  const watch: PageWatch = { urls: [], problems: [], sentFrames: [] };
  context.on('request', (request) => watch.urls.push(request.url()));
  const onPage = (page: Page) => {
    page.on('websocket', (socket) => {
      watch.urls.push(socket.url());
      socket.on('framesent', (frame) => watch.sentFrames.push(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString()));
    });
    page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) watch.problems.push(`CSP: ${message.text()}`);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  return watch;
}

/** Waits until `check` holds, polling every 20 ms; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs the IDE's active tab once its editor shows `operationName` (GraphiQL
 * ignores the run button until the editor holds the tab's text). GraphiQL
 * reads the operation's name from the editor 100 ms after it changes (a
 * debounce): a run sent before that names the previous tab's operation, which
 * the server refuses without running anything, so it is run again once that
 * answer is in. Subscriptions are seen through `watch` (their WebSocket frames).
 */
export async function runIdeTab(ide: Page, operationName: string, watch?: PageWatch): Promise<void> {
  const frames = watch?.sentFrames ?? [];
  await waitFor(`the editor to show ${operationName}`, async () => ((await ide.locator('.graphiql-query-editor').textContent()) ?? '').includes(operationName), 20_000);
  const button = ide.locator('.graphiql-execute-button');
  const posts: Request[] = [];
  const onRequest = (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') posts.push(request);
  };
  ide.on('request', onRequest);
  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [framesBefore, postsBefore] = [frames.length, posts.length];
      await button.click();
      const sent = await waitFor(`the IDE to send ${operationName}`, () => {
        const frame = frames.slice(framesBefore).find((text) => text.includes('"subscribe"'));
        if (frame) return { body: frame, request: undefined };
        const request = posts[postsBefore];
        return request && { body: request.postData() ?? '', request };
      });
      if (sent.body.includes(`"operationName":"${operationName}"`)) return;
      await sent.request?.response();
      await waitFor('the run button', async () => (await button.getAttribute('aria-label'))?.startsWith('Execute'));
    }
    throw new Error(`The IDE did not send ${operationName} in 3 runs`);
  } finally {
    ide.off('request', onRequest);
  }
}

/** The text GraphiQL's response editor shows (Monaco draws spaces as no-break spaces). */
export async function ideResponse(ide: Page): Promise<string> {
  return ((await ide.locator('.graphiql-response').textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** The API calls the browser tests make to create what the pages should show. */
export function api(url: string) {
  return {
    async registerUser(name: string): Promise<string> {
      const data = await ok(url, 'mutation($n: String!, $e: String!) { registerUser(input: { name: $n, email: $e }) { user { id } } }', {
        n: name,
        e: `${name.toLowerCase()}@example.com`,
      });
      return data.registerUser.user.id as string;
    },
    async updateUser(userId: string, name: string): Promise<void> {
      await ok(url, 'mutation($u: ID!, $n: String!) { updateUser(input: { userId: $u, name: $n }) { user { id } } }', { u: userId, n: name });
    },
    async openAccount(ownerId: string, initialBalance: string): Promise<string> {
      const data = await ok(url, 'mutation($o: ID!, $b: Decimal!) { openAccount(input: { ownerId: $o, initialBalance: $b }) { account { id } } }', { o: ownerId, b: initialBalance });
      return data.openAccount.account.id as string;
    },
    /** Returns the global position of the event. */
    async deposit(accountId: string, amount: string, description?: string): Promise<string> {
      const data = await ok(url, 'mutation($a: ID!, $m: Decimal!, $d: String) { deposit(input: { accountId: $a, amount: $m, description: $d }) { events { position } } }', {
        a: accountId,
        m: amount,
        d: description ?? null,
      });
      return data.deposit.events[0].position as string;
    },
    /** Returns the global position of the transfer's first event. */
    async transfer(fromAccountId: string, toAccountId: string, amount: string, reference?: string): Promise<string> {
      const data = await ok(url, 'mutation($f: ID!, $t: ID!, $m: Decimal!, $r: String) { transfer(input: { fromAccountId: $f, toAccountId: $t, amount: $m, reference: $r }) { events { position } } }', {
        f: fromAccountId,
        t: toAccountId,
        m: amount,
        r: reference ?? null,
      });
      return data.transfer.events[0].position as string;
    },
    async withdraw(accountId: string, amount: string, description?: string): Promise<string> {
      const data = await ok(url, 'mutation($a: ID!, $m: Decimal!, $d: String) { withdraw(input: { accountId: $a, amount: $m, description: $d }) { events { position } } }', {
        a: accountId,
        m: amount,
        d: description ?? null,
      });
      return data.withdraw.events[0].position as string;
    },
  };
}
