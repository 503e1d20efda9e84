//! Splitting a command line into words, as the HMC's restricted bash does.
//!
//! Blanks separate words; `'...'` keeps everything literally; `"..."` keeps everything but
//! lets `\"` and `\\` stand for `"` and `\`; outside quotes `\` takes the next character
//! literally. Quotes may join parts of one word (`-i "a=1",b=2` is one word). A `#` at the
//! start of a word starts a comment. Works on any `&str` without panicking: positions are
//! char boundaries by construction (the loop walks `chars()`).

use super::bounds::{MAX_LINE_BYTES, MAX_TOKENS};

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// A quote was opened and never closed; the quote character.
    Unterminated(char),
    /// The line is longer than [`MAX_LINE_BYTES`].
    LineTooLong(usize),
    /// More than [`MAX_TOKENS`] words.
    TooManyTokens,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // bash's own wording for the same mistake.
            TokenError::Unterminated(q) => {
                write!(f, "unexpected EOF while looking for matching `{q}'")
            }
            TokenError::LineTooLong(n) => write!(
                f,
                "The command line is {n} bytes long; at most {MAX_LINE_BYTES} are accepted."
            ),
            TokenError::TooManyTokens => {
                write!(f, "The command line has more than {MAX_TOKENS} words.")
            }
        }
    }
}

/// Splits `line` into words.
pub fn split(line: &str) -> Result<Vec<String>, TokenError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(TokenError::LineTooLong(line.len()));
    }
    let mut words = Vec::new();
    let mut word = String::new();
    // A word exists once anything (even an empty pair of quotes) was seen.
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    push(&mut words, std::mem::take(&mut word))?;
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(TokenError::Unterminated('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(TokenError::Unterminated('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(TokenError::Unterminated('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                // A trailing backslash stands for itself.
                word.push(chars.next().unwrap_or('\\'));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        push(&mut words, word)?;
    }
    Ok(words)
}

fn push(words: &mut Vec<String>, word: String) -> Result<(), TokenError> {
    if words.len() >= MAX_TOKENS {
        return Err(TokenError::TooManyTokens);
    }
    words.push(word);
    Ok(())
}

/// Quotes `word` so that [`split`] gives it back unchanged (for rendering commands).
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ',' | '=' | ':' | '*' | '+')
        });
    if plain {
        word.to_string()
    } else {
        let mut out = String::with_capacity(word.len() + 2);
        out.push('"');
        for c in word.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(line: &str) -> Vec<String> {
        split(line).unwrap()
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(s("  lssyscfg  -r sys "), ["lssyscfg", "-r", "sys"]);
        assert_eq!(
            s(r#"migrlpar -i "a=1,b=\"x y\"" -p 'db 01'"#),
            ["migrlpar", "-i", r#"a=1,b="x y""#, "-p", "db 01"]
        );
        assert_eq!(s(r#"-F "name,state"x"#), ["-F", "name,statex"]);
        assert_eq!(s(r#"a "" b"#), ["a", "", "b"]);
        assert_eq!(s(r"a\ b"), ["a b"]);
        assert_eq!(s("ls # a comment"), ["ls"]);
        assert_eq!(s("a#b"), ["a#b"]);
        assert!(s("   ").is_empty());
    }

    #[test]
    fn broken_lines_are_errors() {
        assert_eq!(split("echo 'x"), Err(TokenError::Unterminated('\'')));
        assert_eq!(split("echo \"x\\"), Err(TokenError::Unterminated('"')));
        assert!(matches!(
            split(&"x".repeat(MAX_LINE_BYTES + 1)),
            Err(TokenError::LineTooLong(_))
        ));
        assert_eq!(
            split(&"a ".repeat(MAX_TOKENS + 1)),
            Err(TokenError::TooManyTokens)
        );
    }

    #[test]
    fn quote_round_trips() {
        for w in [
            "plain",
            "two words",
            "",
            "q\"uote",
            "back\\slash",
            "é'x",
            "lpar_names=a,b",
        ] {
            assert_eq!(s(&quote(w)), [w], "{w:?}");
        }
    }
}
