import { describeScenario } from 'natlab/vitest';

describeScenario('scenarios/nas-forward.ts');
