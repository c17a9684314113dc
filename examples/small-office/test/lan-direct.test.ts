import { describeScenario } from 'natlab/vitest';

describeScenario('scenarios/lan-direct.ts');
