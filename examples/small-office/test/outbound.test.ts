import { describeScenario } from 'natlab/vitest';

describeScenario('scenarios/outbound.ts');
