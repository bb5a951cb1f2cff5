import jsonpatch, { type Operation as PatchOperation } from 'fast-json-patch';
import { dialectSpec } from '../generated/dialects.js';
import { videoSpec } from '../generated/spec.js';
import { defaultDialect, dialectPoints, type Dialect, type DialectChoices } from './dialects.js';

type JsonObject = Record<string, unknown>;

const keys = new WeakMap<DialectChoices, string>();

/** Two dialects with the same choices speak the same document, whatever they are called. */
export function dialectKey(dialect: Dialect): string {
  // Asked several times per request (operations, error catalog); a dialect's choices never change.
  let key = keys.get(dialect.choices);
  if (key === undefined) keys.set(dialect.choices, (key = dialectPoints.map((p) => dialect.choices[p.id]).join('|')));
  return key;
}

/** The JSON Patch (RFC 6902) a choice applies to the spec; none for the default dialect's choices. */
export function choicePatch(point: string, choice: string): readonly PatchOperation[] {
  const points = dialectSpec.points as Record<string, { choices: Record<string, { patch?: readonly unknown[] }> }>;
  return (points[point]?.choices[choice]?.patch ?? []) as readonly PatchOperation[];
}

const documents = new Map<string, JsonObject>([[dialectKey(defaultDialect), videoSpec]]);

/**
 * The video API's document as a dialect speaks it: the spec (the default dialect) with the patch of
 * each of the dialect's choices applied, in the order of the points. Made once per set of choices.
 */
export function specIn(dialect: Dialect): JsonObject {
  const key = dialectKey(dialect);
  let document = documents.get(key);
  if (document === undefined) {
    document = jsonpatch.deepClone(videoSpec) as JsonObject;
    for (const point of dialectPoints) {
      const patch = choicePatch(point.id, dialect.choices[point.id]);
      try {
        document = jsonpatch.applyPatch(document, jsonpatch.deepClone(patch) as PatchOperation[], true, true).newDocument;
      } catch (error) {
        throw new Error(`x-dialects: the patch of ${point.id}=${dialect.choices[point.id]} does not apply to the spec: ${(error as Error).message}`);
      }
    }
    documents.set(key, document);
  }
  return document;
}
