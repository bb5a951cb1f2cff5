import { statusesIn } from '../../contract/job-status.js';
import { judgingDialect } from '../judge-dialect.js';
import fc from 'fast-check';
import type { SchemaVideoGenerationRequest } from '../../generated/api.js';
import { badCredentials, defect, unknownJobId, validRequest } from '../arbitraries.js';
import { expectThat, responseOf, runProperty, type Check, type CheckContext } from '../check.js';
import { send } from '../exchange.js';
import { advanceClock, bodyObject, costOf, getJob, isTerminalStatus, sendCreate, statusRank } from '../jobs.js';

/** What the model knows of a job: the furthest status seen and, once ended, how it ended. */
interface ModelJob {
  rank: number;
  status: string;
  /** JSON of {status, result, error} once the job ended. */
  ending: string | null;
}

/** The model: simpler than the system, it only remembers what must never change. */
interface LifecycleModel {
  jobs: Map<string, ModelJob>;
  ids: string[];
}

interface LifecycleReal {
  ctx: CheckContext;
  key: string;
  /** Real waiting so far (live targets), held within the target's poll budget. */
  waitedMs: number;
}

type LifecycleCommand = fc.AsyncCommand<LifecycleModel, LifecycleReal>;

const endingOf = (job: Record<string, unknown>): string => JSON.stringify({ status: job['status'], result: job['result'], error: job['error'] });

/** Jobs one sequence may create: a few on the mock, two where each costs money. */
export const lifecycleJobLimit = (costFree: boolean): number => (costFree ? 6 : 2);

class CreateValid implements LifecycleCommand {
  constructor(
    readonly request: SchemaVideoGenerationRequest,
    readonly limit: number,
  ) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return model.ids.length < this.limit;
  }
  async run(model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const { budget, costFree } = real.ctx.target;
    // Where jobs cost money, a create the budget cannot pay for is not sent (the run goes on without it).
    if (!costFree && budget.spentCents + costOf(this.request) > budget.maxSpendCents) return;
    const exchange = await sendCreate(real.ctx, real.key, this.request);
    const status = responseOf(exchange).status;
    const job = bodyObject(exchange);
    expectThat((status === 202 || status === 200) && job !== null, `a valid create answered ${status}`, exchange);
    expectThat(typeof job['id'] === 'string' && job['status'] === 'queued', `a created job must be queued with an id, not ${JSON.stringify(job['status'])}`, exchange);
    expectThat(!model.jobs.has(job['id']), `the create answered the id of an earlier job, ${job['id']}`, exchange);
    model.jobs.set(job['id'], { rank: 0, status: 'queued', ending: null });
    model.ids.push(job['id']);
  }
  toString(): string {
    return `createValid(${JSON.stringify(this.request)})`;
  }
}

class CreateInvalid implements LifecycleCommand {
  constructor(
    readonly request: SchemaVideoGenerationRequest,
    readonly defectName: string,
    readonly apply: (body: Record<string, unknown>) => void,
  ) {}
  check(): boolean {
    return true;
  }
  async run(_model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const body: Record<string, unknown> = { ...this.request };
    this.apply(body);
    const exchange = await sendCreate(real.ctx, real.key, body);
    const status = responseOf(exchange).status;
    expectThat(status >= 400 && status < 500, `a create with ${this.defectName} answered ${status}, not a 4xx`, exchange);
  }
  toString(): string {
    return `createInvalid(${this.defectName})`;
  }
}

class PollExisting implements LifecycleCommand {
  constructor(readonly pick: number) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return model.ids.length > 0;
  }
  async run(model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const id = model.ids[this.pick % model.ids.length] as string;
    const known = model.jobs.get(id) as ModelJob;
    const exchange = await getJob(real.ctx, real.key, id);
    const status = responseOf(exchange).status;
    // A gateway that throttles polls answers 304 Not Modified: the job as last seen, nothing to compare.
    if (status === 304 && judgingDialect(real.ctx.target, exchange).choices['fast-poll'] === '304') return;
    const job = bodyObject(exchange);
    expectThat(status === 200 && job !== null, `polling the created job ${id} answered ${status}`, exchange);
    expectThat(job['id'] === id, `polling ${id} answered the job ${JSON.stringify(job['id'])}`, exchange);
    const rank = statusRank(job['status']);
    const statuses = statusesIn(judgingDialect(real.ctx.target, exchange));
    expectThat(statuses.includes(job['status'] as string), `status ${JSON.stringify(job['status'])} is not one of ${statuses.join(', ')}`, exchange);
    expectThat(rank >= known.rank, `status went back from ${known.status} to ${String(job['status'])}`, exchange);
    if (known.ending !== null) expectThat(endingOf(job) === known.ending, `the ended job changed: was ${known.ending}, now ${endingOf(job)}`, exchange);
    known.rank = rank;
    known.status = String(job['status']);
    if (isTerminalStatus(job['status'])) known.ending ??= endingOf(job);
  }
  toString(): string {
    return `pollExisting(${this.pick})`;
  }
}

class PollUnknown implements LifecycleCommand {
  constructor(readonly id: string) {}
  check(): boolean {
    return true;
  }
  async run(_model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const exchange = await getJob(real.ctx, real.key, this.id);
    const status = responseOf(exchange).status;
    expectThat(status === 404, `polling the unknown job ${this.id} answered ${status}, not 404`, exchange);
  }
  toString(): string {
    return `pollUnknown(${JSON.stringify(this.id)})`;
  }
}

class Advance implements LifecycleCommand {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(_model: LifecycleModel, real: LifecycleReal): Promise<void> {
    // On the mock time is the clock's to move; against a live target it is real waiting, kept short.
    if (real.ctx.target.isMock) await advanceClock(real.ctx, this.ms);
    else {
      const ms = Math.min(this.ms, 5000, Math.max(0, real.ctx.target.pollBudgetMs - real.waitedMs));
      real.waitedMs += ms;
      if (ms > 0) await real.ctx.target.sleep(ms);
    }
  }
  toString(): string {
    return `advance(${this.ms} ms)`;
  }
}

class BadCredentials implements LifecycleCommand {
  constructor(
    readonly credential: { name: string; authorization: string | null },
    readonly pick: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const id = model.ids.length > 0 ? (model.ids[this.pick % model.ids.length] as string) : 'job_doesnotexist';
    const headers: Record<string, string> = this.credential.authorization === null ? {} : { authorization: this.credential.authorization };
    const exchange = await send(real.ctx.target, { method: 'GET', path: `/v1/jobs/${id}`, headers, operationId: 'getJob' });
    real.ctx.drift.observeExchange(exchange);
    const status = responseOf(exchange).status;
    expectThat(status === 401, `polling ${id} with ${this.credential.name} answered ${status}, not 401`, exchange);
  }
  toString(): string {
    return `badCredentials(${this.credential.name})`;
  }
}

/**
 * The model-based lifecycle test (fast-check's `examples/004-stateMachine` style): random sequences
 * of creates, polls, waits and bad credentials, checked against a model that remembers only the
 * furthest status of each job and how it ended.
 */
export const modelLifecycle: Check = {
  name: 'model_lifecycle',
  sentence: 'survives random sequences of creates, polls, waits and bad credentials without breaking the lifecycle',
  group: 'model-based',
  needsState: true,
  needsMock: false,
  createsPerRun: 1,
  run(ctx) {
    const target = ctx.target;
    const commands = [
      validRequest(target).map((r) => new CreateValid(r, lifecycleJobLimit(target.costFree)) as LifecycleCommand),
      fc.tuple(validRequest({ ...target, costFree: false }), defect).map(([r, d]) => new CreateInvalid(r, d.name, d.apply) as LifecycleCommand),
      fc.nat(10).map((i) => new PollExisting(i) as LifecycleCommand),
      fc.nat(10).map((i) => new PollExisting(i) as LifecycleCommand),
      unknownJobId.map((id) => new PollUnknown(id) as LifecycleCommand),
      fc.integer({ min: 200, max: 6000 }).map((ms) => new Advance(ms) as LifecycleCommand),
      fc.tuple(badCredentials(target.checksKeyValue), fc.nat(10)).map(([c, i]) => new BadCredentials(c, i) as LifecycleCommand),
    ];
    let run = 0;
    return runProperty(ctx, fc.commands(commands, { maxCommands: target.costFree ? 25 : 8 }), async (cmds) => {
      const real: LifecycleReal = { ctx, key: target.keyFor(`model_lifecycle-${run++}`), waitedMs: 0 };
      await fc.asyncModelRun(() => ({ model: { jobs: new Map(), ids: [] }, real }), cmds);
    });
  },
};
