/**
 * `npm run screenshot`: the README's pictures of the explorer and the IDE
 * (docs/explorer.png, docs/ide.png), taken in headless Chromium against a
 * server on a fresh SQLite database filled through the API.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { startTestServer } from '../test/helpers/app.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { createDatabase } from '../test/helpers/databases.js';
import { api, ideResponse, runIdeTab, waitFor } from '../test/helpers/pages.js';

const out = join(PROJECT_ROOT, 'docs');
mkdirSync(out, { recursive: true });
const db = await createDatabase('sqlite');
const { server } = await startTestServer(db.url);
const browser = await launchBrowser({ width: 1440, height: 980 });
try {
  const origin = new URL(server.url).origin;
  const calls = api(server.url);
  const ann = await calls.registerUser('Ann');
  const checking = await calls.openAccount(ann, '250.00');
  await calls.deposit(checking, '1200.50', 'salary');
  await calls.withdraw(checking, '320.00', 'rent');
  await calls.withdraw(checking, '45.80', 'groceries');
  await calls.deposit(checking, '75.00', 'refund');

  const page = await browser.context.newPage();
  await page.goto(`${origin}/explorer?stream=${checking}`);
  await page.getByTestId('timeline').waitFor();
  await waitFor('the connection', async () => (await page.getByTestId('connection').getAttribute('data-state')) === 'connected');
  // Activity while the page is open, for the live log.
  const bob = await calls.registerUser('Bob');
  const savings = await calls.openAccount(bob, '40.00');
  await calls.transfer(checking, savings, '600.00', 'savings');
  await calls.deposit(checking, '1200.50', 'salary');
  await calls.withdraw(savings, '15.25', 'books');
  await page.locator('[data-testid="live-tail"] tbody tr').nth(4).waitFor();
  await waitFor('the newest version', async () => (await page.getByTestId('timeline').locator('li').count()) === 7);
  await page.getByTestId('version-slider').fill('4');
  await waitFor('version 4', async () => (await page.getByTestId('state').getAttribute('data-version')) === '4');
  await waitFor('the balance before version 4', async () => (await page.getByTestId('state-before').textContent())?.includes('.'));
  await page.getByTestId('version-slider').blur();
  await page.screenshot({ path: join(out, 'explorer.png') });

  const ide = await browser.context.newPage();
  await ide.setViewportSize({ width: 1440, height: 760 });
  await ide.goto(`${origin}/graphql`);
  await ide.locator('.graphiql-container').waitFor();
  await runIdeTab(ide, 'RecentEvents');
  await waitFor('the query result', async () => (await ideResponse(ide)).includes('user_registered'));
  await ide.screenshot({ path: join(out, 'ide.png') });
  console.log(`Wrote ${join(out, 'explorer.png')} and ${join(out, 'ide.png')}`);
} finally {
  await browser.close();
  await server.close();
  await db.drop();
}
