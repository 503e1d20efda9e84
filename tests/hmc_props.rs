//! Hostile HMC command lines: random words from the commands' vocabulary and random bytes
//! never panic, and always give output or a usage/HSCL error. Commands that parse render
//! back to the same command.
//!
//! Deterministic, as the other property tests: a fixed seed and no failure persistence, so
//! every run tries the same cases; `PROPTEST_CASES` raises the count for a longer local hunt.

use std::path::Path;

use lpm::Scenario;
use lpm::hmc::{Session, parse_line};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

const VOCABULARY: &[&str] = &[
    "migrlpar",
    "lslparmigr",
    "lssyscfg",
    "lshwres",
    "chsysstate",
    "sleep",
    "help",
    "-o",
    "m",
    "v",
    "s",
    "r",
    "set",
    "-m",
    "-t",
    "-p",
    "--id",
    "--all",
    "-i",
    "--redundantmsps",
    "-w",
    "-r",
    "sys",
    "lpar",
    "msp",
    "virtualio",
    "mem",
    "proc",
    "--level",
    "-F",
    "--header",
    "--filter",
    "--help",
    "on",
    "off",
    "frame-a",
    "frame-b",
    "frame-c",
    "8286-42A*2100001",
    "web01",
    "db01",
    "legacy01",
    "test01",
    "ai01",
    "web01,db01",
    "lpar_names=web01",
    "lpar_ids=1,2",
    "\"lpar_names=web01,db01\"",
    "names=frame-a",
    "name,state",
    "name:lpar_id",
    "lpar_name,curr_mem",
    "dest_msp_name=frame-b-vios1",
    "virtual_fc_mappings=3/frame-b-vios1/6",
    "shared_proc_pool_name=DefaultPool",
    "source_msp_id=x",
    "0",
    "1",
    "2",
    "3",
    "0.5",
    "-1",
    "NaN",
    "'",
    "\"",
    "\\",
    "#",
    ",",
    "=",
    "",
    " ",
    "--ip",
    "é",
    "\u{0}",
    "\u{202e}",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(VOCABULARY).prop_map(str::to_string),
        1 => "\\PC{0,12}",
        1 => proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// Values an option may be given: right ones, wrong ones, hostile ones.
const VALUES: &[&str] = &[
    "m",
    "v",
    "s",
    "r",
    "sys",
    "lpar",
    "msp",
    "virtualio",
    "mem",
    "proc",
    "on",
    "off",
    "frame-a",
    "frame-b",
    "frame-z",
    "web01",
    "db01",
    "legacy01",
    "test01",
    "ai01",
    "web01,db01",
    "1",
    "2",
    "0",
    "3",
    "9",
    "lpar_names=web01",
    "lpar_ids=1",
    "names=frame-b",
    "name,state",
    "name:lpar_id",
    "migration_state,bytes_remaining",
    "curr_mem",
    "dest_msp_name=frame-b-vios1",
    "virtual_fc_mappings=3/frame-b-vios1/6",
    "shared_proc_pool_name=DefaultPool",
    "dest_lpar_id=4",
    "-1",
    "x",
    "",
];

/// A command followed by its own options with values: these reach the executor.
fn structured() -> impl Strategy<Value = String> {
    use lpm::hmc::command::CommandName;
    proptest::sample::select(&CommandName::ALL[..]).prop_flat_map(|c| {
        let flags = lpm::hmc::complete::flags(c);
        let pair = (
            proptest::sample::select(if flags.is_empty() { &["-x"][..] } else { flags }),
            proptest::option::weighted(0.85, proptest::sample::select(VALUES)),
        );
        proptest::collection::vec(pair, 0..9).prop_map(move |pairs| {
            let mut line = c.as_str().to_string();
            for (f, v) in pairs {
                line.push(' ');
                line.push_str(f);
                if let Some(v) = v {
                    line.push(' ');
                    line.push_str(&lpm::hmc::tokens::quote(v));
                }
            }
            line
        })
    })
}

/// A command with its required options (values right or wrong, sometimes one left out) and
/// random others: these reach the executor and the engine.
fn templated() -> impl Strategy<Value = String> {
    let pick = |v: &'static [&'static str]| proptest::sample::select(v);
    let frame = || {
        pick(&[
            "frame-a",
            "frame-b",
            "frame-a",
            "frame-z",
            "9009-42A*2100002",
        ])
    };
    let lpar = || {
        pick(&[
            "web01",
            "db01",
            "legacy01",
            "test01",
            "ai01",
            "web01,db01",
            "nosuch",
        ])
    };
    prop_oneof![
        (
            pick(&["m", "v", "s", "r", "m", "v"]),
            frame(),
            frame(),
            lpar(),
            pick(&["", "-w 0", "-w 1", "--all"])
        )
            .prop_map(|(o, m, t, p, x)| format!("migrlpar -o {o} -m {m} -t {t} -p {p} {x}")),
        (pick(&["s", "r"]), frame(), lpar())
            .prop_map(|(o, m, p)| format!("migrlpar -o {o} -m {m} -p {p}")),
        (
            pick(&["sys", "lpar"]),
            frame(),
            pick(&["", "-F name,state --header", "--filter lpar_ids=2", "-F"])
        )
            .prop_map(|(r, m, x)| format!("lssyscfg -r {r} -m {m} {x}")),
        (pick(&["mem", "proc"]), frame(), pick(&["sys", "lpar"]))
            .prop_map(|(r, m, l)| format!("lshwres -r {r} -m {m} --level {l}")),
        (
            pick(&["sys", "lpar", "msp", "virtualio"]),
            frame(),
            frame(),
            lpar()
        )
            .prop_map(|(r, m, t, p)| format!(
                "lslparmigr -r {r} -m {m} -t {t} --filter lpar_names={p}"
            )),
        (frame(), pick(&["on", "off"]))
            .prop_map(|(m, o)| format!("chsysstate -r sys -m {m} -o {o}")),
        pick(&["0", "1", "5", "0.25"]).prop_map(|n| format!("sleep {n}")),
    ]
}

/// Lines: well-formed commands, commands with random options, random words.
fn line() -> impl Strategy<Value = String> {
    let command = proptest::sample::select(&VOCABULARY[..7]).prop_map(str::to_string);
    prop_oneof![
        3 => templated(),
        2 => structured(),
        1 => (command, proptest::collection::vec(word(), 0..14))
            .prop_map(|(c, w)| format!("{c} {}", w.join(" "))),
        1 => proptest::collection::vec(word(), 0..14).prop_map(|w| w.join(" ")),
    ]
}

fn estate() -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hmc/estate.ron"))
        .expect("the transcripts' estate loads")
}

/// Whether standard error reads as one of the HMC's refusals.
fn is_refusal(stderr: &str) -> bool {
    stderr.starts_with("HSCL")
        || stderr.starts_with("Errors:\nHSCL")
        || stderr.starts_with("The command entered is either missing")
        || stderr.starts_with("rbash: ")
}

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        rng_seed: RngSeed::Fixed(0x6c70_6d13),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_line_gives_output_or_a_refusal(lines in proptest::collection::vec(line(), 1..4)) {
        let mut session = Session::new(&estate()).unwrap();
        for l in &lines {
            let o = session.execute(l);
            if o.status == 0 {
                prop_assert!(o.stderr.is_empty(), "{l:?}: status 0 with {:?}", o.stderr);
            } else {
                prop_assert!(is_refusal(&o.stderr), "{l:?}: {:?}", o.stderr);
                prop_assert!(o.stderr.ends_with('\n'));
            }
        }
    }

    #[test]
    fn what_parses_renders_back_to_itself(l in line()) {
        if let Ok(Some(c)) = parse_line(&l) {
            let rendered = c.to_string();
            prop_assert_eq!(parse_line(&rendered), Ok(Some(c)), "{:?} -> {:?}", l, rendered);
        }
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut session = Session::new(&estate()).unwrap();
        let o = session.execute(&String::from_utf8_lossy(&b));
        prop_assert!(o.status == 0 || is_refusal(&o.stderr), "{:?}", o.stderr);
    }
}

#[test]
fn a_typed_command_is_a_plain_serde_value() {
    let c = parse_line("migrlpar -o m -m frame-a -t frame-b -p web01 -w 5")
        .unwrap()
        .unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: lpm::hmc::HmcCommand = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let ron = ron::to_string(&c).unwrap();
    assert_eq!(ron::from_str::<lpm::hmc::HmcCommand>(&ron).unwrap(), c);
}
