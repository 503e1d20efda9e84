use super::*;
use crate::spec::Policy;

const SMALL: &str = r#"// a comment naming "frame-x", which must not be taken for the field
Scenario(
    name: "small",
    link: (bandwidth_gbps: 10),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 16, memory_gib: 64),
        (name: "frame-b", processor: Power9, cpus: 16, memory_gib: 64),
    ],
    partitions: [
        (name: "lp1", system: "frame-a", memory_gib: 1, cpus: 1, compat: Power8),
        (name: "lp1", system: "frame-b", memory_gib: 1, cpus: 1, compat: Power8),
    ],
    script: [
        (at_s: 0, action: Migrate(partition: "frame-a/lp1", to: "frame-b")),
    ],
)
"#;

fn messages(text: &str) -> Vec<String> {
    match Scenario::load_str(text, "t.ron", None) {
        Ok(_) => vec![],
        Err(r) => r.messages,
    }
}

#[test]
fn defaults_follow_the_contract() {
    let s = Scenario::load_str(SMALL, "t.ron", None).unwrap();
    assert_eq!(s.seed, 0);
    assert_eq!(s.page_size_kib, 4);
    assert_eq!(s.link.latency_ms, 0.0);
    assert_eq!(s.link.payload_efficiency, 1.0);
    assert_eq!(s.systems[0].msps, 1);
    assert_eq!(s.policy, Policy::default());
    assert_eq!(s.partitions[0].users, 0);
}

#[test]
fn the_builtin_scenario_has_no_problems() {
    assert!(Scenario::builtin().problems(None).is_empty());
}

#[test]
fn same_name_on_two_frames_needs_the_frame_in_the_script() {
    let ambiguous = SMALL.replace("\"frame-a/lp1\"", "\"lp1\"");
    let m = messages(&ambiguous);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("write it as frame/lp1"), "{m:?}");
    assert!(m[0].starts_with("t.ron:14:"), "{m:?}");
}

#[test]
fn duplicates_on_one_frame_are_refused_with_their_line() {
    let dup = SMALL.replace(
        "(name: \"lp1\", system: \"frame-b\"",
        "(name: \"lp1\", system: \"frame-a\"",
    );
    let m = messages(&dup);
    assert!(
        m.iter()
            .any(|m| m == "t.ron:11:10: partition \"lp1\" is defined twice on frame-a"),
        "{m:?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = SMALL
        .replace("bandwidth_gbps: 10", "bandwidth_gbps: -1")
        .replace(
            "system: \"frame-b\", memory_gib: 1",
            "system: \"frame-x\", memory_gib: 1",
        )
        .replace(
            "memory_gib: 1, cpus: 1, compat: Power8),\n        (name",
            "memory_gib: 100, cpus: 1, compat: Power8),\n        (name",
        )
        .replace("(at_s: 0,", "(at_s: -5,");
    let m = messages(&bad);
    assert_eq!(m.len(), 4, "{m:#?}");
    assert!(m[0].starts_with("t.ron:4:12: link.bandwidth_gbps must be above 0"));
    // The unknown system is found at its field, not in the comment on line 1.
    assert!(m[1].starts_with("t.ron:10:"), "{}", m[1]);
    assert!(
        m[1].contains("more than its frame frame-a has (64 GiB)"),
        "{}",
        m[1]
    );
    assert!(
        m[2].starts_with("t.ron:11:23: partition lp1: unknown system \"frame-x\""),
        "{}",
        m[2]
    );
    assert!(
        m[3].starts_with("t.ron:14:10: script step 1 (Migrate): at_s must be 0 or more"),
        "{}",
        m[3]
    );
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let m = messages(&SMALL.replace(
        "cpus: 16, memory_gib: 64),\n        (name: \"frame-b\"",
        "cpus: \"many\", memory_gib: 64),\n        (name: \"frame-b\"",
    ));
    assert_eq!(m.len(), 1);
    assert!(m[0].starts_with("t.ron:6:"), "{m:?}");
}

#[test]
fn memory_this_machine_lacks_is_refused_with_the_need() {
    let big = SMALL
        .replace(
            "(name: \"frame-a\", processor: Power8, cpus: 16, memory_gib: 64)",
            "(name: \"frame-a\", processor: Power8, cpus: 16, memory_gib: 4096)",
        )
        .replace(
            "memory_gib: 1, cpus: 1, compat: Power8),\n        (name",
            "memory_gib: 2048, cpus: 1, compat: Power8),\n        (name",
        );
    let s = Scenario::parse(&big, "t.ron").unwrap();
    // 2 TiB at 4 KiB pages plus 1 GiB: 537,133,056 pages at 8.375 bytes.
    assert!((s.simulation_bytes() - 537_133_056.0 * 8.375).abs() < 1.0);
    let err = Scenario::load_str(&big, "t.ron", Some(2 << 30)).unwrap_err();
    assert_eq!(err.messages.len(), 1, "{err}");
    assert!(err.messages[0].contains("needs 4.19 GiB"), "{err}");
    assert!(
        err.messages[0].contains("only 2.00 GiB is available"),
        "{err}"
    );
    assert!(Scenario::load_str(&big, "t.ron", Some(8 << 30)).is_ok());
}

#[test]
fn an_estate_larger_than_the_machine_loads_when_each_partition_fits() {
    // Page state exists only while a partition moves: 64 partitions of 32 GiB need 67 MiB
    // each in motion, 4.2 GiB all at once, and load on a machine with 2 GiB.
    let parts: String = (0..64)
        .map(|i| {
            format!(
                "(name: \"p{i}\", system: \"frame-a\", memory_gib: 32, cpus: 0.1, compat: Power8),"
            )
        })
        .collect();
    let text = SMALL
        .replace("cpus: 16, memory_gib: 64)", "cpus: 16, memory_gib: 4096)")
        .replace("partitions: [", &format!("partitions: [{parts}"));
    let s = Scenario::load_str(&text, "t.ron", Some(2 << 30)).unwrap();
    assert!(s.simulation_bytes() > 4.0 * (1u64 << 30) as f64);
}

#[test]
fn sizes_no_machine_holds_are_refused_even_without_meminfo() {
    let huge = SMALL
        .replace("cpus: 16, memory_gib: 64)", "cpus: 16, memory_gib: 1e300)")
        .replace(
            "memory_gib: 1, cpus: 1, compat: Power8),\n        (name",
            "memory_gib: 1e299, cpus: 1, compat: Power8),\n        (name",
        );
    let err = Scenario::load_str(&huge, "t.ron", None).unwrap_err();
    assert!(
        err.messages
            .iter()
            .any(|m| m.contains("cannot be simulated moving")),
        "{err}"
    );
}

#[test]
fn actions_later_than_a_day_are_refused() {
    let late = SMALL.replace("(at_s: 0,", "(at_s: 1e9,");
    let m = messages(&late);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("later than a day"), "{m:?}");
}

#[test]
fn comments_never_hide_or_fake_a_location() {
    let text = "// systems: [ (name: \"x\") ]\n/* name: \"y\" */ Scenario(\n  name: \"s\", systems: [\n (name: \"a\", cpus: 1),\n (name: \"b\", cpus: 2)])";
    let l = locate::Locator::new(text);
    assert_eq!(l.find(&Anchor::Key("name", None)), Some((3, 3)));
    assert_eq!(l.find(&Anchor::System(1, Some("cpus"))), Some((5, 14)));
    assert_eq!(l.find(&Anchor::System(2, None)), None);
}

#[test]
fn zero_pages_and_the_precopy_loop_parse_with_their_defaults() {
    let s = Scenario::load_str(SMALL, "t.ron", None).unwrap();
    assert_eq!(s.partitions[0].zero_percent, 0.0);
    assert_eq!(s.policy.precopy, crate::spec::Precopy::Rounds);
    let text = SMALL
        .replace(
            "memory_gib: 1, cpus: 1, compat: Power8),\n        (name: \"lp1\", system: \"frame-b\"",
            "memory_gib: 1, cpus: 1, compat: Power8, zero_percent: 40),\n        (name: \"lp1\", system: \"frame-b\"",
        )
        .replace("    script: [", "    policy: (precopy: Qemu),\n    script: [");
    let s = Scenario::load_str(&text, "t.ron", None).unwrap();
    assert_eq!(s.partitions[0].zero_percent, 40.0);
    assert_eq!(s.policy.precopy, crate::spec::Precopy::Qemu);
    assert_eq!(s.partitions[0].zero_pages(262_144), 104_858);
    let m = messages(&SMALL.replace(
        "    script: [",
        "    policy: (precopy: Xen),\n    script: [",
    ));
    assert!(m[0].contains("Xen"), "{m:?}");
}

#[test]
fn a_zero_share_out_of_range_is_refused_at_its_line() {
    for (bad, says) in [
        ("-5", "zero_percent must be between 0 and 100, not -5"),
        ("100.5", "zero_percent must be between 0 and 100, not 100.5"),
        ("NaN", "zero_percent must be between 0 and 100, not NaN"),
    ] {
        let text = SMALL.replace(
            "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8)",
            &format!(
                "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8,\n         zero_percent: {bad})"
            ),
        );
        let m = messages(&text);
        assert_eq!(m.len(), 1, "{bad}: {m:?}");
        assert!(m[0].contains(says), "{bad}: {m:?}");
        assert!(m[0].starts_with("t.ron:12:10:"), "{bad}: {m:?}");
    }
    // All of memory zero leaves a writing workload nothing to write.
    let text = SMALL.replace(
        "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8)",
        "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8,\n         zero_percent: 100, workload: Uniform(writes_mib_s: 5))",
    );
    let m = messages(&text);
    assert!(m.len() == 1 && m[0].contains("leaves no page"), "{m:?}");
    // An idle partition may be all zeros.
    let text = SMALL.replace(
        "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8)",
        "(name: \"lp1\", system: \"frame-b\", memory_gib: 1, cpus: 1, compat: Power8, zero_percent: 100)",
    );
    assert!(messages(&text).is_empty());
}
