import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../src/record/redactor.js';

describe('the redactor', () => {
  it('replaces credentials in headers, keeping the scheme and a fingerprint that tells keys apart', () => {
    const r = createRedactor();
    const a = r.header('Authorization', 'Bearer sk-aig-alpha-123');
    const b = r.header('authorization', 'Bearer sk-aig-beta-456');
    expect(a).toMatch(/^Bearer \[redacted\] key_[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(r.header('x-aigw-admin-token', 'admin-secret-1')).toBe(REDACTED);
    expect(r.header('cookie', 'session=abc')).toBe(REDACTED);
    expect(r.header('X-Webhook-Secret', 'whsec_9')).toBe(REDACTED);
    expect(r.header('x-ratelimit-remaining-requests', '599')).toBe('599');
  });

  it('then scrubs the keys and tokens it learned wherever they appear', () => {
    const r = createRedactor();
    r.header('authorization', 'Bearer custom-token-without-prefix');
    r.header('x-aigw-admin-token', 'admin-secret-1');
    expect(r.text('echo: custom-token-without-prefix and admin-secret-1')).toBe(`echo: ${REDACTED} and ${REDACTED}`);
    expect(r.text('a key sk-aig-Zx9_q in text, and the placeholder sk-aig-... stays')).toBe('a key sk-aig-[redacted] in text, and the placeholder sk-aig-... stays');
  });

  it('replaces signed-URL tokens and user info in URLs, leaving other parameters as they were', () => {
    const r = createRedactor();
    expect(r.url('https://media.example/v.mp4?X-Amz-Signature=abc&X-Amz-Expires=60&token=t0k&variant=video')).toBe(
      'https://media.example/v.mp4?X-Amz-Signature=%5Bredacted%5D&X-Amz-Expires=60&token=%5Bredacted%5D&variant=video',
    );
    expect(r.url('https://user:pass@example.com/a')).toBe('https://redacted:redacted@example.com/a');
    expect(r.url('http://127.0.0.1:4010/v1/jobs/job_1?__code=429')).toBe('http://127.0.0.1:4010/v1/jobs/job_1?__code=429');
  });

  it('replaces webhook URLs, secret fields and URL tokens inside JSON bodies, at any depth', () => {
    const r = createRedactor({ fields: ['prompt_id'] });
    expect(
      r.json({
        model: 'm',
        webhook_url: 'https://hooks.example.com/T0K3N/x?secret=1',
        webhook_secret: 'whsec_abc',
        nested: [{ api_key: 'k1', url: 'https://cdn.example/v.mp4?sig=zz' }],
        prompt_id: 'p-7',
        duration: 5,
      }),
    ).toEqual({
      model: 'm',
      webhook_url: 'https://hooks.example.com/redacted',
      webhook_secret: REDACTED,
      nested: [{ api_key: REDACTED, url: 'https://cdn.example/v.mp4?sig=%5Bredacted%5D' }],
      prompt_id: REDACTED,
      duration: 5,
    });
  });

  it('takes more header and query names to redact', () => {
    const r = createRedactor({ headers: ['X-Tenant'], query: ['tenant'] });
    expect(r.header('x-tenant', 'acme')).toBe(REDACTED);
    expect(r.url('https://a.example/x?tenant=acme&b=1')).toBe('https://a.example/x?tenant=%5Bredacted%5D&b=1');
  });
});
