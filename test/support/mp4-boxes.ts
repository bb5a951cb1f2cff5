// A strict reader of the ISO BMFF box tree (ISO/IEC 14496-12), for tests: every box must lie inside
// its parent and the children of a container must fill it exactly, or it throws naming the box.

export interface Box {
  type: string;
  /** Offset of the box's first byte in the file. */
  start: number;
  size: number;
  /** The payload after the size and type (and, for a full box, still including version and flags). */
  payload: DataView;
  children: Box[];
}

// Boxes made only of boxes, and boxes with a fixed header before their children.
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl', 'edts']);
const HEADER_BEFORE_CHILDREN: Record<string, number> = {
  stsd: 8, // version, flags, entry_count
  dref: 8,
  avc1: 78, // VisualSampleEntry fields
};

function readChildren(bytes: Uint8Array, start: number, end: number, path: string): Box[] {
  const boxes: Box[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at < end) {
    if (end - at < 8) throw new Error(`${path}: ${end - at} stray bytes at ${at}`);
    const size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (size < 8 || at + size > end) throw new Error(`${path}/${type} at ${at}: size ${size} overruns its parent (ends at ${end})`);
    const payload = new DataView(bytes.buffer, bytes.byteOffset + at + 8, size - 8);
    const header = HEADER_BEFORE_CHILDREN[type];
    const children = CONTAINERS.has(type)
      ? readChildren(bytes, at + 8, at + size, `${path}/${type}`)
      : header !== undefined
        ? readChildren(bytes, at + 8 + header, at + size, `${path}/${type}`)
        : [];
    boxes.push({ type, start: at, size, payload, children });
    at += size;
  }
  return boxes;
}

/** The top-level boxes of a file, each with its descendants. */
export const readBoxes = (file: Uint8Array): Box[] => readChildren(file, 0, file.byteLength, '');

/** The one box at a path such as `moov/trak/mdia/mdhd`; throws when there is none or several. */
export function boxAt(boxes: readonly Box[], path: string): Box {
  const [head, ...rest] = path.split('/');
  const found = boxes.filter((b) => b.type === head);
  if (found.length !== 1) throw new Error(`expected one ${head}, found ${found.length} (${path})`);
  const box = found[0] as Box;
  return rest.length === 0 ? box : boxAt(box.children, rest.join('/'));
}

/** Unsigned 32-bit fields of a full box's payload, after version and flags. */
export const fullBoxWords = (box: Box): number[] =>
  Array.from({ length: (box.payload.byteLength - 4) >> 2 }, (_, i) => box.payload.getUint32(4 + 4 * i));
