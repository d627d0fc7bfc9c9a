import { progressSchema, serviceActionBodySchema } from '../../wire/manager/documented.js';
import { html, ok, refuse, type Route } from './http.js';
import type { SimCluster } from './state.js';

/** The documented MRS 2.x Manager endpoints (reference: mrs.md "Manager web API — documented"). */

function clusterState(sim: SimCluster): 'GOOD' | 'BAD' {
  return sim.healthList().every((s) => s.health === 'GOOD') ? 'GOOD' : 'BAD';
}

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export const documentedRoutes: Route[] = [
  { name: 'web-index', method: 'GET', port: 'manager', pattern: /^\/web\/(index\.html)?$/, auth: true, handle: () => html('<html><body>FusionInsight Manager</body></html>') },
  {
    name: 'clusters', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/clusters$/, auth: true,
    handle: (sim) => ok({ clusters: [{ id: 1, name: sim.name, version: sim.version, stack_model: sim.kerberos ? 'Sec' : 'Normal' }] }),
  },
  { name: 'cluster-status', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/cluster\/1\/status$/, auth: true, handle: (sim) => ok({ state: clusterState(sim) }) },
  {
    name: 'service', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/cluster\/1\/services\/([^/]+)$/, auth: true,
    handle(sim, req) {
      const name = decodeURIComponent(req.params[0] ?? '');
      const health = sim.healthOf(name);
      if (!health) return refuse(404, '12-4000404', `Service ${name} does not exist`);
      // The documented shape: key_property[]{name, value, type: STATUS | TEXT}.
      return ok({ key_property: [{ name: 'health_status', value: health, type: 'STATUS' }, { name: 'service_name', value: name, type: 'TEXT' }] });
    },
  },
  ...(['start', 'stop'] as const).map(
    (action): Route => ({
      name: action === 'start' ? 'service-start' : 'service-stop', method: 'POST', port: 'manager', pattern: new RegExp(`^/web/v1/maintain/cluster/1/service/([^/]+)/${action}$`), auth: true,
      handle(sim, req) {
        const body = serviceActionBodySchema.safeParse(json(req.body));
        if (!body.success) return refuse(400, '12-4000400', 'invalid request body');
        if (body.data.user_password !== sim.password) return refuse(403, '12-4000403', 'The password of the current user is incorrect');
        const name = decodeURIComponent(req.params[0] ?? '');
        if (!sim.health.has(name)) return refuse(404, '12-4000404', `Service ${name} does not exist`);
        return ok(undefined, { id: sim.startRestart([name], action), state: 'IN_PROGRESS', total_progress: 0 });
      },
    }),
  ),
  {
    name: 'progress', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/common\/command\/([^/]+)\/progress$/, auth: true,
    handle(sim, req) {
      const id = decodeURIComponent(req.params[0] ?? '');
      const p = sim.progress(id);
      if (!p) return refuse(404, '12-4000404', `Command ${id} does not exist`);
      const record = sim.commands.get(id)?.record;
      const services = record?.services.join(', ') ?? '';
      // Exactly the documented shape (mrs_02_1091): step_list items {name, description} with no
      // per-step state, fail_entity_list items {fail_entity, operation_type}, total_step_size.
      const steps = [{ name: `${record?.via === 'stop' ? 'Stop' : record?.via === 'start' ? 'Start' : 'Restart'} ${services}`, description: `${p.percent}%` }];
      // Documented profiles: the optional total_progress left out, and a running command reported
      // with a state word the progress page does not list (it names only COMPLETE and FAILED).
      const state = sim.strict && p.state === 'IN_PROGRESS' ? 'RUNNING' : p.state;
      const body = {
        id: Number(id),
        state,
        error_code: 0,
        error_description: null,
        ...(sim.strict ? {} : { total_progress: p.percent }),
        res_obj: { cluster_id: 1, step_list: steps, fail_entity_list: p.failures, total_step_size: p.percent },
      };
      // The sandbox replies only with what the shared schema accepts (a self-check of the mirror).
      progressSchema.parse(body);
      return { status: 200, body };
    },
  },
];
