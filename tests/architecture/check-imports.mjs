#!/usr/bin/env node
/**
 * The import check of DESIGN section 3 (`npm run check:imports`, part of
 * `npm test`).
 *
 * 1. Runs dependency-cruiser over src/ with .dependency-cruiser.cjs (every
 *    rule there is an error).
 * 2. Adds what dependency-cruiser cannot say on its own:
 *    - no-cycle-between-folders: the graph of top-level folders under src/
 *      (src/trading, src/jobs, ...) built from EVERY import, type-only
 *      included, has no cycle;
 *    - no-circular (completed): dependency-cruiser follows one cycle per
 *      import and drops it when that one passes through a type-only import,
 *      so a value-only cycle next to it could hide; the strongly connected
 *      components of the value-import graph find every one.
 * 3. Prints every violation on one line, `rule: from → to`, grouped by rule
 *    with the rule's reason, and exits 1 when there is any.
 *
 * Usage: node tests/architecture/check-imports.mjs [--json | --rules]
 *   --json   the violations as JSON ({ ok, violations: [{ rule, from, to, detail? }] })
 *   --rules  the names of all rules as a JSON array
 * Runs in the current directory (a copy of the project works: the planted-
 * violation test runs it in temporary copies).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Name of the folder-level cycle rule (not a dependency-cruiser rule). */
export const FOLDER_CYCLE_RULE = 'no-cycle-between-folders';
/** Name of dependency-cruiser's file-level cycle rule, completed here. */
export const FILE_CYCLE_RULE = 'no-circular';
const TYPE_ONLY = new Set(['type-only', 'type-import']);

/**
 * @typedef {{ rule: string, from: string, to: string, detail?: string }} Violation
 * @typedef {{ ok: boolean, violations: Violation[], comments: Map<string,string>, modules: number, dependencies: number, rules: string[] }} CheckResult
 */

/** Runs dependency-cruiser in `cwd` and returns its JSON result. */
function cruise(cwd) {
  // The package's exports hide its bin; locate it from the resolved entry point (src/main/index.mjs).
  const entry = fileURLToPath(import.meta.resolve('dependency-cruiser'));
  const bin = path.join(entry, '..', '..', '..', 'bin', 'dependency-cruise.mjs');
  const args = [bin, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--no-progress'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      // dependency-cruiser exits with the number of errors; only missing JSON is a failure of the run itself.
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`dependency-cruiser did not run (exit ${err?.code ?? 0}):\n${stderr || stdout}`));
      }
    });
  });
}

/** Tarjan's strongly connected components of a graph given as Map<node, Set<node>>. */
function stronglyConnected(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v)?.has(v)) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Shortest path from `start` to `goal` inside `allowed` (breadth first), both ends included. */
function shortestPath(graph, start, goal, allowed) {
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    if (v === goal) break;
    for (const w of graph.get(v) ?? []) {
      if (allowed.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  if (!prev.has(goal)) return null;
  const pathOut = [];
  for (let v = goal; v !== null; v = prev.get(v)) pathOut.unshift(v);
  return pathOut;
}

const topFolder = (file) => (file.startsWith('src/') ? file.split('/')[1] : null);

/**
 * Folder cycles: one violation per folder edge that lies on a cycle, with
 * the cycle it closes and one file-level import for each hop.
 * @returns {Violation[]}
 */
function folderCycles(modules) {
  const graph = new Map();
  const example = new Map();
  for (const m of modules) {
    const a = topFolder(m.source);
    if (!a || !m.source.startsWith('src/')) continue;
    for (const d of m.dependencies) {
      const b = topFolder(d.resolved);
      if (!b || a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a).add(b);
      const key = `${a}>${b}`;
      if (!example.has(key)) example.set(key, `${m.source} → ${d.resolved}`);
    }
  }
  const found = [];
  for (const comp of stronglyConnected(graph)) {
    const inComp = new Set(comp);
    for (const a of [...comp].sort()) {
      for (const b of [...(graph.get(a) ?? [])].sort()) {
        if (!inComp.has(b)) continue;
        const back = shortestPath(graph, b, a, inComp);
        const cycle = [a, ...back];
        const hops = cycle.slice(1).map((to, i) => `${cycle[i]}→${to}: ${example.get(`${cycle[i]}>${to}`)}`);
        found.push({
          rule: FOLDER_CYCLE_RULE,
          from: `src/${a}`,
          to: `src/${b}`,
          detail: `cycle ${cycle.map((f) => `src/${f}`).join(' → ')} (${hops.join('; ')})`,
        });
      }
    }
  }
  return found;
}

/** File cycles over value imports that dependency-cruiser's no-circular did not report. */
function missedFileCycles(modules, reported) {
  const graph = new Map();
  for (const m of modules) {
    if (!m.source.startsWith('src/')) continue;
    const next = new Set();
    for (const d of m.dependencies) {
      if (!d.resolved.startsWith('src/')) continue;
      if (d.dependencyTypes.some((t) => TYPE_ONLY.has(t))) continue;
      next.add(d.resolved);
    }
    graph.set(m.source, next);
  }
  const found = [];
  for (const comp of stronglyConnected(graph)) {
    const inComp = new Set(comp);
    if (reported.some((v) => inComp.has(v.from) && inComp.has(v.to))) continue;
    const a = [...comp].sort()[0];
    const b = [...graph.get(a)].filter((x) => inComp.has(x)).sort()[0];
    const cycle = [a, ...shortestPath(graph, b, a, inComp)];
    found.push({ rule: FILE_CYCLE_RULE, from: a, to: b, detail: `cycle ${cycle.join(' → ')}` });
  }
  return found;
}

/**
 * Runs the whole check in `cwd`.
 * @param {string} [cwd]
 * @returns {Promise<CheckResult>}
 */
export async function checkImports(cwd = process.cwd()) {
  const result = await cruise(cwd);
  const ruleSet = result.summary.ruleSetUsed?.forbidden ?? [];
  const comments = new Map(ruleSet.map((r) => [r.name, r.comment ?? '']));
  comments.set(FOLDER_CYCLE_RULE, 'No cycle between top-level folders of src/ (type-only imports included).');
  /** @type {Violation[]} */
  const violations = result.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
    ...(v.cycle ? { detail: `cycle ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}` } : {}),
    ...(v.via ? { detail: `via ${[v.from, ...v.via.map((c) => c.name ?? c)].join(' → ')}` } : {}),
  }));
  const fileCycles = violations.filter((v) => v.rule === FILE_CYCLE_RULE);
  violations.push(...missedFileCycles(result.modules, fileCycles), ...folderCycles(result.modules));
  return {
    ok: violations.length === 0,
    violations,
    comments,
    modules: result.summary.totalCruised,
    dependencies: result.summary.totalDependenciesCruised,
    rules: [...comments.keys()],
  };
}

/** Human-readable report: one line per violation, `rule: from → to`. */
export function formatReport(res) {
  const lines = [];
  if (res.ok) {
    lines.push(
      `import check: OK — ${res.rules.length} rules (DESIGN §3), ${res.modules} modules, ${res.dependencies} imports, no violation.`,
    );
    return lines.join('\n');
  }
  const byRule = new Map();
  for (const v of res.violations) {
    if (!byRule.has(v.rule)) byRule.set(v.rule, []);
    byRule.get(v.rule).push(v);
  }
  for (const [rule, list] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `✖ ${rule} (${list.length}) — ${res.comments.get(rule) ?? ''}`);
    for (const v of list) lines.push(`  ${rule}: ${v.from} → ${v.to}${v.detail ? `   [${v.detail}]` : ''}`);
  }
  lines.push(
    '',
    `import check: FAILED — ${res.violations.length} violations of ${byRule.size} rules: ` +
      [...byRule].map(([r, l]) => `${r} ${l.length}`).join(', '),
    'Rules: .dependency-cruiser.cjs and tests/architecture/check-imports.mjs (DESIGN §3).',
  );
  return lines.join('\n');
}

/** Names of every rule the check applies: the config's, then the folder-cycle rule. */
export function ruleNames(cwd = process.cwd()) {
  const require = createRequire(path.join(cwd, 'package.json'));
  const config = require(path.join(cwd, '.dependency-cruiser.cjs'));
  return [...config.forbidden.map((r) => r.name), FOLDER_CYCLE_RULE];
}

async function main() {
  if (process.argv.includes('--rules')) {
    process.stdout.write(`${JSON.stringify(ruleNames())}\n`);
    return;
  }
  const res = await checkImports();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ ok: res.ok, violations: res.violations }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReport(res)}\n`);
  }
  process.exitCode = res.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 2;
  });
}
