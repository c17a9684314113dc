import { planTopology } from '../src/plan/plan-topology.ts';
import { loadScenario } from '../src/scenario/load-scenario.ts';

const s = await loadScenario(process.argv[2] ?? 'hairpin-broken');
console.log(JSON.stringify(planTopology(s.def, { scenario: s.name, runId: 'mn0001' })));
