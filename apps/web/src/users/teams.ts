/** "growth, data-eng" → ["growth", "data-eng"]; blanks dropped. */
export function parseTeams(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
