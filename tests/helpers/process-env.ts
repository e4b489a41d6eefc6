/** process.env for CLI commands run inside the test process (not a test file itself). */

/**
 * Sets `vars` in process.env — what a command run in process reads, like DATABASE_URL — and
 * returns the function that puts back what was there before (deleting what was not set).
 */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
