/**
 * The IDE and the explorer in headless Chromium against a real server on a
 * real (SQLite) database. Every request the browser makes must go to the
 * server's own origin; nothing is stubbed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createApp, type App } from '../src/app.js';
import { modules } from '../src/modules.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { WEB_DIST } from '../src/server/web.js';
import { testConfig } from './helpers/app.js';
import { launchBrowser, type Browser } from './helpers/browser.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { ok } from './helpers/graphql.js';
import { api, ideResponse, runIdeTab, waitFor, watchContext, type PageWatch } from './helpers/pages.js';
import { tallyModule } from './helpers/tally-module.js';

let db: TestDatabase;
let app: App;
let server: RunningServer;
let browser: Browser;
let watch: PageWatch;
let origin: string;
let page: Page | undefined;

// The shipped modules and one the explorer's registry has no entry for.
async function serve(port: number): Promise<RunningServer> {
  app = await createApp(testConfig(db.url), [...modules, tallyModule]);
  return startServer(app, { port, host: '127.0.0.1' });
}

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'explorer', 'index.html'))) throw new Error('The browser pages are not built: run npm run build:web');
  db = await createDatabase('sqlite');
  server = await serve(0);
  origin = new URL(server.url).origin;
  browser = await launchBrowser();
  watch = watchContext(browser.context);
});

afterEach(async () => {
  await page?.close();
  page = undefined;
  // Whatever the test did, the page loaded nothing from elsewhere and broke no rule.
  const wsOrigin = origin.replace(/^http/, 'ws');
  const foreign = watch.urls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith(`${wsOrigin}/`));
  expect(foreign).toEqual([]);
  expect(watch.problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

describe('GraphQL IDE at GET /graphql', () => {
  it('loads from this server only, runs a query and receives a subscription event', async () => {
    const calls = api(server.url);
    const ownerId = await calls.registerUser('Ida');
    const accountId = await calls.openAccount(ownerId, '5.00');

    page = await browser.context.newPage();
    const response = await page.goto(`${origin}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });

    // The first example tab lists the log; run it.
    await runIdeTab(page, 'RecentEvents', watch);
    await waitFor('the query result', async () => {
      const text = await ideResponse(page!);
      return text.includes('"user_registered"') && text.includes(ownerId) && text.includes('"account_created"');
    });

    // The last example tab is a live eventAppended subscription over graphql-ws.
    await page.locator('.graphiql-tab', { hasText: 'LiveEvents' }).click();
    await runIdeTab(page, 'LiveEvents', watch);
    await waitFor('the subscribe message', () => watch.sentFrames.some((frame) => frame.includes('"subscribe"') && frame.includes('LiveEvents')));
    // A deposit made just as the server registers the subscription may precede it: deposit until one arrives.
    let seen = false;
    for (let attempt = 1; attempt <= 5 && !seen; attempt++) {
      const position = await calls.deposit(accountId, `0.0${attempt}`);
      seen = await waitFor('the subscription event', async () => (await ideResponse(page!)).includes(`"position": "${position}"`), 5_000).then(
        () => true,
        () => false,
      );
    }
    expect(seen).toBe(true);
    const text = await ideResponse(page);
    expect(text).toContain('"money_deposited"');
    expect(text).toContain(accountId);
  });
});

describe('Event explorer at GET /explorer', () => {
  it('shows a stream created through the API, and the balance at each version on the slider', async () => {
    const calls = api(server.url);
    const ownerId = await calls.registerUser('Eve');
    const accountId = await calls.openAccount(ownerId, '100.00');
    await calls.deposit(accountId, '50.25', 'salary');
    await calls.withdraw(accountId, '30', 'rent');
    await calls.deposit(accountId, '1000');
    const balances = ['100.00', '150.25', '120.25', '1120.25'];
    const types = ['account_created', 'money_deposited', 'money_withdrawn', 'money_deposited'];

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer`);
    await page.getByLabel('Stream id').fill(accountId);
    await page.getByRole('button', { name: 'Show stream' }).click();

    const timeline = page.getByTestId('timeline').locator('li');
    await waitFor('the timeline', async () => (await timeline.count()) === 4);
    expect(await timeline.locator('.type').allTextContents()).toEqual(types);
    expect(await timeline.nth(1).textContent()).toContain('"amount":"50.25"');
    expect(await timeline.nth(1).textContent()).toContain('correlationId');
    // The account's registry entry gives the chart, and Apollo's keyFields keep each version apart.
    expect(await page.getByTestId('series-chart').getAttribute('aria-label')).toBe('Balance by version');
    expect(await page.getByTestId('series-chart').locator('circle').count()).toBe(4);
    expect(await page.getByTestId('stream').getAttribute('data-view')).toBe('registry');

    // Opens at the newest version; walk the slider from the first to the last.
    const slider = page.getByTestId('version-slider');
    await slider.focus();
    await slider.press('Home');
    for (let version = 1; version <= 4; version++) {
      if (version > 1) await slider.press('ArrowRight');
      await waitFor(`the state at version ${version}`, async () => (await page!.getByTestId('state').getAttribute('data-version')) === String(version));
      expect(await page.getByTestId('state-balance').textContent()).toBe(balances[version - 1]);
      expect(await page.getByTestId('state-before').textContent()).toBe(version === 1 ? '—' : balances[version - 2]);
      expect(await page.getByTestId('event-at-version').textContent()).toContain(types[version - 1]);
    }

    // Setting the slider straight to a version works as well as stepping.
    await slider.fill('2');
    await waitFor('the state at version 2', async () => (await page!.getByTestId('state').getAttribute('data-version')) === '2');
    expect(await page.getByTestId('state-balance').textContent()).toBe('150.25');
  });

  it('shows the newest events on load, tails the log live within a second, and resumes after a restart without duplicates', async () => {
    const calls = api(server.url);
    const ownerId = await calls.registerUser('Tim');
    const accountId = await calls.openAccount(ownerId, '0');
    const beforeLoad = await calls.deposit(accountId, '0.50');

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer`);
    const rows = page.getByTestId('live-tail').locator('tbody tr');
    const row = (position: string) => page!.locator(`[data-testid="live-tail"] tr[data-position="${position}"]`);
    // Committed before the page opened: loaded with the newest events, not only live ones.
    await row(beforeLoad).waitFor({ timeout: 5_000 });
    expect(await rows.first().getAttribute('data-position')).toBe(beforeLoad);
    await waitFor('the connection', async () => (await page!.getByTestId('connection').getAttribute('data-state')) === 'connected');

    // Once one event has arrived the subscription is certainly in place.
    const warmUp: string[] = [];
    await waitFor('a first live event', async () => {
      const position = await calls.deposit(accountId, '1.00');
      warmUp.push(position);
      return row(position).waitFor({ timeout: 1_000 }).then(() => true, () => false);
    });

    const shown: string[] = [];

    const started = Date.now();
    const position = await calls.deposit(accountId, '2.00');
    await row(position).waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    shown.push(position);
    expect(await row(position).textContent()).toContain('+2.00');

    // Stop the server, start a new one on the same port and database.
    const port = Number(new URL(origin).port);
    await server.close();
    await waitFor('the page to notice', async () => (await page!.getByTestId('connection').getAttribute('data-state')) === 'reconnecting');
    server = await serve(port);
    // Committed before the page has reconnected: it must arrive through the resume.
    shown.push(await calls.deposit(accountId, '3.00'));
    await row(shown.at(-1)!).waitFor({ timeout: 15_000 });
    await waitFor('the connection', async () => (await page!.getByTestId('connection').getAttribute('data-state')) === 'connected');
    shown.push(await calls.deposit(accountId, '4.00'));
    await row(shown.at(-1)!).waitFor({ timeout: 2_000 });

    // Every event once, newest first, with no gap: the loaded history joins the live events seamlessly.
    const positions = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-position') ?? ''));
    expect(positions.slice(0, shown.length)).toEqual([...shown].reverse());
    const numbers = positions.map(Number);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! - i));
    expect(positions).toContain(beforeLoad);
    for (const position of warmUp) expect(positions).toContain(position);
  });
  it('says when a stream has no events, and sends the token field as Authorization and connectionParams', async () => {
    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=nobody-here`);
    await page.getByTestId('stream-empty').waitFor();
    expect(await page.getByTestId('stream-empty').textContent()).toContain('No events for “nobody-here”');

    await page.getByLabel('Access token (sent as Authorization: Bearer)').fill('t0ken');
    // Saving reloads the page, which asks for the stream again, now with the token.
    const query = page.waitForRequest((request) => request.url() === server.url && request.method() === 'POST');
    await page.getByRole('button', { name: 'Use' }).click();
    try {
      expect((await query).headers()['authorization']).toBe('Bearer t0ken');
      await waitFor('connection_init with the token', () =>
        watch.sentFrames.some((frame) => frame.includes('"connection_init"') && frame.includes('"authorization":"Bearer t0ken"')),
      );
    } finally {
      await page.evaluate('localStorage.clear()');
    }
  });
});

describe('Explorer: views per stream type, raw views, event schemas', () => {
  const stateVersion = (testId: string) => page!.getByTestId(testId).getAttribute('data-version');

  it("a user stream gets its registry entry's lines and state view, and no chart", async () => {
    const calls = api(server.url);
    const userId = await calls.registerUser('Uma');
    await calls.updateUser(userId, 'Una');

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=${userId}`);
    await waitFor('the user at version 2', async () => (await stateVersion('state')) === '2');
    expect(await page.getByTestId('stream').getAttribute('data-view')).toBe('registry');
    expect(await page.getByTestId('event-at-version').textContent()).toContain('name → Una');
    expect(await page.getByTestId('state-name').textContent()).toBe('Una');
    expect(await page.getByTestId('timeline').locator('li').first().textContent()).toContain('Uma <uma@example.com>');
    expect(await page.getByTestId('series-chart').count()).toBe(0);
    expect(await page.getByTestId('raw-view').count()).toBe(0);
  });

  it('describes a transfer on both accounts and links each side to the other', async () => {
    const calls = api(server.url);
    const owner = await calls.registerUser('Tia');
    const from = await calls.openAccount(owner, '50.00');
    const to = await calls.openAccount(owner, '0.00');
    await ok(server.url, 'mutation($f: ID!, $t: ID!) { transfer(input: { fromAccountId: $f, toAccountId: $t, amount: "12.50", reference: "R-1" }) { transfer { id } } }', { f: from, t: to });

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=${from}`);
    await waitFor('the source at version 2', async () => (await stateVersion('state')) === '2');
    expect(await page.getByTestId('timeline').locator('li').last().textContent()).toContain(`-12.50 transferred to ${to} ref R-1`);
    expect(await page.getByTestId('state-balance').textContent()).toBe('37.50');
    // Click through to the other side: the destination, where the money arrived.
    await page.getByTestId('linked-stream').click();
    await waitFor('the destination', async () => new URL(page!.url()).searchParams.get('stream') === to && (await stateVersion('state')) === '2');
    expect(await page.getByTestId('timeline').locator('li').last().textContent()).toContain(`+12.50 transferred from ${from}`);
    expect(await page.getByTestId('state-balance').textContent()).toBe('12.50');
    expect(await page.getByTestId('linked-stream').textContent()).toBe(from);
  });

  it('lists every event type with its version, description and JSON Schema, and links an event to its schema', async () => {
    const calls = api(server.url);
    const accountId = await calls.openAccount(await calls.registerUser('Sam'), '1.00');
    await calls.deposit(accountId, '2.00', 'tip');
    const served = (await ok(server.url, '{ eventTypes(streamType: "BankAccount") { type version description schema } }')).eventTypes;
    const deposited = served.find((type: { type: string }) => type.type === 'money_deposited');

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=${accountId}`);
    await page.getByTestId('event-at-version').getByRole('link', { name: 'money_deposited' }).click();
    const entry = page.locator('[data-testid="event-type"][data-type="money_deposited"]');
    await entry.waitFor();
    expect(new URL(page.url()).search).toBe('?view=types&type=money_deposited');
    expect(await entry.getAttribute('aria-current')).toBe('true');
    expect(await entry.getByTestId('event-type-version').textContent()).toBe(`version ${deposited.version}`);
    expect(await entry.textContent()).toContain(deposited.description);
    const schema = JSON.parse((await entry.getByTestId('event-schema').textContent()) ?? '');
    expect(schema).toEqual(deposited.schema);
    expect(schema.properties.amount.type).toBe('string');
    expect(schema.required).toContain('amount');

    // Every stream type the server has a module for, the one without an explorer view included.
    const streamTypes = page.getByTestId('stream-type');
    expect(await streamTypes.evaluateAll((sections) => sections.map((section) => section.getAttribute('data-stream-type')))).toEqual(['User', 'BankAccount', 'Tally']);
    expect(await page.locator('[data-stream-type="Tally"] h2').textContent()).toContain('shown as JSON in the explorer');

    // Back to the stream; the header leads to the types again.
    await page.goBack();
    await page.getByTestId('timeline').waitFor();
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByTestId('event-types').waitFor();
    expect(new URL(page.url()).search).toBe('?view=types');
  });

  it('shows a stream of a type the server has no module for: its events as JSON and that it has no state', async () => {
    const streamId = `widget-${randomUUID()}`;
    await app.store.append({
      streamId,
      streamType: 'Widget',
      expectedVersion: 'no_stream',
      events: [
        { type: 'widget_made', data: { size: 3 }, metadata: {} },
        { type: 'widget_painted', data: { colour: 'red' }, metadata: {} },
      ],
    });

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=${streamId}`);
    await waitFor('the raw view at version 2', async () => (await stateVersion('raw-state-none')) === '2');
    expect(await page.getByTestId('stream').getAttribute('data-view')).toBe('raw');
    expect(await page.getByTestId('raw-view').textContent()).toContain('no view for Widget streams');
    expect(await page.getByTestId('raw-state-none').textContent()).toContain('no module for Widget streams');
    const timeline = page.getByTestId('timeline').locator('li');
    expect(await timeline.locator('.type').allTextContents()).toEqual(['widget_made', 'widget_painted']);
    expect(await timeline.first().textContent()).toContain('{"size":3}');
    expect(await page.getByTestId('event-at-version').textContent()).toContain('widget_painted {"colour":"red"}');
    // The live log describes them the same way.
    await page.locator(`[data-testid="live-tail"] tr[data-stream="${streamId}"]`, { hasText: '{"size":3}' }).waitFor();

    await page.getByTestId('version-slider').fill('1');
    await waitFor('the raw view at version 1', async () => (await stateVersion('raw-state-none')) === '1');
    expect(await page.getByTestId('event-at-version').textContent()).toContain('widget_made {"size":3}');

    // The server has no schema for it, and says so.
    await timeline.first().getByTestId('schema-link').click();
    expect(await page.getByTestId('type-unknown').textContent()).toContain('no schema for widget_made');
  });

  it('shows the state of a type the server knows and the registry does not as JSON, next to the version before', async () => {
    const streamId = `tally-${randomUUID()}`;
    const events = [2, 3, 5].map((amount) => ({ type: 'tally_added', data: { amount }, metadata: {} }));
    await app.store.append({ streamId, streamType: 'Tally', expectedVersion: 'no_stream', events });
    const json = async (testId: string) => JSON.parse((await page!.getByTestId(testId).textContent()) ?? '');

    page = await browser.context.newPage();
    await page.goto(`${origin}/explorer?stream=${streamId}`);
    await waitFor('the state at version 3', async () => (await stateVersion('raw-state')) === '3');
    await waitFor('the state before', async () => (await page!.getByTestId('raw-state-changed').count()) === 1);
    expect(await json('raw-state-now')).toEqual({ total: 10, entries: 3 });
    expect(await json('raw-state-before')).toEqual({ total: 5, entries: 2 });
    expect(await page.getByTestId('raw-state-changed').textContent()).toBe('Changed: total, entries');
    expect(await page.getByTestId('event-at-version').textContent()).toContain('tally_added {"amount":5}');
    expect(await page.getByTestId('series-chart').count()).toBe(0);

    await page.getByTestId('version-slider').fill('1');
    await waitFor('the state at version 1', async () => (await stateVersion('raw-state')) === '1');
    expect(await json('raw-state-now')).toEqual({ total: 2, entries: 1 });
    expect(await page.getByTestId('raw-state-before').textContent()).toBe('—');
    expect(await page.getByTestId('raw-state-changed').count()).toBe(0);
  });
});
