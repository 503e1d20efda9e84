//! How listings print, as the HMC prints them.
//!
//! - Without `-F`: one line per object, `attr=value` pairs joined by commas; a pair whose value
//!   holds a comma is put in double quotes whole (`"dest_msp_names=vios1,vios2"`), as the HMC
//!   does (IBM Redbook SG24-7460's `lslparmigr -r msp` example; the ibm.power_hmc collection's
//!   parser, `hmc_command_stack.parseCSV`, strips exactly those quotes).
//! - `-F a,b`: values only, joined by the delimiter as typed (the first character of the `-F`
//!   text that cannot be part of an attribute name); a value holding a comma or the delimiter
//!   is put in double quotes (the collection's `parseAttributes` undoes exactly that).
//!   `--header` prints the names first, joined the same way.
//! - Nothing to list: `No results were found.` and exit 0, with or without `-F`.

use super::codes::{Code, HmcError};
use super::command::Format;

/// One object: its attributes in print order.
pub type Record = Vec<(&'static str, String)>;

/// What a listing found: every attribute the resource can have (what `-F` may name, in the
/// order a bare `-F` prints them), and the objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub resource: &'static str,
    pub attributes: &'static [&'static str],
    pub records: Vec<Record>,
}

/// The HMC's answer when a listing matches nothing.
pub const NO_RESULTS: &str = "No results were found.";

/// Characters an attribute name is made of; anything else in `-F` is the delimiter.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits the text of `-F` into attribute names and the delimiter as typed.
pub fn split_fields(text: &str) -> (Vec<String>, String) {
    let delimiter = text
        .chars()
        .find(|c| !is_name_char(*c))
        .map_or_else(|| ",".to_string(), |c| c.to_string());
    let names = if text.is_empty() {
        Vec::new()
    } else {
        text.split(delimiter.as_str()).map(str::to_string).collect()
    };
    (names, delimiter)
}

/// Prints `table` in `format`, every line ending in a newline.
pub fn render(table: &Table, format: &Format) -> Result<String, HmcError> {
    if let Format::Fields { names, .. } = format {
        for n in names {
            if !table.attributes.contains(&n.as_str()) {
                return Err(HmcError::new(
                    Code::BadAttributeName,
                    format!(
                        "The attribute name {} is not valid for {}. Valid attribute names are: {}.",
                        printable(n),
                        table.resource,
                        table.attributes.join(", ")
                    ),
                ));
            }
        }
    }
    if table.records.is_empty() {
        return Ok(format!("{NO_RESULTS}\n"));
    }
    let mut out = String::new();
    match format {
        Format::Pairs => {
            for r in &table.records {
                let line: Vec<String> = r
                    .iter()
                    .map(|(a, v)| {
                        if v.contains(',') {
                            format!("\"{a}={v}\"")
                        } else {
                            format!("{a}={v}")
                        }
                    })
                    .collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
        Format::Fields {
            names,
            delimiter,
            header,
        } => {
            let names: Vec<&str> = if names.is_empty() {
                table.attributes.to_vec()
            } else {
                names.iter().map(String::as_str).collect()
            };
            if *header {
                out.push_str(&names.join(delimiter));
                out.push('\n');
            }
            for r in &table.records {
                let values: Vec<String> = names
                    .iter()
                    .map(|n| {
                        let v = r
                            .iter()
                            .find(|(a, _)| a == n)
                            .map_or("", |(_, v)| v.as_str());
                        if v.contains(',')
                            || (!delimiter.is_empty() && v.contains(delimiter.as_str()))
                        {
                            format!("\"{v}\"")
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                out.push_str(&values.join(delimiter));
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// A user-typed word in a message: control characters escaped so that a message stays one
/// line whatever was typed.
pub fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A number of processors or processing units as the HMC prints them: at least one decimal
/// (`8.0`, `0.5`), at most two.
pub fn units(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if (r - r.trunc()).abs() < 1e-9 {
        format!("{r:.1}")
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// GiB as the HMC's MB (the HMC counts memory in MB of 1,048,576 bytes).
pub fn mb(gib: f64) -> String {
    format!("{}", (gib.max(0.0) * 1024.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTRS: &[&str] = &["name", "state", "list"];

    fn table(records: Vec<Record>) -> Table {
        Table {
            resource: "lssyscfg -r sys",
            attributes: ATTRS,
            records,
        }
    }

    fn fields(text: &str, header: bool) -> Format {
        let (names, delimiter) = split_fields(text);
        Format::Fields {
            names,
            delimiter,
            header,
        }
    }

    #[test]
    fn pairs_quote_a_pair_whose_value_has_a_comma() {
        let t = table(vec![vec![
            ("name", "a".into()),
            ("list", "x,y".into()),
            ("state", "Running".into()),
        ]]);
        assert_eq!(
            render(&t, &Format::Pairs).unwrap(),
            "name=a,\"list=x,y\",state=Running\n"
        );
    }

    #[test]
    fn fields_use_the_delimiter_as_typed() {
        let t = table(vec![
            vec![("name", "a".into()), ("state", "Running".into())],
            vec![("name", "b".into()), ("state", "Not Activated".into())],
        ]);
        assert_eq!(
            render(&t, &fields("name:state", true)).unwrap(),
            "name:state\na:Running\nb:Not Activated\n"
        );
        assert_eq!(
            render(&t, &fields("state", false)).unwrap(),
            "Running\nNot Activated\n"
        );
        let t = table(vec![vec![("name", "a".into()), ("list", "x,y".into())]]);
        assert_eq!(
            render(&t, &fields("name,list", false)).unwrap(),
            "a,\"x,y\"\n"
        );
        assert_eq!(
            render(&t, &fields("", false)).unwrap(),
            "a,,\"x,y\"\n",
            "a bare -F prints every attribute"
        );
    }

    #[test]
    fn nothing_found_and_bad_names() {
        assert_eq!(
            render(&table(vec![]), &Format::Pairs).unwrap(),
            "No results were found.\n"
        );
        assert_eq!(
            render(&table(vec![]), &fields("name", true)).unwrap(),
            "No results were found.\n"
        );
        let e = render(&table(vec![]), &fields("name,nmae", false)).unwrap_err();
        assert_eq!(e.code, Code::BadAttributeName);
        assert!(e.message.contains("nmae"));
    }

    #[test]
    fn numbers() {
        assert_eq!(units(8.0), "8.0");
        assert_eq!(units(0.5), "0.5");
        assert_eq!(units(0.25), "0.25");
        assert_eq!(units(2.0 / 3.0), "0.67");
        assert_eq!(mb(64.0), "65536");
        assert_eq!(mb(0.5), "512");
    }
}
