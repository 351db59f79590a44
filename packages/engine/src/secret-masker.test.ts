import { describe, expect, it } from 'vitest';
import { MASK, MIN_MASKED_LENGTH, SecretMasker, isSensitiveName } from './secret-masker';

const streamed = (masker: SecretMasker, chunks: string[]): string => {
  const s = masker.stream();
  return chunks.map((c) => s.write(c)).join('') + s.end();
};

describe('SecretMasker', () => {
  it('replaces every occurrence of every secret', () => {
    const m = new SecretMasker();
    m.add('hunter2-pass');
    m.add('AKIAEXAMPLE');
    expect(m.mask('user=bob pass=hunter2-pass key=AKIAEXAMPLE again hunter2-pass')).toBe(
      `user=bob pass=${MASK} key=${MASK} again ${MASK}`,
    );
  });

  it('leaves values shorter than the minimum alone, so a one-letter secret does not destroy the log', () => {
    const m = new SecretMasker();
    m.add('a');
    m.add('x'.repeat(MIN_MASKED_LENGTH - 1));
    expect(m.size).toBe(0);
    expect(m.mask('a banana and xxxx')).toBe('a banana and xxxx');
  });

  it('hides the whole of a longer secret that contains a shorter one', () => {
    const m = new SecretMasker();
    m.add('token');
    m.add('token-and-more');
    expect(m.mask('[token-and-more] [token]')).toBe(`[${MASK}] [${MASK}]`);
  });

  it('masks a secret as JSON writes it inside a logged object', () => {
    const m = new SecretMasker();
    m.add('line one\nline "two"');
    expect(m.mask(JSON.stringify({ v: 'line one\nline "two"' }))).toBe(`{"v":"${MASK}"}`);
  });

  it('masks regular-expression characters literally', () => {
    const m = new SecretMasker();
    m.add('a.b*c(d)');
    expect(m.mask('aXb*c(d) a.b*c(d)')).toBe(`aXb*c(d) ${MASK}`);
  });
});

describe('MaskingStream', () => {
  it('masks a secret split across two chunks', () => {
    const m = new SecretMasker();
    m.add('s3cr3t-value');
    expect(streamed(m, ['echo s3cr', '3t-value done\n'])).toBe(`echo ${MASK} done\n`);
  });

  it('masks a secret arriving one character per chunk', () => {
    const m = new SecretMasker();
    m.add('s3cr3t-value');
    expect(streamed(m, [...'<s3cr3t-value>'])).toBe(`<${MASK}>`);
  });

  it('gives the same text as masking the whole, wherever the chunks are cut', () => {
    const m = new SecretMasker();
    for (const s of ['abcab-secret', 'cab-s', 'zzzzzz', 'tok-12345']) m.add(s);
    const text = 'x abcab-secret y cab-s zzzzzzz abcabcab-secret tok-1234 tok-12345\n';
    const whole = m.mask(text);
    expect(whole).not.toMatch(/abcab-secret|tok-12345|zzzzzz/);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(streamed(m, [text.slice(0, i), text.slice(i, j), text.slice(j)])).toBe(whole);
      }
    }
  });

  it('holds back only what could begin a secret, and gives it out at the end', () => {
    const m = new SecretMasker();
    m.add('secret-value');
    const s = m.stream();
    expect(s.write('progress 50% sec')).toBe('progress 50% ');
    expect(s.end()).toBe('sec');
  });

  it('masks a secret added after the stream began from then on', () => {
    const m = new SecretMasker();
    const s = m.stream();
    expect(s.write('before tok-later\n')).toBe('before tok-later\n');
    m.add('tok-later');
    expect(s.write('after tok-later\n') + s.end()).toBe(`after ${MASK}\n`);
  });
});

describe('isSensitiveName', () => {
  it('matches SECRET, PASSWORD, TOKEN and KEY in any case and position', () => {
    for (const name of ['API_TOKEN', 'db_password', 'MySecret', 'AWS_SECRET_ACCESS_KEY', 'keyring', 'GH_TOKEN'])
      expect(isSensitiveName(name)).toBe(true);
    for (const name of ['REGION', 'WAREHOUSE_URL', 'USER', 'PASS']) expect(isSensitiveName(name)).toBe(false);
  });
});
