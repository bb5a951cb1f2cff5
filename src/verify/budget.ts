import { defaultModels } from '../contract/model-catalog.js';

/** The live gateway charges per video second; the suite never spends more than its budget. */
export interface Budget {
  /** The most the suite may spend, in cents. */
  readonly maxSpendCents: number;
  /** Cents reserved by creates sent so far (released again when the create was refused). */
  readonly spentCents: number;
  /** Reserves the cost of one create; false when it would pass the max spend (the create is not sent). */
  reserve(cents: number): boolean;
  /** Gives a reservation back: the create was refused, so nothing was charged. */
  release(cents: number): void;
}

export function createBudget(maxSpendCents: number): Budget {
  let spent = 0;
  return {
    maxSpendCents,
    get spentCents() {
      return spent;
    },
    reserve(cents) {
      if (spent + cents > maxSpendCents + 1e-9) return false;
      spent += cents;
      return true;
    },
    release(cents) {
      spent = Math.max(0, spent - cents);
    },
  };
}

/** An unlimited budget, for targets where a job costs nothing (the mocks). */
export const freeBudget = (): Budget => createBudget(Number.POSITIVE_INFINITY);

/** Price of one video second of a model, in cents, from fixtures/models.json (the model page's $0.100). */
export function pricePerSecondCents(model: string): number {
  const entry = defaultModels.find((m) => m.id === model) ?? defaultModels[0];
  if (entry === undefined) throw new Error('fixtures/models.json lists no video model');
  return entry.pricePerSecondCents;
}

export const formatDollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;
