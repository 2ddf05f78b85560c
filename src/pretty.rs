//! JSON for a person at a terminal: re-indented, and colored when colors are on, as xh and jq
//! show it. Works on the text itself, so numbers, escapes and key order stay as the server
//! wrote them. Only for display: files, pipes and the state store always get the exact bytes.

/// `text` re-indented by two spaces per level, keys and values colored when `color`; `None`
/// when it is not valid JSON (the caller shows it as it is).
pub fn json(text: &[u8], color: bool) -> Option<String> {
    crate::media::check_json(text).ok()?;
    let text = std::str::from_utf8(text).ok()?;
    let mut out = String::with_capacity(text.len() * 2);
    let paint = |out: &mut String, code: &str, token: &str| {
        if color {
            out.push_str(&format!("\x1b[{code}m{token}\x1b[0m"));
        } else {
            out.push_str(token);
        }
    };
    // Per open container: whether it is an object, and whether a key comes next in it.
    let mut stack: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let next = bytes[i + 1..].iter().position(|b| !b.is_ascii_whitespace()).map(|p| i + 1 + p);
                if next.is_some_and(|n| bytes[n] == close) {
                    out.push(c as char);
                    out.push(close as char);
                    i = next.unwrap_or(i) + 1;
                    continue;
                }
                out.push(c as char);
                stack.push(c == b'{');
                expect_key = c == b'{';
                newline(&mut out, stack.len());
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                newline(&mut out, stack.len());
                out.push(c as char);
                i += 1;
            }
            b',' => {
                out.push(',');
                expect_key = stack.last() == Some(&true);
                newline(&mut out, stack.len());
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            b'"' => {
                let mut end = i + 1;
                while bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let token = &text[i..=end];
                if expect_key {
                    paint(&mut out, "1;34", token);
                    expect_key = false;
                } else {
                    paint(&mut out, "32", token);
                }
                i = end + 1;
            }
            _ => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(bytes.len(), |p| i + p);
                let token = &text[i..end];
                let code = if token.starts_with(['t', 'f', 'n']) { "35" } else { "36" };
                paint(&mut out, code, token);
                i = end;
            }
        }
    }
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::json;

    #[test]
    fn reindents_and_keeps_the_tokens() {
        let text = br#"{"a":1.50,"b":[true,null,"x\"y"],"c":{},"d":[],"e":{"f":1e3}}"#;
        let shown = json(text, false).unwrap();
        assert_eq!(
            shown,
            "{\n  \"a\": 1.50,\n  \"b\": [\n    true,\n    null,\n    \"x\\\"y\"\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n    \"f\": 1e3\n  }\n}\n"
        );
        assert_eq!(json(b"  42 ", false).unwrap(), "42\n");
        assert!(json(b"{nope}", false).is_none());
    }

    #[test]
    fn colors_keys_apart_from_string_values() {
        let shown = json(br#"{"k":"v"}"#, true).unwrap();
        assert!(shown.contains("\x1b[1;34m\"k\"\x1b[0m: \x1b[32m\"v\"\x1b[0m"), "{shown:?}");
    }
}
