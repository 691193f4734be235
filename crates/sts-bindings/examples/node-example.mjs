// A runnable example of the StatefulSet Playground's JavaScript API (node 20 or later).
//
// Build the package, then run the example from the repository root:
//
//   PATH="$PWD/node_modules/.bin:$PATH" wasm-pack build --release --target nodejs \
//       --out-dir "$PWD/target/bindings/pkg" crates/sts-bindings
//   node crates/sts-bindings/examples/node-example.mjs
//
// STS_BINDINGS_PKG names another package directory. With STS_CLI_TRACE set to the output
// of `sts run scenarios/partition-canary.yaml --output json`, the example also checks
// that the package's trace is the same, line for line (`cargo xtask test` does this).
// Any failed check exits non-zero.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.STS_BINDINGS_PKG ?? path.join(here, "../../../target/bindings/pkg");
// `--target nodejs` makes a CommonJS module.
const { Playground } = createRequire(import.meta.url)(path.join(pkg, "sts_bindings.js"));

// The built-in scenarios, with English and Chinese titles.
const scenarios = Playground.scenarios();
console.log(`${scenarios.length} built-in scenarios, e.g. ${scenarios[0].id}: ${scenarios[0].title.en} / ${scenarios[0].title.zh}`);

const pg = new Playground();
const changes = [];
const onChange = (summary) => changes.push(summary.action);
pg.on("change", onChange);

// Load a lesson's cluster (its manifests are applied) and watch web-0 start alone.
pg.loadScenario("ordered-creation");
while (pg.snapshot().pods.length === 0) pg.step();
const first = pg.snapshot();
console.log(`t=${first.clock} pods: ${first.pods.map((p) => `${p.name} ${p.status}`).join(", ")}`);
console.log(`why: ${first.statefulsets[0].blocker?.en ?? "not waiting"}`);
assert.deepEqual(first.pods.map((p) => p.name), ["web-0"], "OrderedReady creates web-0 first");

// Run until nothing is left to do, then ask kubectl.
const settled = pg.runUntilSettled({ maxEvents: 10000 });
console.log(`runUntilSettled: ${settled.result} after ${settled.steps} events`);
assert.equal(settled.result, "settled");
const pods = pg.kubectl("kubectl get pods -o wide");
console.log(pods.output);
assert.equal(pods.exit, 0);

// Scale up, look at the status block, then go back in time.
assert.equal(pg.kubectl("kubectl scale sts web --replicas=5").output, "statefulset.apps/web scaled");
pg.runUntilSettled();
const status = pg.snapshot().statefulsets[0].status;
console.log(`status: replicas=${status.replicas} ready=${status.readyReplicas} updateRevision=${status.updateRevision}`);
assert.equal(status.readyReplicas, 5);
const end = pg.snapshot().position;
pg.back(10);
console.log(`back 10: position ${pg.snapshot().position} of ${pg.snapshot().length}, ${pg.snapshot().pods.length} pods`);
pg.seek(end);

// A fault, and what the controller says about it.
pg.fault({ pod: "web-4", fail: true });
const blocked = pg.nextAction();
console.log(`after failing web-4: the controller acted=${blocked.acted}; ${pg.kubectl("kubectl get pod web-4").output.split("\n")[1]}`);

// Bad input throws an Error with kubectl's words and changes nothing.
for (const bad of [
  () => pg.kubectl("kubectl scael sts web --replicas=2"),
  () => pg.apply("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec: {replica: 2}\n"),
  () => pg.loadScenario("no-such-scenario"),
]) {
  const before = pg.snapshot().length;
  assert.throws(bad, Error);
  try { bad(); } catch (e) { console.log(`refused: ${e.message.split("\n")[0]}`); }
  assert.equal(pg.snapshot().length, before);
}

pg.off("change", onChange);
console.log(`change events: ${changes.length} (${[...new Set(changes)].join(", ")})`);
assert.ok(changes.includes("runUntilSettled") && changes.includes("fault"));

// A scenario's own steps, and the same verdict as `sts check`.
pg.loadScenario("partition-canary");
console.log(pg.check().summary);
const run = pg.runScenario();
assert.ok(run.ok, JSON.stringify(run.failures));
const trace = pg.trace();
console.log(`partition-canary: ${trace.length} trace entries; last: ${JSON.stringify(trace.at(-1))}`);

// The headless contract: the same objects as `sts run --output json`.
if (process.env.STS_CLI_TRACE) {
  const cli = readFileSync(process.env.STS_CLI_TRACE, "utf8").trimEnd().split("\n");
  assert.deepEqual(trace.map((e) => JSON.stringify(e)), cli);
  console.log(`the trace equals ${cli.length} lines of sts run --output json`);
}
console.log("ok");
