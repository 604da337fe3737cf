// Loads a `leaderd timeline --format html` page in Debian's chromium (headless) and prints what
// a user would see, as one JSON object: the lanes and terms drawn, the details shown when the
// pointer rests on a hook, a term's width before and after "zoom in", and every request the
// page made that is not the page itself. tests/timeline_browser.rs asserts on it.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const page_path = process.argv[2];
const profile = mkdtempSync(join(tmpdir(), 'leaderd-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: { width: 1200, height: 700 },
});
try {
  const page = browser.pages()[0] || await browser.newPage();
  const url = pathToFileURL(page_path).href;
  const requests = [];
  page.on('request', r => { if (r.url() !== url) requests.push(r.url()); });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  const lanes = await page.$$eval('svg .lane', els => els.map(e => e.dataset.unit));
  const terms = await page.$$eval('svg rect.term', els => els.map(e => Number(e.dataset.term)));
  const hooks = await page.$$eval('svg rect.hook', els => els.length);
  const failed = await page.$$eval('svg rect.hook.failed', els => els.length);
  // Hover the hook of the example's failed start, or else the first hook.
  const target = (await page.$('svg rect.hook.failed')) || (await page.$('svg rect.hook'));
  const before_hover = await page.textContent('#details');
  await target.hover();
  const hovered = await page.textContent('#details');
  const width = async () => Number(await page.$eval('svg rect.term', e => e.getAttribute('width')));
  const term_width = await width();
  await page.click('#zoom-in');
  const zoomed_width = await width();
  console.log(JSON.stringify({ lanes, terms, hooks, failed, before_hover, hovered, term_width, zoomed_width, requests, errors }));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
