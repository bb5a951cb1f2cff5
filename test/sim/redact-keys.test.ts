import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { redactKeys } from '../../src/sim/redact-keys.js';

const SECRET = 'CANARY9f2';

describe('redactKeys', () => {
  it.each([
    ['a key in a path', `/v1/jobs/sk-aig-${SECRET}`],
    ['a key in a query', `/v1/jobs/job_1?api_key=sk-aig-${SECRET}&x=1`],
    ['a URL-encoded key in a path', `/v1/jobs/sk%2Daig%2D${SECRET}`],
    ['a URL-encoded key in a query, lower-case escapes', `/v1/jobs/x?key=sk%2daig%2d${SECRET}`],
    ['a key with every letter escaped', `/v1/jobs/x?key=%73%6B%2D%61%69%67%2D${SECRET}`],
    ['a doubly escaped key', `/v1/jobs/x?key=sk%252Daig%252D${SECRET}`],
    ['a key containing a semicolon', `key=sk-aig-abc;${SECRET}`],
    ['a key containing a comma', `sk-aig-abc,${SECRET}`],
    ['a key in upper case', `SK-AIG-${SECRET}`],
    ['a key inside a webhook URL', `http://127.0.0.1:9000/hook?token=sk-aig-${SECRET}`],
  ])('hides %s entirely', (_, text) => {
    const redacted = redactKeys(text);
    expect(redacted).not.toContain(SECRET);
    expect(redacted).toContain('[redacted]');
  });

  it('leaves text without a key as it was', () => {
    expect(redactKeys('/v1/jobs/job_abc?limit=5')).toBe('/v1/jobs/job_abc?limit=5');
    expect(redactKeys('/v1/files/jobs/job_1/video%20name.mp4')).toBe('/v1/files/jobs/job_1/video%20name.mp4');
  });

  it('keeps what follows the key in a query string', () => {
    expect(redactKeys(`/v1/jobs/job_1?api_key=sk-aig-${SECRET}&limit=5`)).toBe('/v1/jobs/job_1?api_key=sk-aig-[redacted]&limit=5');
  });

  test.prop([fc.stringMatching(/^[!-~]{1,40}$/), fc.constantFrom('', '/v1/jobs/', 'x?key=', 'cookie: a=1; k=')])(
    'never lets the characters after sk-aig- through, however the key is escaped',
    (tail, before) => {
      fc.pre(tail.length >= 6);
      const marker = `Q${tail}Q`;
      for (const key of [`sk-aig-${marker}`, encodeURIComponent(`sk-aig-${marker}`), `sk%2Daig%2D${encodeURIComponent(marker)}`]) {
        expect(redactKeys(`${before}${key}`)).not.toContain(marker);
      }
    },
  );
});
