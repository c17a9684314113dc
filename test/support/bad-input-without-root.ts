// Run by test/integration/bad-input.test.ts as an unprivileged user: every case not marked root,
// in one process, to show they are refused without root. Prints case id -> outcome as JSON.

import { type CaseOutcome, loadCases, runCase } from './bad-input.ts';

const outcomes: Record<string, CaseOutcome> = {};
for (const c of await loadCases()) if (!c.root) outcomes[c.id] = await runCase(c);
process.stdout.write(JSON.stringify(outcomes));
