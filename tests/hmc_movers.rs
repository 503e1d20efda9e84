//! The HMC adapter on the engine's movers: `-i` names them and the move runs on them,
//! `lslparmigr -r lpar` shows the pair, `--redundantmsps 1` is refused where a frame has one
//! mover, and a failed mover named in `-i` fails validation.

use lpm::Scenario;
use lpm::hmc::Session;

fn session() -> Session {
    let s = Scenario::load_str(include_str!("data/hmc/estate.ron"), "estate.ron", None).unwrap();
    Session::new(&s).unwrap()
}

#[test]
fn named_movers_carry_the_move_and_lslparmigr_shows_them() {
    let mut h = session();
    let o = h.execute(
        "migrlpar -o m -m frame-a -t frame-b -p db01 -i \"source_msp_name=vios2,dest_msp_id=7\" -w 0",
    );
    assert_eq!((o.status, o.stderr.as_str()), (0, ""), "{o:?}");
    h.execute("sleep 1");
    let o = h.execute(
        "lslparmigr -r lpar -m frame-a --filter lpar_names=db01 -F source_msp_name,source_msp_id,dest_msp_name,dest_msp_id",
    );
    assert_eq!(o.stdout, "vios2,7,vios2,7\n");
}

#[test]
fn the_engine_picks_the_least_busy_movers_otherwise() {
    let mut h = session();
    h.execute("migrlpar -o m -m frame-a -t frame-b -p db01 -w 0");
    h.execute("migrlpar -o m -m frame-a -t frame-b -p web01 -w 0");
    h.execute("sleep 0.1");
    let o = h.execute("lslparmigr -r lpar -m frame-a -F name,source_msp_name,dest_msp_name");
    assert!(o.stdout.contains("db01,vios1,vios1\n"), "{}", o.stdout);
    assert!(o.stdout.contains("web01,vios2,vios2\n"), "{}", o.stdout);
}

#[test]
fn redundant_pairs_are_required_only_where_two_movers_work() {
    let text = include_str!("data/hmc/estate.ron").replace(
        "sans: [\"prod\"], msps: 2),\n    ],",
        "sans: [\"prod\"], msps: 1),\n    ],",
    );
    let s = Scenario::load_str(&text, "estate.ron", None).unwrap();
    let mut h = Session::new(&s).unwrap();
    let o = h.execute("migrlpar -o v -m frame-a -t frame-b -p web01 --redundantmsps 1");
    assert_eq!(o.status, 1, "{o:?}");
    assert!(
        o.stderr.contains("HSCLZ110") && o.stderr.contains("frame-b"),
        "{}",
        o.stderr
    );
    // If available: it goes on one pair.
    let o = h.execute("migrlpar -o v -m frame-a -t frame-b -p web01 --redundantmsps 2");
    assert_eq!(o.status, 0, "{o:?}");
}

#[test]
fn a_mover_that_does_not_exist_is_not_found() {
    let mut h = session();
    let o = h.execute("migrlpar -o v -m frame-a -t frame-b -p web01 -i source_msp_name=vios3");
    assert_eq!(
        o.stderr,
        "HSCL8012 The partition named vios3 was not found.\n"
    );
}
