/**
 * Killing a process with everything it started. A process group is not
 * enough: a child started with `detached: true` leads a group of its own.
 * While the root lives, every descendant still names its parent, so the
 * tree is read from /proc first and then killed whole. Where there is no
 * /proc, the root's group is what can be reached.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Parent pid of every process, from /proc/<pid>/stat; empty where /proc is missing. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name sits in parentheses and may hold spaces: read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (Number.isInteger(ppid)) out.set(Number(name), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Every process below `root`, deepest last. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const tryKill = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
};

/** SIGKILLs `root`'s descendants, its process group (when it leads one) and `root`. */
export function killTree(root: number, opts: { group: boolean }): void {
  const below = descendantsOf(root);
  // Stop the root first so it starts nothing new while the rest are killed.
  tryKill(root, 'SIGSTOP');
  for (const pid of below) tryKill(pid, 'SIGKILL');
  if (opts.group) tryKill(-root, 'SIGKILL');
  tryKill(root, 'SIGKILL');
}
