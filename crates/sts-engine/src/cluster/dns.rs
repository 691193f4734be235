//! Cluster DNS for headless Services (I-4): `<pod>.<service>.<ns>.svc.cluster.local`
//! for each selected pod whose hostname/subdomain match, and the Service name itself
//! resolving to the ready pods (or all pods with `publishNotReadyAddresses`).

use crate::world::World;
use serde::Serialize;

/// The cluster domain.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// One A record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DnsRecord {
    /// Fully qualified name.
    pub name: String,
    /// The pod IP it resolves to.
    pub ip: String,
    /// The pod behind it.
    pub pod: String,
    /// Whether the pod is Ready (published either way with publishNotReadyAddresses).
    pub ready: bool,
}

impl World {
    /// Every DNS record of headless Services in the cluster, sorted by name.
    pub fn dns_records(&self) -> Vec<DnsRecord> {
        let mut out = Vec::new();
        for ((ns, svc_name), svc) in &self.services {
            if !svc.headless() || svc.spec.selector.is_empty() {
                continue;
            }
            let fqdn_svc = format!("{svc_name}.{ns}.svc.{CLUSTER_DOMAIN}");
            for ((pns, _), pod) in self.pods.range((ns.clone(), String::new())..) {
                if pns != ns {
                    break;
                }
                if !svc
                    .spec
                    .selector
                    .iter()
                    .all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
                {
                    continue;
                }
                let Some(ip) = pod.status.pod_ip.clone() else {
                    continue;
                };
                let ready = pod.running_and_ready() && !pod.metadata.terminating();
                if !ready && !svc.spec.publish_not_ready_addresses {
                    continue;
                }
                if pod.spec.subdomain.as_deref() == Some(svc_name.as_str()) {
                    if let Some(h) = &pod.spec.hostname {
                        out.push(DnsRecord {
                            name: format!("{h}.{fqdn_svc}"),
                            ip: ip.clone(),
                            pod: pod.metadata.name.clone(),
                            ready,
                        });
                    }
                }
                out.push(DnsRecord {
                    name: fqdn_svc.clone(),
                    ip,
                    pod: pod.metadata.name.clone(),
                    ready,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.ip.cmp(&b.ip)));
        out
    }

    /// Resolves a name as a pod in namespace `from_ns` would (search path
    /// `<ns>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`).
    pub fn resolve(&self, name: &str, from_ns: &str) -> Vec<String> {
        let records = self.dns_records();
        let name = name.trim_end_matches('.');
        let candidates = [
            name.to_string(),
            format!("{name}.{from_ns}.svc.{CLUSTER_DOMAIN}"),
            format!("{name}.svc.{CLUSTER_DOMAIN}"),
            format!("{name}.{CLUSTER_DOMAIN}"),
        ];
        for c in candidates {
            let ips: Vec<String> = records
                .iter()
                .filter(|r| r.name == c)
                .map(|r| r.ip.clone())
                .collect();
            if !ips.is_empty() {
                return ips;
            }
        }
        Vec::new()
    }
}
