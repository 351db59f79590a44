/** "showing 25 of 55" / "showing 25 of more than 1000": a count that never claims more than it knows. */
export function showingText(shown: number, total: number, capped: boolean, noun: string): string {
  const of = capped ? `more than ${total}` : String(total);
  return `showing ${shown} of ${of} ${noun}`;
}
