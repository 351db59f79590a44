/**
 * Reads a password or token: from a terminal with the prompt on stderr and
 * nothing echoed, else the first line of standard input (`echo $T | sluice
 * login --with-token`), never from an argument other users could read.
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';

export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const rl = readline.createInterface({ input: stdin, terminal: false });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  process.stderr.write(prompt);
  let muted = true;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: stdin, output, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  muted = false;
  rl.close();
  process.stderr.write('\n');
  return answer;
}
