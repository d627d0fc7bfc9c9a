import { describe, expect, it } from 'vitest';
import { redactBody, redactHeaders, redactUrl } from '../../src/adapters/http-trace/redact.js';

const PASSWORD = 'Adm1n@pass-w0rd';
const TICKET = 'ST-17-b0gUsTiCkEt-cas01';

describe('--trace-http redaction', () => {
  it('URLs: CAS tickets and secret query parameters, wherever they are', () => {
    expect(redactUrl(`https://10.0.0.1:28443/web/cas_security_check.htm?ticket=${TICKET}`)).toBe('https://10.0.0.1:28443/web/cas_security_check.htm?ticket=<redacted>');
    expect(redactUrl('https://x/cas/login?service=https%3A%2F%2Fm%2Fweb&token=abc123')).not.toContain('abc123');
    expect(redactUrl(`https://x/p/${TICKET}/q`)).not.toContain(TICKET);
    expect(redactUrl('https://x/web/v1/clusters')).toBe('https://x/web/v1/clusters');
  });

  it('headers: every cookie value, tokens, AK/SK signatures; names and attributes stay', () => {
    const out = redactHeaders({
      Cookie: 'casSessionId=c1s2; CASTGC=TGT-9-abcdef; JSESSIONID=A1B2C3',
      'set-cookie': ['JSESSIONID=Z9Y8; Path=/web; Secure; HttpOnly', 'CASTGC=TGT-1-qq; Path=/cas'],
      'X-Auth-Token': 'MIIEtoken',
      'X-Subject-Token': 'MIIFsubject',
      Authorization: 'SDK-HMAC-SHA256 Access=AKEXAMPLE01, SignedHeaders=host;x-sdk-date, Signature=9f86d081884c7d65',
      Location: `https://m/web/cas_security_check.htm?ticket=${TICKET}`,
      'content-type': 'application/json',
    });
    const text = JSON.stringify(out);
    for (const secret of ['c1s2', 'TGT-9-abcdef', 'A1B2C3', 'Z9Y8', 'TGT-1-qq', 'MIIEtoken', 'MIIFsubject', 'AKEXAMPLE01', '9f86d081884c7d65', TICKET]) expect(text).not.toContain(secret);
    expect(out.cookie).toBe('casSessionId=<redacted>; CASTGC=<redacted>; JSESSIONID=<redacted>');
    expect(out['set-cookie']).toEqual(['JSESSIONID=<redacted>; Path=/web; Secure; HttpOnly', 'CASTGC=<redacted>; Path=/cas']);
    expect(out.authorization).toBe('SDK-HMAC-SHA256 Access=<redacted>, SignedHeaders=host;x-sdk-date, Signature=<redacted>');
    expect(redactHeaders({ authorization: 'Basic YWRtaW46cHc=' }).authorization).toBe('Basic <redacted>');
    expect(out['content-type']).toBe('application/json');
  });

  it('the CAS form: password, lt and execution; the user name stays', () => {
    const body = new URLSearchParams({ username: 'admin', password: PASSWORD, lt: 'LT-5-xyz', execution: 'e1s1', _eventId: 'submit' }).toString();
    const out = redactBody(body, 'application/x-www-form-urlencoded');
    expect(out).toBe('username=admin&password=<redacted>&lt=<redacted>&execution=<redacted>&_eventId=submit');
  });

  it('the CAS page: hidden lt/execution values (any attribute order) and tickets in the text', () => {
    const page = `<form><input type="hidden" value="LT-77-secretlt" name="lt"/><input name='execution' type='hidden' value='e2s1AAAA'/><input type="password" name="pw" value="${PASSWORD}"/><a href="?ticket=${TICKET}">x</a></form>`;
    const out = redactBody(page, 'text/html');
    for (const secret of ['LT-77-secretlt', 'e2s1AAAA', PASSWORD, TICKET]) expect(out).not.toContain(secret);
    expect(out).toContain('name="lt"');
  });

  it('JSON bodies: user_password, IAM passwords (nested), login_check token; everything else kept', () => {
    const save = JSON.stringify({ id: -1, user_password: PASSWORD, configurations_summary: { components: [{ component_name: 'KrbServer', configurations: [{ name: 'peer_realms', value: '[]' }] }] } });
    expect(redactBody(save)).toBe(JSON.stringify({ id: -1, user_password: '<redacted>', configurations_summary: { components: [{ component_name: 'KrbServer', configurations: [{ name: 'peer_realms', value: '[]' }] }] } }));
    const iam = JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'ops', password: PASSWORD, domain: { name: 'dom' } } } } } });
    const out = redactBody(iam);
    expect(out).not.toContain(PASSWORD);
    expect(out).toContain('"name":"ops"');
    expect(redactBody(JSON.stringify({ state: 'COMPLETE', res_obj: { token: 'tok-123', user_name: 'admin' } }))).toBe(JSON.stringify({ state: 'COMPLETE', res_obj: { token: '<redacted>', user_name: 'admin' } }));
  });

  it('a body that only looks like JSON falls back to the text rules', () => {
    expect(redactBody(`{"user_password":"${PASSWORD}", "id": 1`)).toBe('{"user_password":"<redacted>", "id": 1');
    expect(redactBody(`{ cut off ticket=${TICKET}`)).not.toContain(TICKET);
  });
});
