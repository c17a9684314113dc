// Under `npm run` (or a user's npm script), npm is natlab's parent: when npm dies without passing a
// signal on (SIGKILL, a closed terminal), natlab ends as on SIGTERM, tearing its lab down, instead
// of running on as an orphan. Outside npm, a run that outlives its shell (nohup) is left alone.

const CHECK_MS = 500;

export function endWithParent(): void {
  if (process.env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, CHECK_MS);
  timer.unref();
}
