// One diagnosis: a named failure pattern recognised in the captures, with the frames that show it.

import type { DiagnosisRule } from '../scenario/define-scenario.ts';

export interface Finding {
  rule: DiagnosisRule;
  /** The probe whose traffic shows it; absent only for what stops the whole run (a storm). */
  probe?: string;
  /** One paragraph: what happened and why. */
  summary: string;
  /** Capture point, frame number and packet, one per line. */
  evidence: string[];
  /** Which evidence lines (by index) are the packets at fault; absent: every one of them. */
  culprits?: number[];
}
