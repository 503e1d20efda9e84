//! The link between the frames: payload rate in pages/s, and how moves share it.

use crate::spec::LinkSpec;

/// A link resolved for one page size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub bandwidth_gbps: f64,
    pub latency_s: f64,
    pub payload_efficiency: f64,
    pub page_bytes: f64,
}

impl Link {
    pub fn new(spec: &LinkSpec, page_size_kib: u32) -> Link {
        Link {
            bandwidth_gbps: spec.bandwidth_gbps,
            latency_s: spec.latency_ms / 1000.0,
            payload_efficiency: spec.payload_efficiency,
            page_bytes: page_size_kib as f64 * 1024.0,
        }
    }

    /// Payload pages per second at full rate (DOMAIN.md, Units).
    pub fn pages_per_s(&self) -> f64 {
        self.bandwidth_gbps * 1e9 / 8.0 / self.page_bytes * self.payload_efficiency
    }

    pub fn mib_s_to_pages_s(&self, mib_s: f64) -> f64 {
        mib_s * 1024.0 * 1024.0 / self.page_bytes
    }

    pub fn pages_s_to_mib_s(&self, pages_s: f64) -> f64 {
        pages_s * self.page_bytes / (1024.0 * 1024.0)
    }
}

/// Max-min fair shares of `capacity` among demands capped at `caps` (f64::INFINITY for none):
/// each gets at most its cap, and what a capped one leaves is split among the others.
pub fn fair_shares(capacity: f64, caps: &[f64]) -> Vec<f64> {
    let mut shares = vec![0.0; caps.len()];
    let mut order: Vec<usize> = (0..caps.len()).collect();
    order.sort_by(|&a, &b| caps[a].total_cmp(&caps[b]));
    let mut left = capacity.max(0.0);
    for (k, &i) in order.iter().enumerate() {
        let even = left / (caps.len() - k) as f64;
        let s = caps[i].max(0.0).min(even);
        shares[i] = s;
        left -= s;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_domain() {
        let l = Link::new(
            &LinkSpec {
                bandwidth_gbps: 10.0,
                latency_ms: 0.2,
                payload_efficiency: 1.0,
            },
            4,
        );
        assert!((l.pages_per_s() - 10e9 / 8.0 / 4096.0).abs() < 1e-6);
        assert!((l.mib_s_to_pages_s(400.0) - 102_400.0).abs() < 1e-9);
    }

    #[test]
    fn fair_shares_respect_caps() {
        let s = fair_shares(300.0, &[50.0, f64::INFINITY, f64::INFINITY]);
        assert_eq!(s, vec![50.0, 125.0, 125.0]);
        let s = fair_shares(100.0, &[f64::INFINITY, f64::INFINITY]);
        assert_eq!(s, vec![50.0, 50.0]);
        let s = fair_shares(100.0, &[10.0, 20.0]);
        assert_eq!(s, vec![10.0, 20.0]);
        assert!(fair_shares(100.0, &[]).is_empty());
    }
}
