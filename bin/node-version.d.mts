// Types of node-version.mjs (plain JavaScript, so that an old Node can run it).
export function nodeVersionProblem(version: string): string | null;
