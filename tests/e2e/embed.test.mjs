// End-to-end tests of embedding (docs/embedding.md) in Chromium: the sample training page
// web/docs-demo.html with its three embedded playgrounds, the postMessage protocol with its
// origin allow-list, and share links. Same setup as app.test.mjs: a fresh browser context
// per test, no page or console errors allowed, screenshots under SCREENSHOTS.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium, startServer } from './server.mjs';

const SITE = path.resolve(process.env.SITE ?? 'target/site');
const SCREENSHOTS = path.resolve(process.env.SCREENSHOTS ?? 'target/e2e-screenshots');
const TIMEOUT = 20_000;
const READY = '#playground[data-ready="true"][data-stage="full"]';
/** The embed placeholder's budget (product.md: "the docs-embed placeholder ≤ 5 KB"). */
const EMBED_JS_MAX = 5_000;

let server;
let browser;
let context;
let page;
let errors;

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  server = await startServer(SITE);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context and page; every frame's errors are collected. */
async function fresh(viewport = { width: 1280, height: 600 }) {
  context = await browser.newContext({ viewport });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return page;
}

beforeEach(async () => fresh());

afterEach(async () => {
  if (errors.length > 0) console.log(`errors seen by the page:\n  ${errors.join('\n  ')}`);
  await context?.close();
});

function assertNoErrors() {
  assert.deepEqual(errors, [], 'the page reported errors');
}

async function shot(name, p = page) {
  await p.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

const demo = () => `${server.url}web/docs-demo.html`;

/** The frame inside the embed box `id`, once its full app is in charge. */
async function embedded(id) {
  const handle = await page.waitForSelector(`#${id} iframe`);
  const frame = await handle.contentFrame();
  await frame.waitForSelector(READY);
  return frame;
}

/** Every layout shift the page has seen (recorded from the start by an init script). */
const SHIFTS = () => window.__shifts.map((s) => ({ value: s.value, input: s.hadRecentInput }));
async function recordShifts() {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((l) => window.__shifts.push(...l.getEntries()))
      .observe({ type: 'layout-shift', buffered: true });
  });
}

/** Document-relative boxes of the three embeds and the footer. */
const BOXES = () =>
  ['demo-ordered', 'demo-canary', 'demo-ondelete'].map((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return { id, top: Math.round(r.top + scrollY), height: Math.round(r.height) };
  }).concat([{ id: 'footer', top: Math.round(document.querySelector('footer').getBoundingClientRect().top + scrollY) }]);

test('1. the docs page loads only itself and embed.js (under 5 KB) until a playground is activated', async () => {
  const loaded = [];
  page.on('response', async (r) => {
    const body = await r.body().catch(() => Buffer.alloc(0));
    loaded.push({ url: r.url(), bytes: body.length });
  });
  await page.goto(demo());
  await page.waitForFunction(() => document.querySelectorAll('.sts-playground-start').length === 3);
  // Give a lazy loader every chance to misbehave.
  await page.waitForTimeout(800);
  assert.equal(await page.locator('iframe').count(), 0, 'no playground before activation');
  const names = loaded.map((l) => new URL(l.url).pathname);
  assert.ok(!names.some((n) => /\/pkg\/|\/frames\/|index\.html|boot\.js/.test(n)),
    `nothing of the app loads before activation: ${names.join(', ')}`);
  const embedJs = loaded.find((l) => l.url.endsWith('/web/embed.js'));
  assert.ok(embedJs, 'embed.js was loaded');
  assert.ok(embedJs.bytes <= EMBED_JS_MAX, `embed.js is ${embedJs.bytes} bytes`);
  const total = loaded.reduce((s, l) => s + l.bytes, 0);
  assert.ok(total < 40_000, `bytes before activation: ${total}`);
  console.log(`before activation: ${loaded.length} files, ${total} bytes (embed.js ${embedJs.bytes})`);
  // The placeholders say what they are in the page's two languages.
  const labels = await page.$$eval('.sts-playground-start', (b) => b.map((x) => x.getAttribute('aria-label')));
  assert.match(labels[0], /^Start the interactive StatefulSet playground: Ordered creation/);
  assert.match(labels[1], /^启动交互式 StatefulSet 演练场：?/);
  await shot('embed-01-placeholders.png');
  assertNoErrors();
});

test('2. scrolling to a playground or clicking it loads it, and nothing on the page moves', async () => {
  await recordShifts();
  await page.goto(demo());
  await page.waitForFunction(() => document.querySelectorAll('.sts-playground-start').length === 3);
  const before = await page.evaluate(BOXES);
  // Scrolled into view: loads by itself.
  await page.locator('#demo-ordered').scrollIntoViewIfNeeded();
  const ordered = await embedded('demo-ordered');
  assert.equal(await ordered.getAttribute('#playground', 'class'), 'playground embed');
  // data-activate="click": scrolling to it does not load it, a click does.
  await page.locator('#demo-canary').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#demo-canary iframe').count(), 0, 'click-only embed stayed a placeholder');
  await page.click('#demo-canary .sts-playground-start');
  const canary = await embedded('demo-canary');
  // Locked to its lesson, in Chinese: no scenario picker, the lesson's title instead.
  assert.equal(await canary.locator('#scenario').count(), 0);
  assert.match((await canary.textContent('#scenario-title')) ?? '', /partition/i);
  assert.equal(await canary.getAttribute('#playground', 'lang'), 'zh-CN');
  const after = await page.evaluate(BOXES);
  assert.deepEqual(after, before, 'the embeds and the text after them stayed where they were');
  const shifts = await page.evaluate(SHIFTS);
  assert.deepEqual(shifts.filter((s) => s.value > 0), [], 'no layout shift on the docs page');
  await shot('embed-02-activated.png');
  assertNoErrors();
});

test('3. the host page drives an embed with postMessage and gets replies, state and events', async () => {
  await page.goto(demo());
  await page.locator('#demo-ordered').scrollIntoViewIfNeeded();
  const frame = await embedded('demo-ordered');
  // Through embed.js's API: a step, then a kubectl command.
  const step = await page.evaluate(() => document.getElementById('demo-ordered').stsPlayground.send({ cmd: 'step', count: 3 }));
  assert.equal(step.ok, true);
  assert.equal(step.steps, 3);
  assert.equal(step.state.position, 3);
  await frame.waitForFunction(() => /\b3\s*\//.test(document.querySelector('#clock')?.textContent ?? ''));
  const run = await page.evaluate(() => document.getElementById('demo-ordered').stsPlayground.send({ cmd: 'run', command: 'kubectl get sts web' }));
  assert.equal(run.exit, 0);
  assert.match(run.output, /^NAME\s+READY\s+AGE/);
  // The page's own buttons (web/docs-demo.js) use the same API; state messages update it.
  const shown = await page.textContent('#demo-state');
  assert.match(shown, /^position \d+ of \d+ · /);
  await page.click('.drive button[data-cmd="back"]');
  await page.waitForFunction((was) => {
    const now = document.getElementById('demo-state').textContent;
    return now !== was && /^position \d+ of \d+ · /.test(now);
  }, shown);
  // Events arrive as they happen.
  const events = await page.evaluate(async () => {
    const box = document.getElementById('demo-ordered');
    const seen = [];
    box.addEventListener('sts-playground', (e) => { if (e.detail.type === 'event') seen.push(e.detail.event.reason); });
    await box.stsPlayground.send({ cmd: 'settle' });
    return seen;
  });
  assert.ok(events.includes('SuccessfulCreate'), `events: ${events}`);
  // A bad command is refused with a reason, in both languages.
  const bad = await page.evaluate(() => document.getElementById('demo-ordered').stsPlayground
    .send({ cmd: 'step', count: 0 }).then(() => null, (e) => e.reply));
  assert.equal(bad.ok, false);
  assert.match(bad.error.en, /from 1 to 10000/);
  assert.match(bad.error.zh, /整数/);
  // The read-only embed refuses commands that type.
  await page.locator('#demo-ondelete').scrollIntoViewIfNeeded();
  const ro = await embedded('demo-ondelete');
  assert.equal(await ro.locator('#console-input[readonly]').count(), 1);
  assert.equal(await ro.locator('.fault-buttons button, button.fault').count(), 0);
  const refused = await page.evaluate(() => document.getElementById('demo-ondelete').stsPlayground
    .send({ cmd: 'run', command: 'kubectl delete pod web-0' }).then(() => null, (e) => e.reply));
  assert.match(refused.error.en, /read-only/);
  await shot('embed-03-driven.png');
  assertNoErrors();
});

/** A host page, served from another port (another origin) of the loopback, that frames
 *  the playground allowing `allowed`, and records what it receives. (A page faked with
 *  page.route would count as public, and Chromium does not let a public page frame a
 *  loopback one.) */
async function hostPage(host, allowed) {
  const src = `${server.url}index.html?embed=1&scenario=ordered-creation&origin=${encodeURIComponent(allowed)}`;
  await page.goto(`${host.url}?src=${encodeURIComponent(src)}`);
  const frame = await (await page.waitForSelector('#f')).contentFrame();
  await frame.waitForSelector(READY);
  return frame;
}

/** A server whose every page frames `?src=` and records the messages it receives. */
async function hostServer() {
  const http = await import('node:http');
  const body = `<!DOCTYPE html><title>host</title><body><script src="host.js"></script></body>`;
  const js = `window.got = [];
addEventListener('message', (e) => { if (e.data && e.data.sts === 1) window.got.push({ origin: e.origin, ...e.data }); });
const f = document.createElement('iframe');
f.id = 'f';
f.style.cssText = 'width:700px;height:560px';
f.src = new URLSearchParams(location.search).get('src');
document.body.append(f);
window.send = (m) => f.contentWindow.postMessage(m, '*');`;
  const srv = http.createServer((req, res) => {
    const isJs = req.url.startsWith('/host.js');
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
    res.end(isJs ? js : body);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${srv.address().port}/`, origin: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) };
}

test('4. a message from an origin that is not allowed is ignored, and nothing is posted to it', async () => {
  const docs = await hostServer();
  const evil = await hostServer();
  try {
    // Allowed: the host's origin is in the address's origin= list.
    let frame = await hostPage(docs, docs.origin);
    await page.waitForFunction(() => window.got.some((m) => m.type === 'ready'));
    await page.evaluate(() => window.send({ sts: 1, cmd: 'step', id: 1 }));
    await page.waitForFunction(() => window.got.some((m) => m.type === 'reply' && m.id === 1 && m.ok));
    await frame.waitForFunction(() => /\b1\s*\//.test(document.querySelector('#clock')?.textContent ?? ''));
    // Not allowed: another origin frames the same page, which allows the first one only.
    frame = await hostPage(evil, docs.origin);
    const clock = await frame.textContent('#clock');
    await page.evaluate(() => {
      window.send({ sts: 1, cmd: 'step', count: 5, id: 2 });
      window.send(JSON.stringify({ sts: 1, cmd: 'run', command: 'kubectl delete sts web', id: 3 }));
    });
    await page.waitForTimeout(1000);
    assert.equal(await frame.textContent('#clock'), clock, 'the playground did not move');
    assert.ok((await frame.textContent('#console-output')).indexOf('deleted') < 0, 'the command did not run');
    assert.deepEqual(await page.evaluate(() => window.got), [], 'nothing was posted to the foreign page');
    await shot('embed-04-foreign-origin.png');
    assertNoErrors();
  } finally {
    await docs.close();
    await evil.close();
  }
});

test('5. a shared link restores the same state in a fresh browser context', async () => {
  await page.goto(`${server.url}?scenario=partition-canary`);
  await page.waitForSelector(READY);
  const kubectl = async (line, want) => {
    await page.fill('#console-input', line);
    await page.press('#console-input', 'Enter');
    await page.waitForFunction((w) => (document.querySelector('#console-output')?.textContent ?? '').includes(w), want);
  };
  await page.click('#settle');
  await page.waitForSelector('#why.settled');
  await kubectl('kubectl patch sts web -p \'{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}\'', 'patched');
  await kubectl('kubectl set image sts/web nginx=nginx:1.22', 'image updated');
  await page.click('#settle');
  // Settled, or waiting by design (the partition holds web-0 and web-1 back).
  await page.waitForSelector('#why.settled, #why.blocked');
  await page.click('#back');
  await page.click('#back');
  const state = () => page.evaluate(() => ({
    clock: document.querySelector('#clock').textContent,
    pods: [...document.querySelectorAll('.pod[data-pod]')].map((p) => [p.dataset.pod, p.dataset.revision, p.dataset.ready, p.dataset.status].join(' ')).sort(),
    partition: document.querySelector('.partition-line')?.dataset.partition ?? null,
    console: document.querySelector('#console-output').textContent,
    manifest: document.querySelector('#editor').value,
  }));
  // The address is written a moment after the last action.
  await page.waitForFunction((c) => location.hash.startsWith('#s=1.') && document.querySelector('#clock').textContent === c,
    (await state()).clock);
  await page.waitForTimeout(600);
  const want = await state();
  const link = page.url();
  assert.equal(want.partition, '2');
  await context.close();
  await fresh({ width: 1280, height: 900 });
  await page.goto(link);
  await page.waitForSelector(READY);
  assert.deepEqual(await state(), want);
  await shot('embed-05-shared-link.png');
  // The embed's "open full playground" link is such a link too.
  await page.goto(`${server.url}web/docs-demo.html`);
  await page.locator('#demo-ordered').scrollIntoViewIfNeeded();
  const frame = await embedded('demo-ordered');
  for (let i = 0; i < 4; i++) await frame.click('#step');
  await frame.waitForFunction(() => /\b4\s*\//.test(document.querySelector('#clock')?.textContent ?? ''));
  const clock = await frame.textContent('#clock');
  const href = await frame.getAttribute('#open-full', 'href');
  assert.match(href, /#s=1\./);
  await context.close();
  await fresh({ width: 1280, height: 900 });
  await page.goto(new URL(href, server.url).href);
  await page.waitForSelector(READY);
  assert.equal(await page.textContent('#clock'), clock);
  assert.equal(await page.locator('#playground.embed').count(), 0, 'the full playground, not the embed layout');
  assertNoErrors();
});

test('6. an embed fits a 360 px column, and autoplay moves through the lesson by itself', async () => {
  await context.close();
  await fresh({ width: 400, height: 800 });
  await page.goto(demo());
  await page.locator('#demo-ondelete').scrollIntoViewIfNeeded();
  const frame = await embedded('demo-ondelete');
  const width = await frame.evaluate(() => document.documentElement.clientWidth);
  assert.ok(width >= 340 && width <= 370, `the embed is ${width} px wide`);
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `nothing sticks out sideways (${overflow} px)`);
  // Autoplay: the clock runs and the lesson goes on without anyone touching it.
  await frame.waitForFunction(() => /\b[1-9]\d*\s*\//.test(document.querySelector('#clock')?.textContent ?? ''));
  await frame.waitForFunction(() => {
    const c = document.querySelector('#lesson .count')?.textContent ?? document.querySelector('#lesson .progress')?.getAttribute('aria-valuenow');
    return c && !/^0\b/.test(c.trim());
  }, null, { timeout: 30_000 });
  await shot('embed-06-narrow-autoplay.png');
  await frame.locator('#playground').screenshot({ path: path.join(SCREENSHOTS, 'embed-06-frame.png') });
  assertNoErrors();
});
