import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../mocks/express.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { createUrlTarget, runSuite, type SuiteReport } from '../../src/verify/index.js';
import { TEST_KEY, virtualClock } from '../contract/targets.js';
import { mutants, type Mutant } from './mutants.js';

// The suite's power: every mutant (one contract defect in the Express mock) must make it fail.
// A fixed seed keeps the score reproducible; AIGW_SEED explores others.
const SEED = Number(process.env['AIGW_SEED'] ?? 1);
const RUNS = Number(process.env['AIGW_MUTANT_RUNS'] ?? 10);

async function suiteAgainst(mutant: Mutant | null): Promise<SuiteReport> {
  const simulation = createSimulation({ now: virtualClock().now });
  const server = await startMockServer({ port: 0, log: null, simulation: mutant === null ? simulation : mutant.mutate(simulation) });
  try {
    const target = await createUrlTarget({ name: mutant === null ? 'express' : `express+${mutant.name}`, baseUrl: server.url, apiKey: TEST_KEY });
    return await runSuite(target, { seed: SEED, runs: RUNS, stopOnFailure: mutant !== null, shrink: false });
  } finally {
    await server.close();
  }
}

const killedBy = new Map<string, string | null>();

describe('the mutation harness', () => {
  afterAll(() => {
    const killed = [...killedBy.values()].filter((k) => k !== null).length;
    const lines = [...killedBy].map(([name, by]) => `  ${by === null ? 'SURVIVED' : 'killed  '} ${name}${by === null ? '' : ` (by ${by})`}`);
    process.stdout.write(
      `mutation score: ${killed}/${killedBy.size} mutants killed (${((100 * killed) / Math.max(1, killedBy.size)).toFixed(0)}%), seed ${SEED}, ${RUNS} runs\n${lines.join('\n')}\n`,
    );
  });

  it('passes every check against the unmutated mock', async () => {
    const report = await suiteAgainst(null);
    expect(report.results.filter((r) => r.status === 'failed').map((r) => r.name)).toEqual([]);
  });

  it('injects at least twelve distinct contract defects', () => {
    expect(new Set(mutants.map((m) => m.name)).size).toBe(mutants.length);
    expect(mutants.length).toBeGreaterThanOrEqual(12);
  });

  for (const mutant of mutants) {
    it.concurrent(`fails when the mock has this defect: ${mutant.defect}`, async () => {
      const report = await suiteAgainst(mutant);
      const failed = report.results.find((r) => r.status === 'failed');
      killedBy.set(mutant.name, failed?.name ?? null);
      expect(failed, `mutant ${mutant.name} survived every check (seed ${SEED})`).toBeDefined();
    });
  }
});
