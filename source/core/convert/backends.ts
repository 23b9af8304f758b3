import type {KubeObject} from '../../kube/client.ts';
import {parseServiceHost} from '../routes/translatability.ts';
import {SERVICE_NAME, isObject, type Problems} from './problems.ts';

export interface ServiceLookup {
  (namespace: string, name: string): KubeObject | undefined;
}

export interface SubsetUse {
  service: {namespace: string; name: string};
  subset: string;
  backendName: string;
}

export interface ParentRef {
  group: '';
  kind: 'Service';
  name: string;
  port?: number;
}

export interface BackendRef {
  name: string;
  port: number;
}

/**
 * Resolves VirtualService hosts to the Services an HTTPRoute names. Hosts analyzeVirtualService cannot
 * resolve (wildcards, external names) are already reported there and are skipped here.
 */
export class ServiceRefs {
  readonly subsets: SubsetUse[] = [];
  private readonly parentPorts = new Map<string, number[]>();

  constructor(
    private readonly namespace: string,
    private readonly services: ServiceLookup,
    private readonly problems: Problems,
  ) {}

  /**
   * The Service parentRef for a host. A VirtualService without `match.port` applies to every port of the
   * host, so the parentRef names the port only when the Service has exactly one (as Istio's Bookinfo routes
   * do, port 9080); for a multi-port Service it names none, which covers all ports.
   */
  parent(host: unknown, path: string): ParentRef | undefined {
    const service = this.service(host, path, 'consumer');
    if (!service) return undefined;
    const ports = servicePorts(service.object);
    this.parentPorts.set(service.name, ports);
    return {group: '', kind: 'Service', name: service.name, ...(ports.length === 1 ? {port: ports[0]!} : {})};
  }

  /**
   * A backendRef that receives nothing: Istio answers 500 for a rule whose backends all weigh 0 (golden
   * zero.yaml). Any existing Service port will do; the first parent Service's first port is used.
   */
  zeroWeight(parents: ParentRef[]): (BackendRef & {weight: 0}) | undefined {
    const parent = parents.find(p => (this.parentPorts.get(p.name) ?? []).length > 0);
    return parent ? {name: parent.name, port: this.parentPorts.get(parent.name)![0]!, weight: 0} : undefined;
  }

  /**
   * The backendRef for a route or mirror destination: the subset's version Service `<svc>-<subset>` (same
   * ports as the host Service) or the Service itself, always with a port, as the CRD demands.
   */
  backend(destination: unknown, path: string): BackendRef | undefined {
    const dest = isObject(destination) ? destination : {};
    const service = this.service(dest.host, `${path}.host`, 'backend');
    if (!service) return undefined;
    const ports = servicePorts(service.object);
    const wanted = dest.port?.number;
    let port: number | undefined;
    if (typeof wanted === 'number') {
      if (ports.includes(wanted)) port = wanted;
      else this.problems.untranslatableAt(`${path}.port`, `Service ${this.namespace}/${service.name} has no port ${wanted}, so the backendRef would not resolve.`);
    } else if (ports.length === 1) {
      port = ports[0];
    } else {
      this.problems.untranslatableAt(
        path,
        `Service ${this.namespace}/${service.name} has ${ports.length} ports and the destination names none: the VirtualService keeps the request's port, but a backendRef needs exactly one.`,
      );
    }
    let name = service.name;
    if (typeof dest.subset === 'string' && dest.subset !== '') {
      name = `${service.name}-${dest.subset}`;
      if (name.length > 63 || !SERVICE_NAME.test(name)) {
        this.problems.untranslatableAt(`${path}.subset`, `The version Service for this subset would be named ${name}, which is not a valid Service name (DNS label of at most 63 characters).`);
        return undefined;
      }
      if (!this.subsets.some(s => s.backendName === name)) this.subsets.push({service: {namespace: this.namespace, name: service.name}, subset: dest.subset, backendName: name});
    }
    return port === undefined ? undefined : {name, port};
  }

  private service(host: unknown, path: string, role: 'consumer' | 'backend'): {name: string; object: KubeObject} | undefined {
    if (typeof host !== 'string') return undefined;
    const ref = parseServiceHost(host, this.namespace);
    if (!ref) return undefined;
    if (ref.namespace !== this.namespace) {
      this.problems.untranslatableAt(
        path,
        role === 'consumer'
          ? `The host is a Service in namespace ${ref.namespace}, not ${this.namespace}: an HTTPRoute here would be a consumer route, which waypoints ignore; the route belongs in ${ref.namespace}.`
          : `The destination is in namespace ${ref.namespace}: a cross-namespace backendRef needs a ReferenceGrant there, which this conversion does not write.`,
      );
      return undefined;
    }
    const object = this.services(ref.namespace, ref.name);
    if (!object) {
      this.problems.untranslatableAt(path, `There is no Service ${ref.namespace}/${ref.name}: an HTTPRoute can only name existing Services.`);
      return undefined;
    }
    return {name: ref.name, object};
  }
}

export function servicePorts(service: KubeObject): number[] {
  const ports: any[] = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
  return ports.map(p => p?.port).filter((p): p is number => typeof p === 'number');
}
