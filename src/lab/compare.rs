//! `lpm compare`: the same move under each platform's rules, side by side.

use super::sweep::table;
use super::{Outcome, Preset, Subject, describe_policy, run_move, run_parallel, threads_for};
use crate::Scenario;
use crate::units::bytes as human_bytes;

/// One platform's run of the move.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub preset: Preset,
    pub policy: String,
    pub outcome: Result<Outcome, String>,
}

/// Runs the subject's one-move scenario under every preset, in parallel.
pub fn run(s: &Scenario, subject: &Subject, threads: Option<usize>) -> Vec<Entry> {
    let base = subject.one_move(s);
    let pages = base.pages_of(base.partitions[subject.partition].memory_gib);
    let scenarios: Vec<Scenario> = Preset::ALL
        .iter()
        .map(|p| {
            let mut one = base.clone();
            one.policy = p.apply(&base.policy, pages);
            one
        })
        .collect();
    let threads = threads_for(threads, scenarios.len(), base.simulation_bytes());
    let outcomes = run_parallel(scenarios.len(), threads, |i| {
        run_move(&scenarios[i], subject)
    });
    Preset::ALL
        .iter()
        .zip(&scenarios)
        .zip(outcomes)
        .map(|((p, sc), outcome)| Entry {
            preset: *p,
            policy: match p {
                // Its rule is absolute; the clean share it is applied as reads oddly.
                Preset::Xen => {
                    let d = describe_policy(&sc.policy);
                    let rest = d.split_once(", ").map_or("", |(_, r)| r);
                    format!("fewer than 50 dirty pages, {rest}")
                }
                _ => describe_policy(&sc.policy),
            },
            outcome,
        })
        .collect()
}

/// One column per platform, one row per figure.
pub fn text(title: &str, entries: &[Entry]) -> String {
    let mut header = vec![String::new()];
    header.extend(entries.iter().map(|e| e.preset.label().to_string()));
    type Cell = fn(&Outcome) -> String;
    let rows: [(&str, Cell); 12] = [
        ("rounds", |o| o.rounds.to_string()),
        ("total time", |o| format!("{:.2} s", o.total_s)),
        ("downtime", |o| format!("{:.1} ms", o.downtime_ms)),
        ("post-copy stall", |o| {
            if o.postcopy_s > 0.0 {
                format!(
                    "{:.1} ms, {:.2}% writes",
                    o.postcopy_stall_ms, o.postcopy_slowdown_percent
                )
            } else {
                "none".into()
            }
        }),
        ("data sent", |o| human_bytes(o.bytes_sent as f64)),
        ("sent / memory", |o| format!("{:.2}x", o.sent_ratio)),
        ("demand faults", |o| o.demand_faults.to_string()),
        ("users dropped", |o| o.users_dropped.to_string()),
        ("converged", |o| {
            if o.converged {
                "yes".into()
            } else {
                format!("NO ({})", o.switch_reason.replace('_', " "))
            }
        }),
        ("model rounds", |o| o.predicted_rounds.to_string()),
        ("model total", |o| format!("{:.2} s", o.predicted_total_s)),
        ("model downtime", |o| {
            format!("{:.1} ms", o.predicted_downtime_ms)
        }),
    ];
    let mut body: Vec<Vec<String>> = rows
        .iter()
        .map(|(name, cell)| {
            let mut r = vec![name.to_string()];
            r.extend(entries.iter().map(|e| match &e.outcome {
                Ok(o) => cell(o),
                Err(_) => "-".into(),
            }));
            r
        })
        .collect();
    body.push({
        let mut r = vec!["verified".to_string()];
        r.extend(entries.iter().map(|e| match &e.outcome {
            Ok(o) if o.verified => "yes".into(),
            Ok(_) => "NO".into(),
            Err(_) => "-".into(),
        }));
        r
    });
    let mut out = format!("{title}\n");
    out.push_str(&table(&header, &body));
    out.push('\n');
    for e in entries {
        out.push_str(&format!("{}: {}\n", e.preset.label(), e.policy));
        if let Err(m) = &e.outcome {
            out.push_str(&format!("  not run: {m}\n"));
        }
    }
    out.push_str(
        "QEMU's columns run QEMU's own loop: its rounds are dirty-bitmap syncs (the first at the \
         start, the last in the downtime).\nPost-copy stall: after resume, the time the partition \
         waited on pages it lacked, and the share of its writes it could not make meanwhile.\n\
         QEMU has no cap of its own: where a cap forces the switch-over, QEMU would iterate \
         until cancelled.\nXen's rule \"fewer than 50 dirty pages\" is applied as a clean share; \
         its rate limit is not (same link for all).\n",
    );
    out
}

/// JSON Lines: one object per platform.
pub fn json_lines(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        let mut obj = serde_json::Map::new();
        obj.insert("policy".into(), e.preset.label().into());
        obj.insert("rules".into(), e.policy.clone().into());
        match &e.outcome {
            Ok(o) => {
                if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(o) {
                    obj.extend(m);
                }
            }
            Err(m) => {
                obj.insert("error".into(), m.clone().into());
            }
        }
        out.push_str(&serde_json::Value::Object(obj).to_string());
        out.push('\n');
    }
    out
}
