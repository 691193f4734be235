// What a Step click costs the page's main thread until its frame is on screen, with
// 1,000 pods (the product's "a step click paints within one frame" figure) or any other
// count. A benchmark, not a test: it prints figures and asserts nothing about time.
//
//   cargo xtask serve --no-serve          # builds target/site
//   node tests/bench/step-paint.mjs [--replicas 1000] [--clicks 60] [--site DIR]
//   DEBUG=1 node tests/bench/step-paint.mjs   # also the 8 costliest clicks, by trace event
//
// Each click is dispatched inside the page (`#step.click()`) during a rolling update,
// one per frame, under a Chrome trace. For each click the trace gives the main thread's
// work from the click's dispatch to the end of the Commit of the frame that shows it
// (the frame's style, layout, pre-paint, paint and commit included), summed over the
// tasks in between, so idle time waiting for the next frame is not counted. The figure
// to hold against one frame (16.7 ms at 60 Hz) is that sum. Software raster in headless
// Chromium on a 2-core machine: a desktop with a GPU is faster.
import path from 'node:path';
import { launchChromium, startServer } from '../e2e/server.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const replicas = Number(arg('replicas', 1000));
const clicks = Number(arg('clicks', 60));
const site = path.resolve(arg('site', process.env.SITE ?? 'target/site'));

const { url: base, close } = await startServer(site);
const browser = await launchChromium();
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
  // A few clicks first: the first ones after a command warm caches up.
  const clickAll = (n) => page.evaluate(async (n) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const step = document.querySelector('#step');
    for (let i = 0; i < n; i++) {
      await frame();
      step.click();
      await frame();
    }
  }, n);
  await clickAll(5);
  const pods = await page.$$eval('.pod', (l) => l.length);
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'],
  });
  await clickAll(clicks);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const events = trace.traceEvents ?? trace;

  // The page's main thread: the one that dispatched the clicks.
  const isClick = (e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click';
  const first = events.find(isClick);
  if (!first) throw new Error('no click in the trace');
  // Complete events as they are, begin/end pairs joined into one.
  const main = [];
  const open = [];
  for (const e of events.filter((e) => e.pid === first.pid && e.tid === first.tid)) {
    if (e.ph === 'X' && e.dur !== undefined) main.push(e);
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) main.push({ ...b, ph: 'X', dur: e.ts - b.ts });
    }
  }
  main.sort((a, b) => a.ts - b.ts);
  const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
  const starts = main.filter(isClick).map((e) => e.ts);
  const commits = main.filter((e) => e.name === 'Commit');
  const kinds = {
    script: ['EventDispatch', 'FunctionCall', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks'],
    style: ['UpdateLayoutTree', 'RecalculateStyles'],
    layout: ['Layout'],
    'pre-paint': ['PrePaint'],
    paint: ['Paint', 'Layerize', 'UpdateLayer'],
    commit: ['Commit'],
  };
  const overlap = (e, from, to) => Math.max(0, Math.min(e.ts + e.dur, to) - Math.max(e.ts, from));
  const samples = [];
  const detail = [];
  const parts = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  for (const start of starts) {
    const commit = commits.find((c) => c.ts > start);
    if (!commit) continue;
    const end = commit.ts + commit.dur;
    // Work: the tasks that overlap the interval (clipped to it); the click itself runs
    // inside the evaluate's task, which starts before the click.
    // Tasks nest (a RunTask inside a ThreadControllerImpl::RunTask): outermost only.
    let work = 0;
    let covered = -1;
    for (const t of tasks) {
      if (t.ts >= end) break;
      if (t.ts + t.dur <= start || t.ts < covered) continue;
      work += overlap(t, start, end);
      covered = t.ts + t.dur;
    }
    samples.push(work / 1000);
    const mine = {};
    for (const [k, names] of Object.entries(kinds)) {
      // Top-level occurrences only: nested ones (a FunctionCall in an EventDispatch)
      // would count twice.
      let covered = -1;
      for (const e of main) {
        if (e.ts >= end) break;
        if (!names.includes(e.name) || e.ts + e.dur <= start || e.ts < covered) continue;
        parts[k] += overlap(e, start, end);
        mine[k] = (mine[k] ?? 0) + overlap(e, start, end) / 1000;
        covered = e.ts + e.dur;
      }
    }
    const names = {};
    for (const e of main) {
      if (e.ts >= end) break;
      if (e.ts + e.dur <= start || e.dur < 300) continue;
      names[e.name] = ((names[e.name] ?? 0) + overlap(e, start, end) / 1000);
    }
    detail.push({ work: work / 1000, ...Object.fromEntries(Object.entries(names).map(([k, v]) => [k, +v.toFixed(1)])) });
  }
  if (process.env.DEBUG) for (const d of detail.sort((a, b) => b.work - a.work).slice(0, 8)) console.log(JSON.stringify(d));
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
    return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
  };
  const mean = (k) => (parts[k] / 1000 / samples.length).toFixed(1);
  console.log(`replicas ${replicas}: settled in ${settleMs} ms (wall clock, build + run);`
    + ` ${pods} pod cards, ${domNodes} DOM elements`);
  console.log(`main-thread work, step click → its frame committed (${samples.length} clicks`
    + ` during a rolling update): ${stats(samples)}`);
  console.log(`mean per click (work nested in another kind counts in both): ${Object.keys(kinds).map((k) => `${k} ${mean(k)} ms`).join(', ')}`);
} finally {
  await browser.close();
  close();
}
