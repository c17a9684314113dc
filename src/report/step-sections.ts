// The probes of a result grouped as they ran: the top-level ones, then each step's under it. Every
// report (terminal, HTML) shows a scenario with steps in this order.

import type { ProbeReport, ScenarioResult, StepReport } from './scenario-result.ts';

export interface ProbeSection {
  /** None: the top-level probes (or every probe of a scenario without steps). */
  step?: StepReport;
  /** From 1, for a heading ("Step 2: flushed"). */
  number?: number;
  probes: ProbeReport[];
}

export function probeSections(result: Pick<ScenarioResult, 'probes' | 'steps'>): ProbeSection[] {
  const top = { probes: result.probes.filter((p) => p.step === undefined) };
  const steps = (result.steps ?? []).map((step, i) => ({
    step,
    number: i + 1,
    probes: result.probes.filter((p) => p.step === step.name),
  }));
  return [...(top.probes.length > 0 || steps.length === 0 ? [top] : []), ...steps];
}

/** "Step 2 flushed": the number and the name; the changes are listed below it. */
export function stepHeading(section: ProbeSection): string | undefined {
  if (!section.step) return undefined;
  return `Step ${section.number} ${section.step.name}`;
}

/** What the kernel held right after the step's probes, a line per node with rules. */
export function stepStateLines(step: StepReport): string[] {
  return step.kernelState.map(
    (k) =>
      `after its probes, ${k.node}: ${k.conntrack.length} conntrack flow(s), ${k.counters.reduce((n, c) => n + c.packets, 0)} packet(s) counted by ${k.counters.length} rule(s)`,
  );
}
