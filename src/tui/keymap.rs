//! One table of keys. The handler looks keys up here, the hint bar shows the entries with a
//! hint, and the `?` overlay lists them all, so help can never drift from what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks the dashboard to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    OtherFrame,
    NextMove,
    PrevMove,
    Validate,
    Migrate,
    Stop,
    CapUp,
    CapDown,
    ThrottleUp,
    ThrottleDown,
    AutoConverge,
    RemoveIo,
    Evacuate,
    Recover,
    Repair,
    /// Stop every move that can still be stopped (asks first).
    StopAll,
    /// Open the `:` HMC command line.
    Console,
    /// Focus the recommendations pane.
    Advice,
    /// The detail pane follows the partition that is suspending, or not.
    Follow,
    // The log: scroll, search, export.
    LogUp,
    LogDown,
    LogEnd,
    Search,
    NextMatch,
    PrevMatch,
    ExportLog,
    FaultLinkDown,
    FaultLinkDegrade,
    FaultMsp,
    FaultFrame,
    Pause,
    Slower,
    Faster,
    SlowMotion,
    LogLevel,
    Help,
    ToggleLog,
    Rounds,
    ExportRounds,
    Quit,
    ForceQuit,
    // Presenter mode (`lpm demo`).
    Next,
    Restart,
    // In a confirmation.
    Yes,
    No,
    Choose,
    Toggle,
    // On a line being typed (the `:` command line, the log's `/` search).
    Run,
    Complete,
    ScrollUp,
    ScrollDown,
    ClearLine,
    // In a popup or the help overlay.
    Close,
}

/// Where the keys are read: each context has its own part of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Main,
    Confirm,
    Popup,
    Help,
    /// `lpm demo`: looked up before `Main` while a script plays.
    Presenter,
    /// The target picker (`m` with more than two frames).
    Picker,
    /// The `:` HMC command line: keys not in the table edit the line.
    Console,
    /// Typing the log's `/` search: keys not in the table edit the query.
    Search,
    /// The log pane has the focus (after `/`, or PgUp on a screen without a log pane).
    Log,
    /// The recommendations pane has the focus (`A`).
    Advice,
}

/// A key: a code and whether Ctrl must be held (Shift is implied by the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written in the hint bar and the help.
    pub label: &'static str,
    pub command: Command,
    /// The help overlay's line.
    pub help: &'static str,
    /// The hint bar's entry, for the bindings worth a place there: the keys (up to the first
    /// space), then the word.
    pub hint: Option<&'static str>,
    /// The help overlay's section.
    pub group: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    command: Command,
    help: &'static str,
    hint: Option<&'static str>,
    group: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        command,
        help,
        hint,
        group,
    }
}

use Command as C;
use Context::{Advice, Confirm, Help, Log, Main, Picker, Popup, Presenter, Search};

const NAV: &str = "Navigate";
const MOVE: &str = "Move";
const TUNE: &str = "Tune the move";
const TIME: &str = "Time and view";
const FAULT: &str = "Inject a fault";
const PRESENT: &str = "Presenter (lpm demo)";
const LOG: &str = "Log";

/// Every key of the dashboard, in the order help and hints show them.
pub const BINDINGS: &[Binding] = &[
    bind(
        Main,
        &[code(KeyCode::Up), ch('k')],
        "↑/k",
        C::Up,
        "select the partition above",
        None,
        NAV,
    ),
    bind(
        Main,
        &[code(KeyCode::Down), ch('j')],
        "↓/j",
        C::Down,
        "select the partition below",
        Some("↑↓ select"),
        NAV,
    ),
    bind(
        Main,
        &[
            code(KeyCode::Tab),
            code(KeyCode::BackTab),
            code(KeyCode::Left),
            code(KeyCode::Right),
            ch('h'),
            ch('l'),
        ],
        "Tab/←/→",
        C::OtherFrame,
        "switch to the other frame",
        Some("Tab frame"),
        NAV,
    ),
    bind(
        Main,
        &[ch(']'), ch('n')],
        "]/n",
        C::NextMove,
        "select the next partition that is moving",
        None,
        NAV,
    ),
    bind(
        Main,
        &[ch('['), ch('p')],
        "[/p",
        C::PrevMove,
        "select the previous partition that is moving",
        None,
        NAV,
    ),
    bind(
        Main,
        &[ch('v'), code(KeyCode::Enter)],
        "v/Enter",
        C::Validate,
        "validate the partition against the other frame (lists every check)",
        Some("v validate"),
        MOVE,
    ),
    bind(
        Main,
        &[ch('m')],
        "m",
        C::Migrate,
        "migrate it to the other frame, or to one picked from a list when there are more (shows why if it cannot)",
        Some("m migrate"),
        MOVE,
    ),
    bind(
        Main,
        &[ch('s')],
        "s",
        C::Stop,
        "stop its move (asks first; refused once it resumed on the target)",
        Some("s stop"),
        MOVE,
    ),
    bind(
        Main,
        &[ch('e')],
        "e",
        C::Evacuate,
        "evacuate the frame: move every partition that validates (asks first)",
        Some("e evacuate"),
        MOVE,
    ),
    bind(
        Main,
        &[ch('d')],
        "d",
        C::RemoveIo,
        "remove the partition's dedicated I/O adapters by dynamic LPAR (asks first)",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch('R')],
        "R",
        C::Recover,
        "recover the partition after a failed move (migrlpar -o r)",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch('H')],
        "H",
        C::Repair,
        "repair the selected frame and its failed movers (its partitions restart)",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch('S')],
        "S",
        C::StopAll,
        "stop every move that can still be stopped (asks first)",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch(':')],
        ":",
        C::Console,
        "HMC command line: the commands of lpm hmc, on this estate",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch('A')],
        "A",
        C::Advice,
        "recommendations: choose one, Enter applies it (asks first)",
        None,
        MOVE,
    ),
    bind(
        Main,
        &[ch('x')],
        "x",
        C::FaultLinkDown,
        "take the link between the frames down for 10 s (asks first)",
        None,
        FAULT,
    ),
    bind(
        Main,
        &[ch('X')],
        "X",
        C::FaultLinkDegrade,
        "degrade the link to a quarter of its bandwidth for 30 s (asks first)",
        None,
        FAULT,
    ),
    bind(
        Main,
        &[ch('M')],
        "M",
        C::FaultMsp,
        "fail the mover service partitions of the selected frame (asks first)",
        None,
        FAULT,
    ),
    bind(
        Main,
        &[ch('F')],
        "F",
        C::FaultFrame,
        "fail the whole selected frame (asks first)",
        None,
        FAULT,
    ),
    bind(
        Main,
        &[ch('+'), ch('=')],
        "+/-",
        C::CapUp,
        "raise / lower the bandwidth cap of its move",
        Some("+/- cap"),
        TUNE,
    ),
    bind(
        Main,
        &[ch('-'), ch('_')],
        "-",
        C::CapDown,
        "lower the bandwidth cap of its move",
        None,
        TUNE,
    ),
    bind(
        Main,
        &[ch('t')],
        "t/T",
        C::ThrottleUp,
        "raise / lower its CPU throttle by 10%",
        Some("t/T throttle"),
        TUNE,
    ),
    bind(
        Main,
        &[ch('T')],
        "T",
        C::ThrottleDown,
        "lower its CPU throttle by 10%",
        None,
        TUNE,
    ),
    bind(
        Main,
        &[ch('a')],
        "a",
        C::AutoConverge,
        "turn auto-converge on or off for its move",
        Some("a auto-converge"),
        TUNE,
    ),
    bind(
        Main,
        &[ch(' ')],
        "space",
        C::Pause,
        "pause / resume simulated time",
        Some("space pause"),
        TIME,
    ),
    bind(
        Main,
        &[ch('<'), ch(',')],
        "</>",
        C::Slower,
        "slower / faster simulated time",
        Some("</> speed"),
        TIME,
    ),
    bind(
        Main,
        &[ch('>'), ch('.')],
        ">",
        C::Faster,
        "faster simulated time",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('w')],
        "w",
        C::SlowMotion,
        "slow motion through suspend windows on / off",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('L')],
        "L",
        C::LogLevel,
        "cycle the log's level filter (all / info / warnings)",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('g')],
        "g",
        C::Rounds,
        "per-round table of the move instead of its charts, and back",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('c')],
        "c",
        C::ExportRounds,
        "write the move's rounds to lpm-PARTITION-moveN-rounds.csv",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('o')],
        "o",
        C::ToggleLog,
        "show / hide the log pane (a cleaner stage)",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('f')],
        "f",
        C::Follow,
        "the detail pane follows the partition that is suspending, or not (on in lpm demo)",
        None,
        TIME,
    ),
    bind(
        Main,
        &[ch('?')],
        "?",
        C::Help,
        "show this help",
        Some("? help"),
        TIME,
    ),
    bind(
        Main,
        &[ch('q')],
        "q",
        C::Quit,
        "quit (asks when moves are in flight)",
        Some("q quit"),
        TIME,
    ),
    bind(
        Main,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        TIME,
    ),
    bind(
        Main,
        &[code(KeyCode::PageUp)],
        "PgUp/PgDn",
        C::LogUp,
        "scroll the log back / forward (End: the newest line)",
        None,
        LOG,
    ),
    bind(
        Main,
        &[code(KeyCode::PageDown)],
        "PgDn",
        C::LogDown,
        "scroll the log forward",
        None,
        LOG,
    ),
    bind(
        Main,
        &[code(KeyCode::End)],
        "End",
        C::LogEnd,
        "the log's newest line",
        None,
        LOG,
    ),
    bind(
        Main,
        &[ch('/')],
        "/",
        C::Search,
        "search the log (n / N: the next older / newer match, Esc leaves)",
        None,
        LOG,
    ),
    bind(
        Main,
        &[ch('W')],
        "W",
        C::ExportLog,
        "write the log to a new file lpm-log-SCENARIO.txt (never over one)",
        None,
        LOG,
    ),
    bind(
        Presenter,
        &[code(KeyCode::Right), ch(' '), code(KeyCode::PageDown)],
        "→/space",
        C::Next,
        "next caption: go on from a step that waits, or run ahead to the next step",
        Some("→ next"),
        PRESENT,
    ),
    bind(
        Presenter,
        &[ch('b'), code(KeyCode::Pause)],
        "b",
        C::Pause,
        "pause / resume the demonstration",
        Some("b pause"),
        PRESENT,
    ),
    bind(
        Presenter,
        &[ch('r')],
        "r",
        C::Restart,
        "restart the script from the beginning",
        Some("r restart"),
        PRESENT,
    ),
    bind(Confirm, &[ch('y')], "y", C::Yes, "yes", Some("y yes"), ""),
    bind(
        Confirm,
        &[ch('n'), code(KeyCode::Esc), ch('q')],
        "n/Esc",
        C::No,
        "no",
        Some("n/Esc no"),
        "",
    ),
    bind(
        Confirm,
        &[code(KeyCode::Enter)],
        "Enter",
        C::Choose,
        "the highlighted answer",
        Some("Enter choose"),
        "",
    ),
    bind(
        Confirm,
        &[
            code(KeyCode::Tab),
            code(KeyCode::BackTab),
            code(KeyCode::Left),
            code(KeyCode::Right),
            ch('h'),
            ch('l'),
        ],
        "←/→",
        C::Toggle,
        "switch answer",
        Some("←→ switch"),
        "",
    ),
    bind(
        Confirm,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Picker,
        &[code(KeyCode::Up), ch('k')],
        "↑/k",
        C::Up,
        "the frame above",
        Some("↑↓ choose"),
        "",
    ),
    bind(
        Picker,
        &[code(KeyCode::Down), ch('j')],
        "↓/j",
        C::Down,
        "the frame below",
        None,
        "",
    ),
    bind(
        Picker,
        &[code(KeyCode::Enter), ch('m')],
        "Enter",
        C::Choose,
        "migrate to the frame chosen",
        Some("Enter migrate"),
        "",
    ),
    bind(
        Picker,
        &[code(KeyCode::Esc), ch('q')],
        "Esc",
        C::Close,
        "close: nothing moves",
        Some("Esc close"),
        "",
    ),
    bind(
        Picker,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::Enter)],
        "Enter",
        C::Run,
        "run the line",
        Some("Enter run"),
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::Tab)],
        "Tab",
        C::Complete,
        "complete the command, flag, value or name",
        Some("Tab complete"),
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::Up)],
        "↑",
        C::Up,
        "the previous line of the history",
        Some("↑↓ history"),
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::Down)],
        "↓",
        C::Down,
        "the next line of the history",
        None,
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::PageUp)],
        "PgUp",
        C::ScrollUp,
        "scroll the output back",
        Some("PgUp/PgDn scroll"),
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::PageDown)],
        "PgDn",
        C::ScrollDown,
        "scroll the output forward",
        None,
        "",
    ),
    bind(
        Context::Console,
        &[ctrl('c')],
        "Ctrl-C",
        C::ClearLine,
        "abandon the line being typed",
        None,
        "",
    ),
    bind(
        Context::Console,
        &[code(KeyCode::Esc)],
        "Esc",
        C::Close,
        "close the command line (its output stays for next time)",
        Some("Esc close"),
        "",
    ),
    bind(
        Search,
        &[code(KeyCode::Enter)],
        "Enter",
        C::Run,
        "search",
        Some("Enter search"),
        "",
    ),
    bind(
        Search,
        &[code(KeyCode::Esc)],
        "Esc",
        C::Close,
        "cancel",
        Some("Esc cancel"),
        "",
    ),
    bind(
        Search,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Log,
        &[code(KeyCode::PageUp), code(KeyCode::Up), ch('k')],
        "PgUp/↑",
        C::LogUp,
        "scroll back",
        Some("PgUp/PgDn scroll"),
        "",
    ),
    bind(
        Log,
        &[code(KeyCode::PageDown), code(KeyCode::Down), ch('j')],
        "PgDn/↓",
        C::LogDown,
        "scroll forward",
        None,
        "",
    ),
    bind(
        Log,
        &[code(KeyCode::End), ch('G')],
        "End",
        C::LogEnd,
        "the newest line",
        None,
        "",
    ),
    bind(
        Log,
        &[ch('n')],
        "n",
        C::NextMatch,
        "the next older match",
        Some("n/N match"),
        "",
    ),
    bind(
        Log,
        &[ch('N')],
        "N",
        C::PrevMatch,
        "the next newer match",
        None,
        "",
    ),
    bind(
        Log,
        &[ch('/')],
        "/",
        C::Search,
        "a new search",
        Some("/ search"),
        "",
    ),
    bind(
        Log,
        &[ch('W')],
        "W",
        C::ExportLog,
        "write the log to a new file",
        Some("W write"),
        "",
    ),
    bind(
        Log,
        &[code(KeyCode::Esc), ch('q')],
        "Esc",
        C::Close,
        "back to the dashboard",
        Some("Esc back"),
        "",
    ),
    bind(
        Log,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Advice,
        &[code(KeyCode::Up), ch('k')],
        "↑/k",
        C::Up,
        "the recommendation above",
        Some("↑↓ choose"),
        "",
    ),
    bind(
        Advice,
        &[code(KeyCode::Down), ch('j')],
        "↓/j",
        C::Down,
        "the recommendation below",
        None,
        "",
    ),
    bind(
        Advice,
        &[code(KeyCode::Enter)],
        "Enter",
        C::Choose,
        "apply the one chosen (asks first)",
        Some("Enter apply"),
        "",
    ),
    bind(
        Advice,
        &[code(KeyCode::Esc), ch('q'), ch('A')],
        "Esc",
        C::Close,
        "back to the dashboard",
        Some("Esc back"),
        "",
    ),
    bind(
        Advice,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Popup,
        &[code(KeyCode::Esc), code(KeyCode::Enter), ch('q'), ch('v')],
        "Esc/Enter",
        C::Close,
        "close",
        Some("Esc close"),
        "",
    ),
    bind(
        Popup,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
    bind(
        Help,
        &[code(KeyCode::Esc), ch('?'), ch('q'), code(KeyCode::Enter)],
        "Esc/?",
        C::Close,
        "close help",
        Some("Esc close"),
        "",
    ),
    // A help longer than the screen scrolls (80x24 cannot hold every key).
    bind(
        Help,
        &[
            code(KeyCode::Down),
            ch('j'),
            code(KeyCode::PageDown),
            ch(' '),
        ],
        "↓/PgDn",
        C::Down,
        "scroll the help down",
        Some("↓↑ scroll"),
        "",
    ),
    bind(
        Help,
        &[code(KeyCode::Up), ch('k'), code(KeyCode::PageUp)],
        "↑/PgUp",
        C::Up,
        "scroll the help up",
        None,
        "",
    ),
    bind(
        Help,
        &[ctrl('c')],
        "Ctrl-C",
        C::ForceQuit,
        "quit at once",
        None,
        "",
    ),
];

/// The command a key means in a context.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let code = match key.code {
        // Some terminals report Shift+Tab as Tab with Shift.
        KeyCode::Tab if key.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        c => c,
    };
    BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .find(|b| b.keys.iter().any(|k| k.code == code && k.ctrl == ctrl))
        .map(|b| b.command)
}

/// A hint split into its keys and its word.
pub fn split_hint(hint: &'static str) -> (&'static str, &'static str) {
    hint.split_once(' ').unwrap_or((hint, ""))
}

/// The bindings of a context that belong on the hint bar.
/// The keys of presenter mode, which come before the dashboard's while a script plays.
fn presenter_bindings() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(|b| b.context == Presenter)
}

pub fn hints(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.context == context && b.hint.is_some())
}

/// Help sections in order, each with its bindings (the second key of a pair such as `+/-` is
/// listed with the first).
pub fn help_sections() -> Vec<(&'static str, Vec<&'static Binding>)> {
    help_sections_for(false)
}

/// As `help_sections`, with the presenter's keys first while a script plays.
pub fn help_sections_for(presenter: bool) -> Vec<(&'static str, Vec<&'static Binding>)> {
    let mut out: Vec<(&'static str, Vec<&'static Binding>)> = Vec::new();
    if presenter {
        out.push((PRESENT, presenter_bindings().collect()));
    }
    for b in BINDINGS.iter().filter(|b| b.context == Main) {
        // Presenting, a key the presenter's keys take over entirely is not listed.
        let shadowed = presenter
            && b.keys
                .iter()
                .all(|k| presenter_bindings().any(|p| p.keys.contains(k)));
        if is_pair_tail(b) || shadowed {
            continue;
        }
        match out.iter_mut().find(|(g, _)| *g == b.group) {
            Some((_, v)) => v.push(b),
            None => out.push((b.group, vec![b])),
        }
    }
    out
}

/// The second half of a pair (`-` of `+/-`, `T` of `t/T`, `>` of `</>`), described by the first.
pub fn is_pair_tail(b: &Binding) -> bool {
    matches!(
        b.command,
        C::CapDown | C::ThrottleDown | C::Faster | C::LogDown | C::LogEnd
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.context);
                    }
                }
            }
        }
    }
}
