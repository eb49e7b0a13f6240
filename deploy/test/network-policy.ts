import type { TObject } from './kustomize-build.ts';

type TSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
/** A pod that opens a connection: its namespace and labels. */
export type TPeer = { namespace: string; labels: Record<string, string> };
/** A pod that takes it, on one of its container ports. */
export type TTarget = TPeer & { port: { name?: string; containerPort: number } };

/** A label selector as the API server reads it; an empty one selects everything. */
function selects(selector: TSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      const v = labels[e.key];
      if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
      if (e.operator === 'Exists') return v !== undefined;
      if (e.operator === 'DoesNotExist') return v === undefined;
      throw new Error(`unknown selector operator ${e.operator}`);
    })
  );
}

/** The NetworkPolicies of `objects` that select a pod for ingress. */
export function ingressPoliciesOf(objects: TObject[], pod: TPeer): TObject[] {
  return objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      (o.metadata.namespace ?? 'default') === pod.namespace &&
      (o.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      selects(o.spec.podSelector, pod.labels),
  );
}

/**
 * Whether `from` may open a TCP connection to `to`, by the NetworkPolicy rules (networking.k8s.io/v1,
 * ingress, without ipBlock): a pod no policy selects takes everything; otherwise a rule of a policy selecting
 * it must match both the port (by name or number; none listed: every port) and the peer (none listed: any).
 * Kubernetes namespaces carry `kubernetes.io/metadata.name`, which namespace selectors match here.
 */
export function ingressAdmits(objects: TObject[], from: TPeer, to: TTarget): boolean {
  const policies = ingressPoliciesOf(objects, to);
  if (!policies.length) return true;
  const namespaceLabels = { 'kubernetes.io/metadata.name': from.namespace };
  return policies.some((p) =>
    // biome-ignore lint/suspicious/noExplicitAny: rules of a schema-validated NetworkPolicy.
    (p.spec.ingress ?? []).some((rule: any) => {
      const portOk =
        !rule.ports?.length ||
        rule.ports.some(
          (q: { port?: string | number; protocol?: string }) =>
            (q.protocol ?? 'TCP') === 'TCP' &&
            (q.port === undefined || q.port === to.port.name || q.port === to.port.containerPort),
        );
      const peerOk =
        !rule.from?.length ||
        rule.from.some((peer: { podSelector?: TSelector; namespaceSelector?: TSelector }) => {
          if (!peer.podSelector && !peer.namespaceSelector) return false;
          const namespaceOk = peer.namespaceSelector
            ? selects(peer.namespaceSelector, namespaceLabels)
            : from.namespace === to.namespace;
          return namespaceOk && (!peer.podSelector || selects(peer.podSelector, from.labels));
        });
      return portOk && peerOk;
    }),
  );
}
