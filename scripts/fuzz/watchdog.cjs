// The fuzz run's watchdog thread (see startWatchdog in run.ts): plain CommonJS, so that it loads the same
// whatever loader runs the fuzz (tsx, the test runner). shared[0] is the running case, shared[1] whether
// one runs, shared[2] its hang limit in ms.
const {workerData} = require('node:worker_threads');
const fs = require('node:fs');
const {shared, seed} = workerData;
let seen = -1;
let since = Date.now();
setInterval(() => {
  const index = Atomics.load(shared, 0);
  const running = Atomics.load(shared, 1);
  const hangMs = Atomics.load(shared, 2);
  if (index !== seen || !running) {
    seen = index;
    since = Date.now();
    return;
  }
  if (Date.now() - since > hangMs) {
    fs.writeSync(2, `FAILED case ${index}: no-throw: it has run for ${Math.round((Date.now() - since) / 1000)} s, over the hang limit: the run is stopped\nreplay: npm run fuzz -- --seed ${seed} --path ${index}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}, 250);
