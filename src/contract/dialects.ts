import { dialectSpec } from '../generated/dialects.js';

type PointsSpec = (typeof dialectSpec)['points'];

/** A point where the gateway's public sources disagree (`create-status`, `statuses`, ...). */
export type DialectPoint = keyof PointsSpec;
/** The choices of one point (`'202' | '200'` for `create-status`). */
export type DialectChoice<P extends DialectPoint = DialectPoint> = Extract<keyof PointsSpec[P]['choices'], string>;
export type DialectChoices = { readonly [P in DialectPoint]: DialectChoice<P> };
export type DialectName = Extract<keyof (typeof dialectSpec)['dialects'], string>;

/** One choice per point, and the name that says it (`docs`, or `docs,fast-poll=none`). */
export interface Dialect {
  readonly name: string;
  readonly choices: DialectChoices;
}

export interface DialectPointInfo {
  id: DialectPoint;
  summary: string;
  choices: ReadonlyArray<{ id: string; sources: readonly string[]; description: string }>;
}

/** The points in the spec's order, each with its choices and their sources. */
export const dialectPoints: readonly DialectPointInfo[] = Object.entries(dialectSpec.points).map(([id, point]) => ({
  id: id as DialectPoint,
  summary: point.summary,
  choices: Object.entries(point.choices).map(([choice, info]) => ({
    id: choice,
    sources: info.sources as readonly string[],
    description: info.description,
  })),
}));

const pointIds = dialectPoints.map((p) => p.id);

export const namedDialects: Readonly<Record<DialectName, Dialect>> = Object.fromEntries(
  Object.entries(dialectSpec.dialects).map(([name, d]) => [name, { name, choices: d.choices as DialectChoices }]),
) as Record<DialectName, Dialect>;

export const dialectNames = Object.keys(namedDialects) as DialectName[];

/** The dialect the mock speaks unless told otherwise. */
export const defaultDialect: Dialect = namedDialects[dialectSpec.default];

/** A dialect the user wrote wrong: the message names the part and what would have been valid. */
export class DialectError extends Error {
  override name = 'DialectError';
}

const isPoint = (id: string): id is DialectPoint => (pointIds as string[]).includes(id);
const isName = (name: string): name is DialectName => (dialectNames as string[]).includes(name);
const choicesOf = (point: DialectPoint): string[] => dialectPoints.find((p) => p.id === point)?.choices.map((c) => c.id) ?? [];

/**
 * Reads `docs`, `docs,fast-poll=none` or `fast-poll=304` (overrides on the default dialect). Parts are
 * comma-separated; a named dialect, if any, comes first; each later part is `point=choice`.
 */
export function parseDialect(text: string): Dialect {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new DialectError(`A dialect is empty; named dialects: ${dialectNames.join(', ')}.`);
  let base = defaultDialect;
  const overrides: Partial<Record<DialectPoint, string>> = {};
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (index > 0) throw new DialectError(`'${part}': a named dialect comes first; later parts are point=choice.`);
      if (!isName(part)) throw new DialectError(`'${part}' is not a dialect; named dialects: ${dialectNames.join(', ')}.`);
      base = namedDialects[part];
      return;
    }
    const point = part.slice(0, eq).trim();
    const choice = part.slice(eq + 1).trim();
    if (!isPoint(point)) throw new DialectError(`'${point}' is not a dialect point; points: ${pointIds.join(', ')}.`);
    if (!choicesOf(point).includes(choice)) {
      throw new DialectError(`${point}=${choice}: '${choice}' is not a choice of ${point}; choices: ${choicesOf(point).join(', ')}.`);
    }
    if (point in overrides) throw new DialectError(`${point} is set twice.`);
    overrides[point] = choice;
  });
  return dialectFrom({ ...base.choices, ...overrides } as DialectChoices, base.name);
}

/**
 * The dialect of these choices, named after the named dialect it differs from least (`base` first on
 * a tie), with the differing points spelled out: `docs`, `docs,fast-poll=none`.
 */
export function dialectFrom(choices: DialectChoices, base?: string): Dialect {
  const diff = (d: Dialect): DialectPoint[] => pointIds.filter((p) => d.choices[p] !== choices[p]);
  const candidates = [...(base !== undefined && isName(base) ? [namedDialects[base]] : []), ...Object.values(namedDialects)];
  let best = candidates[0] as Dialect;
  for (const candidate of candidates) if (diff(candidate).length < diff(best).length) best = candidate;
  const name = [best.name, ...diff(best).map((p) => `${p}=${choices[p]}`)].join(',');
  return { name, choices: { ...choices } };
}

/** Whether a choice is the one this dialect makes at a point. */
export const speaks = <P extends DialectPoint>(dialect: Dialect, point: P, choice: DialectChoice<P>): boolean =>
  dialect.choices[point] === choice;

/**
 * A dialect as options take it: a name such as `docs,fast-poll=none`, or a `Dialect` (whose choices
 * are checked and whose name is made anew from them). Throws a DialectError naming the point at fault.
 */
export function toDialect(value: string | Dialect): Dialect {
  if (typeof value === 'string') return parseDialect(value);
  if (typeof value !== 'object' || value === null || typeof value.choices !== 'object' || value.choices === null) {
    throw new DialectError('A dialect is a name such as docs,fast-poll=none, or { choices: { <point>: <choice>, ... } }.');
  }
  for (const point of dialectPoints) {
    const choice = (value.choices as Record<string, unknown>)[point.id];
    if (typeof choice !== 'string' || !choicesOf(point.id).includes(choice)) {
      throw new DialectError(`${point.id}: ${JSON.stringify(choice)} is not a choice of ${point.id}; choices: ${choicesOf(point.id).join(', ')}.`);
    }
  }
  return dialectFrom(value.choices, value.name);
}
