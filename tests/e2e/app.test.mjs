// End-to-end tests of the web app in Chromium (playwright-core driving Debian's chromium):
// what a user does and sees, through the app's stable DOM contract (`#playground[data-ready]`,
// `#scenario`, `#editor`, `#diagnostics li.diag.error`, `.err-mark`, `#apply`, `#apply-output`,
// `#step`, `#back`, `#settle`, `#clock`, `#fork-notice`, `.pod[data-pod][data-ready]
// [data-revision]`, `.partition-line[data-partition]`, `#why`, `#sts-status`, `#console-input`,
// `#console-output`, `#lang`, `#app-error`). Run by `cargo xtask test`, or by hand:
//   SITE=target/site SCREENSHOTS=target/e2e-screenshots node --test tests/e2e/
// Every test gets a fresh browser context (no shared storage) and fails on any page error
// or console error. Screenshots of each key state go to SCREENSHOTS.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium, startServer } from './server.mjs';

const SITE = path.resolve(process.env.SITE ?? 'target/site');
const SCREENSHOTS = path.resolve(process.env.SCREENSHOTS ?? 'target/e2e-screenshots');
const TIMEOUT = 15_000;
/** The full app is in charge (the first stage, `data-stage="loading"`, comes before it). */
const READY = '#playground[data-ready="true"][data-stage="full"]';
const FIRST_STAGE = '#playground[data-ready="true"][data-stage="loading"]';
const HAN = /[\u4e00-\u9fff]/;
/** `N / M` in the clock. */
const MOMENT = /(\d+)\s*\/\s*\d+/;

let server;
let browser;
/** The current test's page, context and collected errors. */
let page;
let context;
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

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
});

afterEach(async () => {
  // A test that failed early never reached assertNoErrors: show what the page said.
  if (errors.length > 0) console.log(`errors seen by the page:\n  ${errors.join('\n  ')}`);
  await context?.close();
});

/** Fails the test on any page or console error seen so far. */
function assertNoErrors() {
  assert.deepEqual(errors, [], 'the page reported errors');
}

async function shot(name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

/** Opens the app (optionally with a URL fragment) and waits until it is ready. */
async function open(fragment = '') {
  await page.goto(server.url + fragment);
  await page.waitForSelector(READY);
}

async function clock() {
  return (await page.textContent('#clock')) ?? '';
}

/** The clock without the timeline's length: `#clock` reads `N / M` plus the simulated
 *  time, and M (positions recorded so far) may grow when stepping past the end. */
function moment(clockText) {
  return clockText.replace(MOMENT, '$1').replace(/\s+/g, ' ').trim();
}

/** The names of the pod cards on screen, sorted. */
async function podNames() {
  return page.$$eval('.pod[data-pod]', (els) => els.map((e) => e.dataset.pod).sort());
}

/** Pod name -> { ready, revision, status } for every card. */
async function pods() {
  return page.$$eval('.pod[data-pod]', (els) =>
    Object.fromEntries(
      els.map((e) => [
        e.dataset.pod,
        { ready: e.dataset.ready, revision: e.dataset.revision, status: e.dataset.status },
      ]),
    ),
  );
}

/** Clicks a time control and waits until the clock shows another position. */
async function moveClock(selector) {
  const before = await clock();
  await page.click(selector);
  await page.waitForFunction(
    (prev) => (document.querySelector('#clock')?.textContent ?? '') !== prev,
    before,
  );
}

const step = () => moveClock('#step');
const back = () => moveClock('#back');

/** Runs until settled and waits until every pod card is Ready. */
async function settle() {
  await page.click('#settle');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('.pod[data-pod]')];
    return cards.length > 0 && cards.every((c) => c.dataset.ready === 'true');
  });
}

/** Picks a scenario in the header and waits for its manifest to be in the editor. */
async function loadScenario(id, marker) {
  await page.selectOption('#scenario', id);
  await page.waitForFunction(
    ([m, sel]) =>
      document.querySelector('#editor')?.value.includes(m) &&
      document.querySelector('#scenario')?.value === sel,
    [marker, id],
  );
  await page.waitForSelector(READY);
}

/** Types a console command, presses Enter and waits for `expected` in the output. */
async function kubectl(command, expected) {
  await page.fill('#console-input', command);
  await page.press('#console-input', 'Enter');
  await page.waitForFunction(
    (want) => (document.querySelector('#console-output')?.textContent ?? '').includes(want),
    expected,
  );
}

test('1. the app loads with its scenario picker and no errors', async () => {
  await open();
  const options = await page.$$eval('#scenario option', (o) => o.map((x) => x.value));
  assert.ok(options.length >= 10, `only ${options.length} scenarios: ${options}`);
  assert.ok(options.includes('ordered-creation'), `no ordered-creation in ${options}`);
  assert.equal(await page.locator('#app-error').count(), 0, 'an error is shown on a clean load');
  await shot('01-loaded.png');
  assertNoErrors();
});

test('2. a typo in the manifest shows an inline error, and fixing it clears it', async () => {
  await open();
  await loadScenario('ordered-creation', 'replicas: 3');
  const good = await page.inputValue('#editor');
  assert.ok(good.includes('replicas:'), 'the manifest has a replicas field');
  await page.fill('#editor', good.replace('replicas:', 'replica:'));
  await page.waitForSelector('.err-mark', { state: 'attached' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#diagnostics li.diag.error')].some((li) =>
      li.textContent.includes('unknown field "spec.replica"'),
    ),
  );
  const title = await page.getAttribute('.err-mark', 'title');
  assert.ok(title && title.length > 0, 'the error mark explains itself in its title');
  await shot('02-manifest-error.png');
  await page.fill('#editor', good);
  await page.waitForFunction(
    () => document.querySelectorAll('#diagnostics li.diag.error').length === 0,
  );
  assert.equal(await page.locator('.err-mark').count(), 0, 'the error mark is gone');
  await shot('02-manifest-fixed.png');
  assertNoErrors();
});

test('3. pods are created in order: web-1 only after web-0 is Ready (OrderedReady)', async () => {
  await open();
  await loadScenario('ordered-creation', 'replicas: 3');
  let web0ReadyWhenWeb1Appeared = null;
  let sawWeb0 = false;
  for (let i = 0; i < 200 && web0ReadyWhenWeb1Appeared === null; i++) {
    await step();
    const p = await pods();
    if (p['web-0']) sawWeb0 = true;
    if (p['web-1']) {
      web0ReadyWhenWeb1Appeared = p['web-0']?.ready === 'true';
    } else if (p['web-0']?.ready !== 'true') {
      assert.equal(p['web-1'], undefined, 'web-1 exists while web-0 is not Ready');
    }
    if (p['web-2']) assert.ok(p['web-1'], 'web-2 before web-1');
  }
  assert.ok(sawWeb0, 'web-0 never appeared within 200 steps');
  assert.notEqual(web0ReadyWhenWeb1Appeared, null, 'web-1 never appeared within 200 steps');
  assert.equal(web0ReadyWhenWeb1Appeared, true, 'web-1 appeared before web-0 was Ready');
  await shot('03-ordered-creation.png');
  assertNoErrors();
});

test('4. stepping back returns to the same moment', async () => {
  await open();
  await loadScenario('ordered-creation', 'replicas: 3');
  for (let i = 0; i < 8; i++) await step();
  const t0 = await clock();
  const pods0 = await podNames();
  for (let i = 0; i < 5; i++) await step();
  assert.notEqual(await clock(), t0, 'five steps did not move the clock');
  for (let i = 0; i < 5; i++) await back();
  assert.equal(moment(await clock()), moment(t0));
  assert.deepEqual(await podNames(), pods0);
  await page.waitForSelector('#fork-notice', { state: 'attached' });
  await shot('04-stepped-back.png');
  assertNoErrors();
});

test('5. applying an edited manifest scales the set to 5 Ready pods', async () => {
  await open();
  await loadScenario('ordered-creation', 'replicas: 3');
  await settle();
  const manifest = await page.inputValue('#editor');
  assert.ok(manifest.includes('replicas: 3'), 'the manifest has replicas: 3');
  await page.fill('#editor', manifest.replace('replicas: 3', 'replicas: 5'));
  await page.click('#apply');
  await page.waitForFunction(() =>
    (document.querySelector('#apply-output')?.textContent ?? '').includes(
      'statefulset.apps/web configured',
    ),
  );
  await page.click('#settle');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('.pod[data-pod]')];
    return cards.length === 5 && cards.every((c) => c.dataset.ready === 'true');
  });
  assert.deepEqual(await podNames(), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  // The watch log overflows its box and shows its newest line, as a terminal would.
  const log = () =>
    page.$eval('#watch-log', (el) => ({
      overflow: el.scrollHeight > el.clientHeight,
      fromEnd: el.scrollHeight - el.clientHeight - el.scrollTop,
      top: el.scrollTop,
      last: el.textContent.trimEnd().split('\n').pop(),
    }));
  const end = await log();
  assert.ok(end.overflow && end.fromEnd <= 4, `the watch log is not at its end: ${JSON.stringify(end)}`);
  assert.match(end.last, /web-4/);
  // Scrolled up by the reader, it stays put while steps change it.
  await page.$eval(
    '#watch-log',
    (el) =>
      new Promise((scrolled) => {
        el.addEventListener('scroll', scrolled, { once: true });
        el.scrollTop = 0;
      }),
  );
  await back();
  await back();
  assert.equal((await log()).top, 0);
  await shot('05-applied-5-replicas.png');
  assertNoErrors();
});

test('6. partition 2 canaries a new image on web-2 and web-3 only', async () => {
  await open();
  await loadScenario('partition-canary', 'replicas: 4');
  await settle();
  assert.deepEqual(await podNames(), ['web-0', 'web-1', 'web-2', 'web-3']);
  await kubectl(
    `kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'`,
    'statefulset.apps/web patched',
  );
  await kubectl('kubectl set image statefulset/web nginx=nginx:1.22', 'image updated');
  await page.click('#settle');
  await page.waitForSelector('.partition-line[data-partition="2"]', { state: 'attached' });
  // Settled: the two highest ordinals run the new revision, the two lowest the old one.
  await page.waitForFunction(() => {
    const rev = (n) => document.querySelector(`.pod[data-pod="${n}"]`);
    const all = ['web-0', 'web-1', 'web-2', 'web-3'].map(rev);
    if (all.some((c) => !c || c.dataset.ready !== 'true')) return false;
    const [r0, r1, r2, r3] = all.map((c) => c.dataset.revision);
    return r2 === r3 && r0 === r1 && r0 !== r2;
  });
  const p = await pods();
  assert.ok(p['web-0'].revision, 'pods carry a revision');
  assert.equal(p['web-2'].revision, p['web-3'].revision);
  assert.equal(p['web-0'].revision, p['web-1'].revision);
  assert.notEqual(p['web-0'].revision, p['web-2'].revision);
  await shot('06-partition-canary.png');
  assertNoErrors();
});

test('7. OnDelete: a new image reaches only the pod you delete', async () => {
  await open();
  await loadScenario('on-delete', 'OnDelete');
  await settle();
  const old = await pods();
  const oldRevision = old['web-0'].revision;
  assert.ok(oldRevision, 'pods carry a revision');
  await kubectl('kubectl set image statefulset/web nginx=nginx:1.22', 'image updated');
  await page.click('#settle');
  // The controller has seen the new revision and explains why it replaces nothing.
  await page.waitForFunction(() =>
    (document.querySelector('#why')?.textContent ?? '').includes('updateStrategy is OnDelete'),
  );
  const kept = await pods();
  for (const name of ['web-0', 'web-1', 'web-2']) {
    assert.equal(kept[name]?.revision, old[name].revision, `${name} changed revision`);
  }
  await kubectl('kubectl delete pod web-1', 'pod "web-1" deleted');
  await page.click('#settle');
  await page.waitForFunction(
    (rev) => {
      const c = (n) => document.querySelector(`.pod[data-pod="${n}"]`);
      const w0 = c('web-0');
      const w1 = c('web-1');
      return w0 && w1 && w1.dataset.ready === 'true' && w1.dataset.revision !== rev &&
        w0.dataset.revision === rev;
    },
    oldRevision,
  );
  const now = await pods();
  assert.notEqual(now['web-1'].revision, now['web-0'].revision);
  assert.equal(now['web-2'].revision, oldRevision, 'web-2 was not deleted, so it keeps its revision');
  // Under OnDelete currentRevision never advances (R-23, S-7): the status still names it.
  const status = (await page.textContent('#sts-status')) ?? '';
  assert.ok(status.includes(oldRevision), `#sts-status does not show ${oldRevision}: ${status}`);
  await shot('07-on-delete.png');
  assertNoErrors();
});

test('8. a reload keeps the position and the pods', async () => {
  await open();
  await loadScenario('ordered-creation', 'replicas: 3');
  for (let i = 0; i < 10; i++) await step();
  // One more step just before the reload: the address is written 300 ms after an
  // action, so only localStorage has this step, and the reload must take it from there.
  await page.evaluate(() => document.querySelector('#step').click());
  const t0 = await clock();
  const pods0 = await pods();
  await page.reload();
  await page.waitForSelector(READY);
  await page.waitForFunction(
    ([t, re]) =>
      (document.querySelector('#clock')?.textContent ?? '')
        .replace(new RegExp(re), '$1')
        .replace(/\s+/g, ' ')
        .trim() === t,
    [moment(t0), MOMENT.source],
  );
  assert.deepEqual(await pods(), pods0);
  assert.equal(await page.inputValue('#scenario'), 'ordered-creation');
  await shot('08-reloaded.png');
  assertNoErrors();
});

test('9. the Chinese UI renders and survives a reload', async () => {
  await open();
  const isZh = () =>
    document.documentElement.lang === 'zh-CN' ||
    document.querySelector('#playground')?.getAttribute('lang') === 'zh-CN';
  await page.click('#lang');
  await page.waitForFunction(isZh);
  await page.waitForFunction(
    (han) => new RegExp(han).test(document.querySelector('#step')?.textContent ?? ''),
    HAN.source,
  );
  await shot('09-chinese.png');
  await page.reload();
  await page.waitForSelector(READY);
  await page.waitForFunction(isZh);
  assert.match((await page.textContent('#step')) ?? '', HAN);
  await shot('09-chinese-reloaded.png');
  assertNoErrors();
});

test('10. a broken share link is reported and the playground still works', async () => {
  await open('#s=garbage');
  await page.waitForSelector('#app-error', { state: 'visible' });
  const text = ((await page.textContent('#app-error')) ?? '').trim();
  assert.ok(text.length > 0, '#app-error is empty');
  assert.equal(await page.locator(READY).count(), 1);
  assert.ok(await page.isEnabled('#step'), 'the time controls work after a bad link');
  await shot('10-bad-link.png');
  assertNoErrors();
});

test('11. a first visit can step before the engine arrives, and the engine takes over at the same step', async () => {
  // Hold the full app's wasm until the first stage has been used.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route('**/pkg/sts_web_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(server.url);
  await page.waitForSelector(FIRST_STAGE);
  assert.match(await page.textContent('#loading-notice'), /Loading the full engine/);
  assert.deepEqual(await podNames(), [], 'the scenario starts with no pods');
  // Ordered creation, from the build-time frames: web-0 appears, then becomes Ready.
  await page.click('#step');
  await page.waitForFunction(() => document.querySelectorAll('.pod[data-pod]').length > 0);
  await page.click('#settle');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('.pod[data-pod]')];
    return cards.length === 3 && cards.every((c) => c.dataset.ready === 'true');
  });
  await back();
  await page.focus('#step');
  const shown = { clock: moment(await clock()), pods: await pods() };
  assert.ok(await page.isVisible('#fork-notice'), 'stepping back shows the past notice');
  assert.notEqual(await page.getAttribute('#console-input', 'readonly'), null, 'the console waits');
  await shot('11-first-stage.png');

  release();
  await page.waitForSelector(READY);
  assert.equal(moment(await clock()), shown.clock, 'the engine continues at the same step');
  assert.deepEqual(await pods(), shown.pods);
  assert.ok(await page.isVisible('#fork-notice'), 'and still knows the later steps');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step', 'focus stays');
  await step();
  await kubectl('kubectl get pods', 'web-2');
  await shot('11-after-hand-over.png');
  assertNoErrors();
});

/** The lesson panel's state: the current task's `data-done` (null when the lesson
 *  stands at narration), whether "Next" is enabled and whether the lesson finished. */
async function lessonState() {
  return page.evaluate(() => {
    const task = document.querySelector('#lesson .task');
    const next = document.querySelector('#lesson-next');
    return {
      task: task ? task.dataset.done : null,
      count: document.querySelector('#lesson .count')?.textContent ?? '',
      canAdvance: !!next && !next.disabled,
      finished: /Finished|已完成/.test(next?.textContent ?? ''),
    };
  });
}

/**
 * Follows lesson `id` from Start to Finished as a learner would: narration is read with
 * "Next"; at each task the learner types that task's commands (`tasks[i]`: pairs of a
 * command and a piece of its expected output) into the console, runs until settled, and
 * waits for the live check to pass. Screenshots of the first task and the end.
 */
async function completeLesson(id, marker, tasks, shotPrefix) {
  await open();
  await loadScenario(id, marker);
  await page.click('#lesson-next'); // Start
  let done = 0;
  for (let guard = 0; guard < 80; guard++) {
    const s = await lessonState();
    if (s.finished) break;
    if (s.task === 'false') {
      assert.ok(done < tasks.length, `task ${done + 1} of ${id} has no commands in this test`);
      assert.equal(s.canAdvance, false, 'an open task holds the lesson');
      if (done === 0) await shot(`${shotPrefix}-task.png`);
      for (const [command, expected] of tasks[done]) await kubectl(command, expected);
      await page.click('#settle');
      await page.waitForSelector('#lesson .task[data-done="true"]', { timeout: 30_000 });
      done += 1;
    }
    assert.ok((await lessonState()).canAdvance, `the lesson can go on (${s.count})`);
    await page.click('#lesson-next');
    await page.waitForFunction(
      (before) => (document.querySelector('#lesson .count')?.textContent ?? '') !== before ||
        /Finished|已完成/.test(document.querySelector('#lesson-next')?.textContent ?? ''),
      s.count,
    );
  }
  assert.ok((await lessonState()).finished, `${id} reaches its end`);
  assert.equal(done, tasks.length, 'every task was done by the learner');
  await page.waitForSelector('#lesson-done');
  await shot(`${shotPrefix}-finished.png`);
  // Remembered in this browser: the picker marks it after a reload.
  await page.reload();
  await page.waitForSelector(READY);
  const label = await page.$eval(`#scenario option[value="${id}"]`, (o) => o.textContent);
  assert.match(label, /✓/, `the picker marks ${id} as completed: ${label}`);
}

test('12. the StatefulSet vs Deployment lesson can be completed, with the Deployment drawn as its own group', async () => {
  await completeLesson(
    'sts-vs-deployment',
    'kind: Deployment',
    [
      [
        ['kubectl scale statefulset web --replicas=5', 'statefulset.apps/web scaled'],
        ['kubectl scale deployment web-deploy --replicas=5', 'deployment.apps/web-deploy scaled'],
      ],
      [
        ['kubectl set image statefulset/web nginx=nginx:1.27', 'statefulset.apps/web image updated'],
        ['kubectl set image deployment/web-deploy nginx=nginx:1.27', 'deployment.apps/web-deploy image updated'],
      ],
    ],
    '12-sts-vs-deployment',
  );
  // The Deployment's pods: their own group, named after the new ReplicaSet, no ordinals.
  const summary = await page.textContent('.set-summary[data-deployment="web-deploy"]');
  assert.match(summary, /Deployment\s*web-deploy/);
  assert.match(summary, /new ReplicaSet/);
  const names = await podNames();
  const deployPods = names.filter((n) => n.startsWith('web-deploy-'));
  assert.equal(deployPods.length, 5, names.join(' '));
  assert.ok(names.includes('web-4'), 'the StatefulSet kept ordinal names');
  assertNoErrors();
});

test('13. the partition canary lesson can be completed: partition 2, new image, then 1, then 0', async () => {
  const patch = (p) => [
    `kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":${p}}}}}'`,
    'statefulset.apps/web patched',
  ];
  await completeLesson(
    'partition-canary',
    'replicas: 4',
    [
      [patch(2)],
      [['kubectl set image statefulset/web nginx=nginx:1.22', 'statefulset.apps/web image updated']],
      [patch(1)],
      [patch(0)],
    ],
    '13-partition-canary',
  );
  // Every pod ends on the new revision.
  const p = await pods();
  const revisions = new Set(Object.values(p).map((c) => c.revision));
  assert.equal(revisions.size, 1, JSON.stringify(p));
  assertNoErrors();
});

test('14. Reset this task puts the cluster back where the task began', async () => {
  await open();
  await loadScenario('partition-canary', 'replicas: 4');
  await page.click('#lesson-next');
  for (let i = 0; i < 20 && (await lessonState()).task === null; i++) {
    const before = (await lessonState()).count;
    await page.click('#lesson-next');
    await page.waitForFunction(
      (b) => (document.querySelector('#lesson .count')?.textContent ?? '') !== b,
      before,
    );
  }
  assert.equal((await lessonState()).task, 'false');
  assert.ok(await page.isDisabled('#lesson-reset'), 'nothing to reset before acting');
  const began = moment(await clock());
  await kubectl(
    `kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'`,
    'statefulset.apps/web patched',
  );
  await page.click('#settle');
  await page.waitForSelector('#lesson .task[data-done="true"]');
  await page.click('#lesson-reset');
  await page.waitForSelector('#lesson .task[data-done="false"]');
  assert.equal(moment(await clock()), began, 'the clock is back at the task start');
  assert.match(await page.textContent('#notice'), /task starts over/);
  await shot('14-task-reset.png');
  assertNoErrors();
});
