// One diagnosis: a named failure pattern recognised in the captures, with the frames that show it.

import type { DiagnosisRule } from '../scenario/define-scenario.ts';

export interface Finding {
  rule: DiagnosisRule;
  /** One paragraph: what happened and why. */
  summary: string;
  /** Capture point, frame number and packet, one per line. */
  evidence: string[];
}
