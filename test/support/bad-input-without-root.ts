// Run by test/integration/bad-input.test.ts as an unprivileged user: every case not marked root,
// in one process, to show they are refused without root. Prints one JSON line per case as it
// finishes ({ id, code, stderr, leftBehind }), so a child cut short still reports the rest.

import { loadCases, runCase } from './bad-input.ts';

for (const c of await loadCases())
  if (!c.root) process.stdout.write(`${JSON.stringify({ id: c.id, ...(await runCase(c)) })}\n`);
