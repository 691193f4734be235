// How long a Step click takes to reach the screen with 1,000 pods on it: the product's
// "a step click paints within one frame (16 ms)" figure. A benchmark, not a test: it
// prints numbers and asserts nothing about time.
//
//   cargo xtask serve --no-serve          # builds target/site
//   node tests/bench/step-paint.mjs [--replicas 1000] [--clicks 60]
//
// Each sample: click #step inside the page, then wait for the next animation frame and
// one task after it (the frame has been produced by then); the time from the click to
// that point, in ms, from the page's own performance.now().
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../e2e/server.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const replicas = arg('replicas', 1000);
const clicks = arg('clicks', 60);
const site = path.resolve(process.env.SITE ?? 'target/site');

const { url: base, close } = await startServer(site);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(`${base}?scenario=parallel`);
  await page.waitForSelector('#playground[data-ready="true"][data-stage="full"]');
  const run = async (line) => {
    await page.fill('#console-input', line);
    await page.press('#console-input', 'Enter');
  };
  await run(`kubectl scale sts web --replicas=${replicas}`);
  const t0 = Date.now();
  await page.click('#settle');
  await page.waitForSelector('#why.settled, #why.stuck', { timeout: 600000 });
  const settleMs = Date.now() - t0;
  await run('kubectl set image sts/web nginx=nginx:1.22');
  const pods = await page.$$eval('.pod', (l) => l.length);
  // The same wait without a click: what waiting for the next frame costs by itself
  // (up to one 16.7 ms frame interval), so the step's own share can be told apart.
  const sample = (click) => page.evaluate(async ([n, click]) => {
    const out = [];
    const step = document.querySelector('#step');
    for (let i = 0; i < n; i++) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t = performance.now();
      if (click) step.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      out.push(performance.now() - t);
    }
    return out;
  }, [clicks, click]);
  // The page's own work for a click: the click handler, the simulation step and Yew's
  // re-render, up to the first task after it (before the browser paints).
  const script = await page.evaluate(async (n) => {
    const out = [];
    const step = document.querySelector('#step');
    for (let i = 0; i < n; i++) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t = performance.now();
      step.click();
      await new Promise((r) => setTimeout(r, 0));
      out.push(performance.now() - t);
    }
    return out;
  }, clicks);
  const baseline = await sample(false);
  // Where the time of the clicked frames goes (Chromium's own counters, summed over
  // the clicks): script, style recalculation, layout.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries(
    (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  const times = await sample(true);
  const m1 = await metrics();
  const per = (name) => ((m1[name] - m0[name]) * 1000 / clicks).toFixed(1);
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
    return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
  };
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`replicas ${replicas}: settled in ${settleMs} ms (wall clock, build + run);`
    + ` ${pods} pod cards, ${domNodes} DOM elements`);
  console.log(`script work of a step click (handler, step, render): ${stats(script)}`);
  console.log(`next frame without a click (baseline): ${stats(baseline)}`);
  console.log(`step click → next frame over ${clicks} clicks during a rolling update: ${stats(times)}`);
  console.log(`per click (Chromium's counters, mean): script ${per('ScriptDuration')} ms,`
    + ` style ${per('RecalcStyleDuration')} ms (${((m1.RecalcStyleCount - m0.RecalcStyleCount) / clicks).toFixed(1)}×),`
    + ` layout ${per('LayoutDuration')} ms (${((m1.LayoutCount - m0.LayoutCount) / clicks).toFixed(1)}×),`
    + ` all tasks ${per('TaskDuration')} ms`);
} finally {
  await browser.close();
  close();
}
