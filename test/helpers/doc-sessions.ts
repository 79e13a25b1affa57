import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Shell sessions printed in the documentation, run by test/doc-sessions.e2e-spec.ts so that they
 * cannot rot. A block belongs to a session when the line before its ```sh fence is
 * `<!-- readme-session: NAME -->`; a session's blocks run in document order, in one bash.
 */
export const DOCUMENTS = ['README.md', 'receiver/README.md', 'CONTRIBUTING.md'];

/** What a reader's machine has and the test's server differs in: replaced in every block. */
export const DOCUMENTED_SERVER = 'http://localhost:3000';

export interface DocBlock { file: string; line: number; code: string }
export interface DocSession { name: string; blocks: DocBlock[] }

const MARKER = /^<!--\s*readme-session:\s*([\w-]+)\s*-->\s*$/;
const FENCE = /^```(sh|bash)\s*$/;

export function docSessions(root: string, documents = DOCUMENTS): DocSession[] {
  const sessions = new Map<string, DocBlock[]>();
  for (const file of documents.filter((name) => existsSync(join(root, name)))) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((text, index) => {
      const name = MARKER.exec(text)?.[1];
      if (!name) return;
      if (!FENCE.test(lines[index + 1] ?? '')) throw new Error(`${file}:${index + 1}: a readme-session marker must stand right before a \`\`\`sh block`);
      const end = lines.indexOf('```', index + 2);
      if (end < 0) throw new Error(`${file}:${index + 2}: the session block is not closed`);
      const blocks = sessions.get(name) ?? [];
      blocks.push({ file, line: index + 3, code: lines.slice(index + 2, end).join('\n') });
      sessions.set(name, blocks);
    });
  }
  return [...sessions].map(([name, blocks]) => ({ name, blocks }));
}

/**
 * One bash script for a session: strict mode (a failing command, or one inside `$(...)`, stops it),
 * curl failing on any answer that is not 2xx, and each block's documented server replaced by `serverUrl`.
 */
export function sessionScript(session: DocSession, serverUrl: string): string {
  const prelude = [
    'set -Eeuo pipefail',
    'shopt -s inherit_errexit',
    'curl() { command curl --fail-with-body --show-error "$@"; }',
    `trap 'echo "session ${session.name}: failed at: $BASH_COMMAND (exit $?)" >&2' ERR`,
  ];
  const blocks = session.blocks.map((block) => [`echo '### ${block.file}:${block.line}' >&2`, block.code.replaceAll(DOCUMENTED_SERVER, serverUrl)].join('\n'));
  return [...prelude, ...blocks, ''].join('\n');
}
