// The web console in a real browser: Debian's headless Chromium, driven by
// puppeteer-core, logs in with a client certificate from an NSS database in
// a throwaway HOME (auto-selected by the profile's preferences, nothing
// written to /etc), reads each page, compares its figures with the hub's own
// (given by console_browser_e2e_test, which started the hub), redrives with
// the confirmation cancelled and then accepted, and saves a screenshot of
// each page. Run by console_browser_e2e_test; by hand:
//   SX_PKI=DIR SX_CONSOLE=https://localhost:PORT SX_SHOTS=DIR ... node --test console.test.mjs
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import puppeteer from 'puppeteer-core';

const env = name => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const PKI = env('SX_PKI');
const ORIGIN = env('SX_CONSOLE');
const SHOTS = env('SX_SHOTS');
const EXPECT = JSON.parse(env('SX_EXPECT'));

// A HOME whose NSS database trusts the dev CA and holds `identities`.
function makeHome(identities) {
  const home = mkdtempSync(join(tmpdir(), 'sx-console-browser-'));
  const db = `sql:${home}/.pki/nssdb`;
  mkdirSync(`${home}/.pki/nssdb`, {recursive: true});
  execFileSync('certutil', ['-N', '-d', db, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', db, '-n', 'sx-dev-ca', '-t', 'C,,', '-i', `${PKI}/ca.crt`]);
  for (const id of identities) {
    const p12 = join(home, `${id}.p12`);
    execFileSync('openssl', ['pkcs12', '-export', '-in', `${PKI}/${id}.crt`, '-inkey',
                             `${PKI}/${id}.key`, '-name', id, '-out', p12, '-passout', 'pass:']);
    execFileSync('pk12util', ['-i', p12, '-d', db, '-W', '']);
  }
  return home;
}

// The common name of `id`'s certificate (an agency's is its display name).
function commonName(id) {
  const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt',
                                           'RFC2253,-esc_msb', '-in', `${PKI}/${id}.crt`]);
  return subject.toString().trim().match(/CN=([^,]*)/)[1];
}

// A browser whose profile picks `id`'s certificate for the console, without
// asking.
async function launch(home, id) {
  const cn = commonName(id);
  const profile = mkdtempSync(join(home, `profile-${id}-`));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({
    profile: {content_settings: {exceptions: {auto_select_certificate: {
      [`${ORIGIN},*`]: {setting: {filters: [{SUBJECT: {CN: cn}}]}}}}}}}));
  return puppeteer.launch({
    executablePath: process.env.SX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    env: {...process.env, HOME: home},
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function open(browser, path) {
  const page = await browser.newPage();
  // Into the test's output, for a failure's diagnosis.
  page.on('console', message => console.log(`page console: ${message.text()}`));
  page.on('requestfailed', request =>
      console.log(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  await page.setViewport({width: 1280, height: 900});
  const response = await page.goto(`${ORIGIN}${path}`, {waitUntil: 'networkidle0'});
  await page.waitForSelector('body[data-ready="true"]');
  return {page, response};
}

const text = (page, selector) => page.$eval(selector, element => element.textContent.trim());

let home, admin, agency, supervisor;
before(async () => {
  mkdirSync(SHOTS, {recursive: true});
  home = makeHome(['admin-ops', 'inspection-office', 'discipline-commission']);
  [admin, agency, supervisor] = await Promise.all([
    launch(home, 'admin-ops'), launch(home, 'inspection-office'),
    launch(home, 'discipline-commission')]);
});
after(async () => {
  await admin?.close();
  await agency?.close();
  await supervisor?.close();
  if (home) rmSync(home, {recursive: true, force: true});
});

test('the overview shows the hub\'s own figures and no lead content', async () => {
  const {page, response} = await open(admin, '/');
  assert.equal(response.status(), 200);
  assert.equal(await text(page, '#who'), 'admin/ops');
  assert.equal(await text(page, '#open-count'), String(EXPECT.referrals));
  assert.equal(await text(page, '#overdue-count'), String(EXPECT.overdue_open));
  assert.equal(await text(page, '#storage'), 'SERVING');
  // "已移送 submitted": the Chinese label, then the name sxctl prints.
  const states = await page.$$eval('#by-state tbody tr', rows => rows.map(
      row => [row.cells[0].textContent.split(' ').pop(), Number(row.cells[1].textContent)]));
  assert.deepEqual(Object.fromEntries(states), EXPECT.by_state);
  // Chart.js drew into its canvas (the script ran under the page's CSP).
  assert.ok(await page.$eval('#by-state-chart', canvas => canvas.width > 0 &&
      canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some(v => v)));
  assert.ok(!(await page.content()).includes(EXPECT.secret));
  await page.screenshot({path: join(SHOTS, 'overview.png'), fullPage: true});
  await page.close();
});

test('inboxes: dead letters are redriven only once confirmed', async () => {
  const {page} = await open(admin, '/inboxes');
  const button = `button[data-agency="${EXPECT.dead_letter_agency}"]`;
  await page.click(button);
  await page.waitForSelector('#letters-card:not(.d-none)');
  assert.equal((await page.$$('#letters tbody tr')).length, EXPECT.dead_letters);
  assert.ok(!(await page.content()).includes(EXPECT.secret));
  await page.screenshot({path: join(SHOTS, 'inboxes.png'), fullPage: true});

  let asked = '';
  page.once('dialog', dialog => { asked = dialog.message(); dialog.dismiss(); });
  await page.click('#redrive');
  await page.waitForFunction(() => document.querySelector('#result').textContent.includes('Cancelled'));
  assert.match(asked, new RegExp(`${EXPECT.dead_letters} dead letters`));
  assert.equal((await page.$$('#letters tbody tr')).length, EXPECT.dead_letters);

  page.once('dialog', dialog => dialog.accept());
  await page.click('#redrive');
  await page.waitForFunction(() => document.querySelector('#result').textContent.includes('redriven'));
  assert.equal(await text(page, '#result'), `已重新投递 redriven: ${EXPECT.dead_letters}`);
  assert.equal((await page.$$('#letters tbody tr')).length, 0);
  await page.screenshot({path: join(SHOTS, 'redriven.png'), fullPage: true});
  await page.close();
});

test('an ordinary agency gets a refusal and nothing else', async () => {
  // The refusal is the only answer: no page, no script.
  const page = await agency.newPage();
  const response = await page.goto(`${ORIGIN}/`);
  assert.equal(response.status(), 403);
  const body = await page.evaluate(() => document.body.innerText);
  assert.match(body, /supervising agencies/);
  assert.ok(!body.includes(EXPECT.secret));
  await page.screenshot({path: join(SHOTS, 'refused.png')});
  await page.close();
});

test('a supervising agency sees its ledger (督办台账) and nothing of the admin\'s', async () => {
  const {page, response} = await open(supervisor, '/');
  assert.equal(response.status(), 200);
  assert.equal(await text(page, '#who'), 'agency/discipline-commission');
  assert.equal((await page.$$('#ledger tbody tr')).length, EXPECT.ledger_rows);
  // The subject is the ledger's to show, as SupervisionLedgerService does.
  assert.ok((await text(page, '#ledger tbody')).includes(EXPECT.secret));
  const menu = await page.$$eval('.nav-item:not(.d-none) a', links => links.map(a => a.getAttribute('href')));
  assert.deepEqual(menu, ['/ledger']);
  await page.screenshot({path: join(SHOTS, 'ledger.png'), fullPage: true});
  await page.close();
});
