import { describeScenario } from 'natlab/vitest';

describeScenario('scenarios/web-forward.ts');
