//! Hostile HMC command lines: random words from the commands' vocabulary and random bytes
//! never panic, and always give output or a usage/HSCL error. Commands that parse render
//! back to the same command.

use std::path::Path;

use lpm::Scenario;
use lpm::hmc::{Session, parse_line};
use proptest::prelude::*;

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

/// Half the lines start with a command, so that most reach the option parser and beyond.
fn line() -> impl Strategy<Value = String> {
    let command = proptest::sample::select(&VOCABULARY[..7]).prop_map(str::to_string);
    prop_oneof![
        (command, proptest::collection::vec(word(), 0..14))
            .prop_map(|(c, w)| format!("{c} {}", w.join(" "))),
        proptest::collection::vec(word(), 0..14).prop_map(|w| w.join(" ")),
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

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
