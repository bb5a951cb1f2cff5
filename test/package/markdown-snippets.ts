import { readFileSync } from 'node:fs';

export interface Snippet {
  /** `README.md`, `docs/client.md`: relative to the repository. */
  file: string;
  /** The line of the opening fence. */
  line: number;
  code: string;
}

/** The fenced ```ts / ```typescript blocks of a Markdown file, in order. */
export function typescriptSnippets(root: string, file: string): Snippet[] {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '```'] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? '').trim().startsWith(fence); j++) body.push((lines[j] ?? '').slice(indent.length));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: the TypeScript block is never closed`);
    snippets.push({ file, line: i + 1, code: body.join('\n') });
    i = j;
  }
  return snippets;
}

/** A file name that says where the snippet comes from: `README.md-L42.ts`. */
export const snippetFileName = (snippet: Snippet): string => `${snippet.file.replace(/[/\\]/g, '_')}-L${snippet.line}.ts`;
