import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManager, type ManagerOptions } from '../../src/adapters/manager/index.js';
import { saveBodySchema } from '../../src/wire/manager/documented.js';
import { casScope, envelope, interceptKrbConfig, interceptLoginPage, interceptLoginPost, managerScope, MANAGER, PASSWORD_ENV, testCluster } from '../support/nock-manager.js';

/**
 * The documentation's OWN JSON examples, verbatim (not replies this project wrote), from the MRS
 * Manager API reference: GitHub opentelekomcloud-docs/mapreduce-service,
 * api-ref/source/mrs_manager_api/mrs_manager_web_apis/{querying_the_command_execution_progress,
 * saving_configurations, starting_a_service, stopping_a_service}.rst (Huawei mrs_02_1091, 1092,
 * 1094, 1095). The `"string"` and `0` placeholders are the documentation's.
 */
const PROGRESS_EXAMPLE = `{
  "id": 0,
  "state": "COMPLETE",
  "error_code": 0,
  "error_description": "string",
  "total_progress": 0,
  "res_obj": {
    "cluster_id": 0,
    "step_list": [
      {
        "name": "string",
        "description": "string"
      }
    ],
    "fail_entity_list": [
      {
        "fail_entity": "string",
        "operation_type": "string"
      }
    ],
    "total_step_size": 0
  }
}`;

/** The same reply example on the save, start and stop pages. */
const ASYNC_REPLY_EXAMPLE = `{
  "id": 0,
  "state": "COMPLETE",
  "error_code": 0,
  "error_description": "string",
  "total_progress": 0
}`;

/** saving_configurations.rst request example, the `node` object shortened to the fields it documents first (all other fields are the same placeholders). */
const SAVE_REQUEST_EXAMPLE = `{
  "id": 0,
  "user_password": "string",
  "configurations_summary": {
    "restart_affected_components": true,
    "components": [
      {
        "component_name": "string",
        "configurations": [
          {
            "name": "string",
            "value": "string",
            "default_value": "string",
            "description": "string",
            "type": "string",
            "config_group_type": "string",
            "config_group": "string",
            "item_type": "string",
            "item_conf": "string",
            "item_event": "string",
            "weak_reference": "string"
          }
        ],
        "children": [
          {
            "role_name": "string",
            "configurations": [],
            "children": [
              {
                "node": {
                  "id": 0,
                  "name": "string",
                  "description": "string",
                  "controller_id": "string",
                  "ip_address": "string",
                  "business_ip_address": "string",
                  "rack": "string",
                  "host_name": "string",
                  "health_status": "GOOD",
                  "operational_status": "STARTED",
                  "is_OMS_node": true
                },
                "configurations": []
              }
            ],
            "classification": [
              {
                "name": "string",
                "description": "string"
              }
            ]
          }
        ],
        "classification": [
          {
            "name": "string",
            "description": "string"
          }
        ]
      }
    ]
  }
}`;

const fast: ManagerOptions = { env: { [PASSWORD_ENV]: 's3cret!' }, retries: 0, backoffMs: 0, timeoutMs: 1000, sleep: async () => undefined };
const manager = () => createManager(testCluster(), { warn: () => undefined, debug: () => undefined }, fast);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as { code: string; exitCode: number; message: string });
const json = { 'content-type': 'application/json' };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('documented examples, verbatim', () => {
  it('command progress (mrs_02_1091): COMPLETE, percent from total_progress, the step and the failed entity named', async () => {
    managerScope().get('/web/v1/common/command/0/progress').reply(200, PROGRESS_EXAMPLE, json);
    expect(await manager().waitForCommand('0', { timeoutMs: 1000, pollMs: 1 })).toEqual({ state: 'COMPLETE', percent: 0, step: 'string', failures: ['string (string)'] });
  });

  it('the same progress example served as text/html is still JSON', async () => {
    managerScope().get('/web/v1/common/command/0/progress').reply(200, PROGRESS_EXAMPLE, { 'content-type': 'text/html;charset=UTF-8' });
    expect((await manager().waitForCommand('0', { timeoutMs: 1000, pollMs: 1 })).state).toBe('COMPLETE');
  });

  it('save reply (mrs_02_1092): its id is the restart command to follow', async () => {
    const m = managerScope();
    interceptKrbConfig(m, { version: '7' });
    m.post('/web/v1/config/cluster/1/save').reply(200, ASYNC_REPLY_EXAMPLE, json);
    expect(await manager().savePeerRealms([{ realm_name: 'BETA.MRS', ip_port: '10.0.0.1:21732' }], { expectedVersion: '7', restart: true })).toEqual({ commandId: '0' });
  });

  it('start and stop replies (mrs_02_1094/1095) give the command id', async () => {
    const m = managerScope();
    m.post('/web/v1/maintain/cluster/1/service/KrbServer/stop').reply(200, ASYNC_REPLY_EXAMPLE, json);
    m.post('/web/v1/maintain/cluster/1/service/KrbServer/start').reply(200, ASYNC_REPLY_EXAMPLE, json);
    expect(await manager().stopService('KrbServer')).toBe('0');
    expect(await manager().startService('KrbServer')).toBe('0');
  });

  it('the save request example fits the shared save body schema (node is an object)', () => {
    expect(saveBodySchema.safeParse(JSON.parse(SAVE_REQUEST_EXAMPLE)).success).toBe(true);
  });
});

describe('CAS form and redirects', () => {
  it('posts back every hidden input; a form with execution and no lt is accepted', async () => {
    const cas = casScope();
    const page = '<form method="post"><input type="hidden" name="execution" value="e1s1-AAA"/><input type="hidden" name="_eventId" value="submit"/><input type="hidden" name="geolocation" value=""/></form>';
    interceptLoginPage(cas, { body: page });
    let form: Record<string, string> = {};
    interceptLoginPost(cas, { body: 'The credentials you provided cannot be determined to be authentic.', onBody: (f) => (form = Object.fromEntries(f)) });
    expect(await failure(manager().login())).toMatchObject({ code: 'LOGIN_REFUSED' });
    expect(form).toEqual({ execution: 'e1s1-AAA', _eventId: 'submit', geolocation: '', username: 'admin', password: 's3cret!', submit: 'Login' });
  });

  it('the password POST never follows a redirect to another host or to http', async () => {
    for (const location of ['https://198.51.100.7/web/cas_security_check.htm?ticket=ST-1', `http://127.0.0.1:28443/web/cas_security_check.htm?ticket=ST-1`]) {
      const cas = casScope();
      interceptLoginPage(cas);
      interceptLoginPost(cas, { status: 302, body: '', headers: { location } });
      const error = await failure(manager().login());
      expect(error).toMatchObject({ code: 'CAS_UNEXPECTED', exitCode: 4 });
      expect(error.message).toMatch(/not followed/);
      expect(nock.pendingMocks()).toEqual([]);
    }
  });

  it('a redirect to the Manager host (the ticket hop) is followed as a GET without the password', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    interceptLoginPost(cas, { status: 302, body: '', headers: { location: `${MANAGER}/web/cas_security_check.htm?ticket=ST-9` } });
    let hop = '';
    managerScope().get('/web/cas_security_check.htm').query(true).reply(function () {
      hop = `${this.req.method} ${String(this.req.headers['content-type'] ?? '')}`;
      return [200, '<html>ok</html>'];
    });
    // nock keeps no cookies (test/support/nock-manager.ts), so the login stops at the CASTGC check.
    expect(await failure(manager().login())).toMatchObject({ code: 'LOGIN_FAILED' });
    expect(hop).toBe('GET ');
  });

  it('the hops after the ticket hop are followed by hand, GET by GET, and only over https on the Manager or CAS host', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    interceptLoginPost(cas, { status: 302, body: '', headers: { location: `${MANAGER}/web/cas_security_check.htm?ticket=ST-9` } });
    const hops: string[] = [];
    managerScope().get('/web/cas_security_check.htm').query(true).reply(function () {
      hops.push(`${this.req.method} ${this.req.path}`);
      return [302, '', { location: '/web/index.html' }];
    });
    managerScope().get('/web/index.html').reply(function () {
      hops.push(`${this.req.method} ${this.req.path}`);
      return [200, '<html>ok</html>'];
    });
    expect(await failure(manager().login())).toMatchObject({ code: 'LOGIN_FAILED' });
    expect(hops).toEqual(['GET /web/cas_security_check.htm?ticket=ST-9', 'GET /web/index.html']);
    // A later hop that leaves https on those hosts stops the login, as the first one does.
    const again = casScope();
    interceptLoginPage(again);
    interceptLoginPost(again, { status: 302, body: '', headers: { location: `${MANAGER}/web/cas_security_check.htm?ticket=ST-10` } });
    managerScope().get('/web/cas_security_check.htm').query(true).reply(302, '', { location: 'http://127.0.0.1:28443/web/index.html' });
    const error = await failure(manager().login());
    expect(error).toMatchObject({ code: 'CAS_UNEXPECTED' });
    expect(error.message).toMatch(/http:\/\/127\.0\.0\.1:28443, not the Manager or CAS host over https; not followed/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('an HTML login form without "cas/login" in it still means the session is gone', async () => {
    managerScope().get('/web/v1/clusters').reply(200, '<html><form><input type="hidden" name="execution" value="e2s1"/></form></html>', { 'content-type': 'text/html' });
    expect(await failure(manager().readClusterInfo())).toMatchObject({ code: 'MANAGER_SESSION' });
    managerScope().get('/web/v1/clusters').reply(200, JSON.stringify(envelope({ clusters: [{ id: 1, name: 'a', version: 'MRS 2.1.0', stack_model: 'Sec', extra: 1 }] })), { 'content-type': 'text/html' });
    managerScope().get('/web/v1/cluster/1/status').reply(200, envelope({ state: 'Good' }));
    expect((await manager().readClusterInfo()).kerberos).toBe(true);
  });
});
