import { describe, expect, it } from 'vitest';
import { judgeSessionReply } from '../../src/adapters/manager/v3/session.js';

/** The reply to GET /web/api/v2/session/status, judged as the public BasicAuthAccess.java sample does. */
const judge = (status: number, data: string, headers: Record<string, string> = {}) => {
  try {
    return judgeSessionReply('alpha', 'admin', { status, data, headers });
  } catch (error) {
    return error as { code: string; exitCode: number; message: string; hint?: string };
  }
};

describe('MRS 3.x session check reply', () => {
  it.each([
    ['a resObj envelope', '{"resObj":{"userName":"admin"}}'],
    ['a resObj of another shape', '{"resObj":[1,2]}'],
    ['an object without resObj', '{"state":"OK"}'],
    ['an empty body', ''],
    ['JSON with spaces around', '  {"resObj":null}\n'],
  ])('200 with %s is a working session', (_name, body) => {
    expect(judge(200, body)).toEqual({ ok: true });
  });

  it.each([
    [401, '', 'LOGIN_REFUSED', 4],
    [403, '{"errorCode":"x"}', 'LOGIN_REFUSED', 4],
    [200, '<div>The credentials you provided cannot be determined to be authentic.</div>', 'LOGIN_REFUSED', 4],
    [200, '<script>location="/web/modify_password.html"</script>', 'PASSWORD_MUST_CHANGE', 4],
    [302, '', 'MANAGER_BAD_REPLY', 4],
    [404, '{"resObj":null}', 'MANAGER_BAD_REPLY', 4],
    [503, '', 'MANAGER_HTTP_5XX', 4],
    [200, '{"resObj":{"userName":"adm', 'MANAGER_BAD_REPLY', 4],
    [200, '<html><body>portal</body></html>', 'MANAGER_BAD_REPLY', 4],
    [200, 'OK', 'MANAGER_BAD_REPLY', 4],
    [200, '[1,2]', 'MANAGER_BAD_REPLY', 4],
    [200, '"text"', 'MANAGER_BAD_REPLY', 4],
  ])('HTTP %i %j → %s (exit %i), naming the cluster and endpoint', (status, body, code, exitCode) => {
    const error = judge(status, body, status === 302 ? { location: 'https://127.0.0.1:20009/cas/login' } : {});
    expect(error).toMatchObject({ code, exitCode });
    expect((error as { message: string }).message).toMatch(/^alpha: /);
    expect((error as { message: string }).message).toContain('/web/api/v2/session/status');
  });

  it('a refusal names the user and the config fields to check', () => {
    const error = judge(401, '') as { message: string; hint: string };
    expect(error.message).toContain('"admin"');
    expect(error.hint).toContain('clusters.alpha.manager.password');
  });

  it('garbled JSON says so, an HTML page says so', () => {
    expect((judge(200, '{"resObj":') as { message: string }).message).toContain('does not parse');
    expect((judge(200, '<html></html>') as { message: string }).message).toContain('an HTML page');
  });
});
