/**
 * The sandbox side of the ASSUMED client configuration download (src/wire/manager/
 * client-download.ts, docs/assumptions.md "Client configuration download"): a realistic
 * "Only configuration files" tarball built from this cluster's state at the time of the
 * request, so a client refreshed after link names the peer realm. Added for issue #7.
 */
import { createHash } from 'node:crypto';
import { CLIENT_DOWNLOAD } from '../../wire/manager/client-download.js';
import { buildClientConfigTarball } from '../client-config.js';
import { KDC_PORT } from '../layout.js';
import { refuse, type Route } from './http.js';

export const clientDownloadRoutes: Route[] = [
  {
    name: 'client-download',
    method: 'GET',
    port: 'manager',
    pattern: new RegExp(`^${CLIENT_DOWNLOAD.path.replace(/\//g, '\\/')}$`),
    auth: true,
    async handle(sim) {
      if (!sim.kerberos) return refuse(404, '12-4000404', 'no Kerberos client configuration on a normal cluster');
      const tar = await buildClientConfigTarball({ cluster: sim.name, realm: sim.realm, kdcs: sim.layout.kdcIps.map((ip) => `${ip}:${KDC_PORT}`), peers: sim.peers });
      return {
        status: 200,
        headers: {
          'content-type': 'application/x-tar',
          'content-disposition': `attachment; filename="${CLIENT_DOWNLOAD.defaultFileName}"`,
          [CLIENT_DOWNLOAD.sha256Header]: createHash('sha256').update(tar).digest('hex'),
        },
        body: tar,
      };
    },
  },
];
