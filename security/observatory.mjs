// Runs MDN's HTTP Observatory checks offline against a server on this machine.
// The package's own CLI scans only the default ports, so this calls its
// retriever with the port, then grades exactly as its scan() does.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import { getGradeForScore, getScoreModifier } from "@mdn/mdn-http-observatory/src/grader/grader.js";
import { ALL_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";

const [host, port, path] = process.argv.slice(2);
const r = await retrieve(host, { httpPort: Number(port), httpsPort: Number(port), path: path || "/" });
if (!r.responses.auto) {
  console.log(JSON.stringify({ error: "site down" }));
  process.exit(2);
}
let withCredit = 100;
let uncurved = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const result = test(r);
  if (result.result) {
    const modifier = getScoreModifier(result.result);
    withCredit += modifier;
    if (modifier < 0) uncurved += modifier;
  }
  tests[result.constructor.name] = { pass: result.pass, result: result.result };
}
const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : uncurved;
const final = getGradeForScore(score);
console.log(JSON.stringify({ grade: final.grade, score: final.score, status: r.responses.auto.status, tests }));
