//! `help` and `CMD --help`.
//!
//! Laid out as the HMC's `--help` is (a `Usage:` synopsis, a one-line purpose, then each
//! option), with the synopses of the HMC man pages (migrlpar, lslparmigr, lssyscfg, lshwres,
//! chsysstate) cut down to what this simulated HMC does. The exact `--help` text of a real
//! HMC is not public; the man pages' SYNOPSIS sections are.

use super::command::CommandName;

/// The help text of one command, ending in a newline.
pub fn of(command: CommandName) -> &'static str {
    match command {
        CommandName::Migrlpar => MIGRLPAR,
        CommandName::Lslparmigr => LSLPARMIGR,
        CommandName::Lssyscfg => LSSYSCFG,
        CommandName::Lshwres => LSHWRES,
        CommandName::Chsysstate => CHSYSSTATE,
        CommandName::Sleep => SLEEP,
        CommandName::Help => HELP,
    }
}

/// `help` without a command: what there is.
pub const HELP: &str = "\
Commands of this simulated HMC:
    chsysstate  power a managed system on or off
    lshwres     list memory and processor resources
    lslparmigr  list partition migration information
    lssyscfg    list managed systems and partitions
    migrlpar    validate, migrate, stop or recover a partition migration
    sleep       let simulated time pass (lpm's own; not an HMC command)
    help        this list; COMMAND --help for a command's usage
";

const MIGRLPAR: &str = "\
Usage: migrlpar -o m | r | s | v
                -m <managed system> [-t <managed system>]
                -p <partition name> | --id <partition ID> | --all
                [-i \"<input data>\"] [--redundantmsps {0 | 1 | 2}]
                [-w <wait time>] [--help]

Performs a partition migration operation.

    -o                      - the operation to perform:
                                m - validate then migrate
                                r - recover from a failed migration
                                s - stop a migration
                                v - validate
    -m <managed system>     - the source managed system's name
    -t <managed system>     - the destination managed system's name (m and v)
    -p <partition name>     - the partitions' names, comma separated
    --id <partition ID>     - the partitions' IDs, comma separated
    --all                   - every partition of the source (m and v)
    -i \"<input data>\"       - attribute=value pairs, comma separated:
                                source_msp_name, source_msp_id, dest_msp_name,
                                dest_msp_id, virtual_scsi_mappings,
                                virtual_fc_mappings, vlan_mappings,
                                shared_proc_pool_name, shared_proc_pool_id,
                                dest_lpar_id
    --redundantmsps         - 0 do not use redundant mover service partitions,
                              1 require them, 2 use them if available
    -w <wait time>          - the maximum time, in minutes, to wait for the
                              migration to end (simulated time)
    --help                  - prints this help

Without -w, migrlpar -o m returns when the migration ends, as the HMC does.
";

const LSLPARMIGR: &str = "\
Usage: lslparmigr -r lpar | msp | sys | virtualio
                  -m <managed system> [-t <managed system>]
                  [--filter \"<filter data>\"]
                  [-F [<attribute names>] [--header]] [--help]

Lists partition migration information.

    -r                      - the type of information to list:
                                lpar      - partitions and their migrations
                                msp       - possible mover service partitions
                                sys       - the managed system's migration
                                            capabilities
                                virtualio - possible and suggested virtual
                                            adapter mappings
    -m <managed system>     - the managed system's name
    -t <managed system>     - the destination managed system (msp, virtualio)
    --filter \"<filter data>\" - lpar_names=<name>[,...] or lpar_ids=<ID>[,...]
                              (msp and virtualio: exactly one partition)
    -F [<attribute names>]  - the attributes to print, values only, separated
                              by the delimiter typed between them
    --header                - print the attribute names first (with -F)
    --help                  - prints this help
";

const LSSYSCFG: &str = "\
Usage: lssyscfg -r lpar | sys
                [-m <managed system>]
                [--filter \"<filter data>\"]
                [-F [<attribute names>] [--header]] [--help]

Lists the attributes of managed systems and partitions.

    -r                      - the type of resources to list:
                                lpar - partitions (requires -m)
                                sys  - managed systems
    -m <managed system>     - the managed system's name
    --filter \"<filter data>\" - sys: names=<name>[,...]
                              lpar: lpar_names=<name>[,...] or
                                    lpar_ids=<ID>[,...]
    -F [<attribute names>]  - the attributes to print, values only, separated
                              by the delimiter typed between them
    --header                - print the attribute names first (with -F)
    --help                  - prints this help
";

const LSHWRES: &str = "\
Usage: lshwres -r mem | proc -m <managed system> --level lpar | sys
               [--filter \"<filter data>\"]
               [-F [<attribute names>] [--header]] [--help]

Lists hardware resources.

    -r                      - the type of resources to list: mem or proc
    -m <managed system>     - the managed system's name
    --level                 - sys (the managed system) or lpar (each partition)
    --filter \"<filter data>\" - lpar level: lpar_names=<name>[,...] or
                                          lpar_ids=<ID>[,...]
    -F [<attribute names>]  - the attributes to print, values only, separated
                              by the delimiter typed between them
    --header                - print the attribute names first (with -F)
    --help                  - prints this help
";

const CHSYSSTATE: &str = "\
Usage: chsysstate -r sys -m <managed system> -o on | off [--immed] [--help]

Changes the state of a managed system.

    -r sys                  - the managed system
    -m <managed system>     - the managed system's name
    -o                      - on: power on; off: power off
    --immed                 - with -o off: accepted; the shutdown takes the
                              frame's time either way
    --help                  - prints this help

Returns at once; lssyscfg -r sys shows Powering Off / Powering On until the
frame's shutdown or boot time has passed. Powering off is refused while a
partition runs on the frame or a move involves it.
";

const SLEEP: &str = "\
Usage: sleep <seconds>

Lets <seconds> of simulated time pass (at most 86400), so that a script can
watch a migration with lslparmigr. lpm's own; not an HMC command.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_usage_naming_it() {
        for c in CommandName::ALL {
            let text = of(c);
            assert!(text.ends_with('\n'));
            if c != CommandName::Help {
                assert!(text.starts_with(&format!("Usage: {}", c.as_str())), "{c:?}");
            }
        }
    }
}
