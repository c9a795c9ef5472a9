//! The shape of the workspace's source, checked from the files themselves:
//!
//! - no import cycle between the source files of a crate: its modules form a
//!   tree, and a file's imports (`use crate::…`, `use super::…`, `use self::…`
//!   and `crate::…`/`super::…`/`self::…` paths in code) may point up or across
//!   but never round in a circle. A parent module importing its own
//!   descendants is the tree itself and does not count; a child importing its
//!   parent does.
//! - no function longer than [`MAX_FN_LINES`] lines in the library crates,
//!   unless a comment above it (among its attributes and doc comments) says
//!   `long: <why>`, e.g. `// long: one flat token template`. Tests (`#[test]`
//!   functions, `#[cfg(test)]` modules) are scenarios and may run longer.
//!
//! The sources are read with a small Rust lexer below (comments, strings,
//! raw strings, chars and lifetimes), so that macro bodies count too and the
//! check needs no parser. `generated/` is emitted code and is not checked.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The longest function a library crate may have without a `long:` reason.
const MAX_FN_LINES: usize = 80;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is in the workspace")
        .to_path_buf()
}

// ---------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
    Open(char),
    Close(char),
    /// Strings, chars and numbers: their text does not matter here.
    Literal,
    Lifetime,
    Comment(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
    line: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn bump(&mut self) {
        if self.peek(0) == Some('\n') {
            self.line += 1;
        }
        self.at += 1;
    }

    fn text(&self, from: usize) -> String {
        self.chars[from..self.at].iter().collect()
    }

    /// A `"…"` string from its opening quote, escapes included.
    fn string(&mut self) {
        self.bump();
        while let Some(c) = self.peek(0) {
            self.bump();
            match c {
                '\\' => self.bump(),
                '"' => return,
                _ => {}
            }
        }
    }

    /// A raw string whose `r` is `r` chars ahead: `r"…"`, `r#"…"#`, `br"…"`,
    /// …; false (nothing consumed) when it is none (`r#type`, `br`).
    fn raw_string(&mut self, r: usize) -> bool {
        let hashes = (r + 1..).take_while(|&n| self.peek(n) == Some('#')).count();
        if self.peek(r) != Some('r') || self.peek(r + 1 + hashes) != Some('"') {
            return false;
        }
        for _ in 0..r + hashes + 2 {
            self.bump();
        }
        while self.peek(0).is_some() {
            if self.peek(0) == Some('"') && (1..=hashes).all(|n| self.peek(n) == Some('#')) {
                for _ in 0..=hashes {
                    self.bump();
                }
                return true;
            }
            self.bump();
        }
        true
    }

    /// `'x'`, `'\n'` (a char) or `'a` (a lifetime or label), from the quote.
    fn quote(&mut self) -> Tok {
        if self.peek(1) == Some('\\') || self.peek(2) == Some('\'') {
            self.bump();
            while let Some(c) = self.peek(0) {
                self.bump();
                match c {
                    '\\' => self.bump(),
                    '\'' => break,
                    _ => {}
                }
            }
            Tok::Literal
        } else {
            self.bump();
            while self
                .peek(0)
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                self.bump();
            }
            Tok::Lifetime
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                depth += 1;
                self.bump();
            } else if c == '*' && self.peek(1) == Some('/') {
                depth -= 1;
                self.bump();
                if depth == 0 {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    fn next(&mut self) -> Option<Token> {
        while self.peek(0).is_some_and(char::is_whitespace) {
            self.bump();
        }
        let (c, line, from) = (self.peek(0)?, self.line, self.at);
        let tok = match c {
            '/' if self.peek(1) == Some('/') => {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.bump();
                }
                Tok::Comment(self.text(from))
            }
            '/' if self.peek(1) == Some('*') => {
                self.block_comment();
                Tok::Comment(self.text(from))
            }
            '"' => {
                self.string();
                Tok::Literal
            }
            '\'' => self.quote(),
            'r' if self.raw_string(0) => Tok::Literal,
            'b' | 'c' if self.raw_string(1) => Tok::Literal,
            'b' | 'c' if self.peek(1) == Some('"') => {
                self.bump();
                self.string();
                Tok::Literal
            }
            'b' if self.peek(1) == Some('\'') => {
                self.bump();
                self.quote()
            }
            c if c.is_alphanumeric() || c == '_' => {
                while self
                    .peek(0)
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    self.bump();
                }
                if c.is_ascii_digit() {
                    Tok::Literal
                } else {
                    Tok::Ident(self.text(from))
                }
            }
            ':' if self.peek(1) == Some(':') => {
                self.bump();
                self.bump();
                Tok::PathSep
            }
            '(' | '[' | '{' => {
                self.bump();
                Tok::Open(c)
            }
            ')' | ']' | '}' => {
                self.bump();
                Tok::Close(c)
            }
            _ => {
                self.bump();
                Tok::Punct(c)
            }
        };
        Some(Token { tok, line })
    }
}

fn lex(source: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        at: 0,
        line: 1,
    };
    std::iter::from_fn(|| lexer.next()).collect()
}

fn is_ident(token: Option<&Token>, name: &str) -> bool {
    matches!(token, Some(Token { tok: Tok::Ident(i), .. }) if i == name)
}

fn ident(token: Option<&Token>) -> Option<&str> {
    match token {
        Some(Token {
            tok: Tok::Ident(i), ..
        }) => Some(i),
        _ => None,
    }
}

/// The index of the token that closes the group opened at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len() - 1
}

// ---------------------------------------------------------------------------
// Source files and their modules

struct SourceFile {
    /// Relative to the workspace, for messages.
    name: String,
    /// Its module in its crate (`emit::structs`); empty for the crate root.
    module: Vec<String>,
    tokens: Vec<Token>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crates of one package's `src`: the library (every file but `main.rs`
/// and `bin/`, at the module its place names: modules declared by macros
/// count too) and each binary, a file of its own.
fn crates_of(package: &str) -> Vec<Vec<SourceFile>> {
    let root = workspace();
    let src = root.join(package).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths.sort();
    let load = |path: &Path, module: Vec<String>| SourceFile {
        name: path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string(),
        module,
        tokens: lex(&std::fs::read_to_string(path).expect("a readable source file")),
    };
    let mut library = Vec::new();
    let mut crates = Vec::new();
    for path in &paths {
        let relative = path.strip_prefix(&src).expect("under src");
        let parts: Vec<String> = relative
            .with_extension("")
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts == ["main"] || parts[0] == "bin" {
            crates.push(vec![load(path, Vec::new())]);
            continue;
        }
        let module = match parts.last().map(String::as_str) {
            Some("lib") if parts.len() == 1 => Vec::new(),
            Some("mod") => parts[..parts.len() - 1].to_vec(),
            _ => parts,
        };
        library.push(load(path, module));
    }
    if !library.is_empty() {
        crates.insert(0, library);
    }
    crates
}

/// What one file says about modules, in the token order.
#[derive(Default)]
struct FileFacts {
    /// Inline modules (`mod tests { … }`), relative to the file's module.
    inline: Vec<Vec<String>>,
    /// Each path into the crate: the inline module it is written in, the
    /// path, its line.
    paths: Vec<(Vec<String>, Vec<String>, usize)>,
}

/// Expands a `use` tree from `at` (after `use`) into its paths; returns the
/// index after it.
fn use_tree(
    tokens: &[Token],
    mut at: usize,
    prefix: &[String],
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(at).map(|t| &t.tok) {
            Some(Tok::Ident(name)) if name != "as" => {
                path.push(name.clone());
                at += 1;
            }
            Some(Tok::PathSep) => at += 1,
            Some(Tok::Open('{')) => {
                let end = closing(tokens, at);
                at += 1;
                while at < end {
                    at = use_tree(tokens, at, &path, out);
                    if matches!(tokens.get(at).map(|t| &t.tok), Some(Tok::Punct(','))) {
                        at += 1;
                    }
                }
                return end + 1;
            }
            Some(Tok::Punct('*')) => at += 1,
            Some(Tok::Ident(_)) => at += 2, // `as name`
            _ => {
                if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
                    path.pop();
                }
                out.push(path);
                return at;
            }
        }
    }
}

fn facts(tokens: &[Token]) -> FileFacts {
    let mut facts = FileFacts::default();
    // Open inline modules: their path and the index of their closing brace.
    let mut open: Vec<(Vec<String>, usize)> = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        while open.last().is_some_and(|(_, end)| *end < at) {
            open.pop();
        }
        let here = open.last().map(|(m, _)| m.clone()).unwrap_or_default();
        let token = &tokens[at];
        match &token.tok {
            Tok::Ident(kw) if kw == "mod" => {
                if let (Some(name), Some(Tok::Open('{'))) = (
                    ident(tokens.get(at + 1)),
                    tokens.get(at + 2).map(|t| &t.tok),
                ) {
                    let mut module = here.clone();
                    module.push(name.to_string());
                    facts.inline.push(module.clone());
                    open.push((module, closing(tokens, at + 2)));
                    at += 3;
                    continue;
                }
            }
            Tok::Ident(kw) if kw == "use" => {
                let mut paths = Vec::new();
                let end = use_tree(tokens, at + 1, &[], &mut paths);
                for path in paths {
                    if matches!(
                        path.first().map(String::as_str),
                        Some("crate" | "super" | "self")
                    ) {
                        facts.paths.push((here.clone(), path, token.line));
                    }
                }
                at = end.max(at + 1);
                continue;
            }
            Tok::Ident(start)
                if matches!(start.as_str(), "crate" | "super" | "self")
                    && matches!(tokens.get(at + 1).map(|t| &t.tok), Some(Tok::PathSep))
                    // `$crate::` in macros, `pub(in crate::x)`.
                    && !matches!(
                        at.checked_sub(1).map(|p| &tokens[p].tok),
                        Some(Tok::Punct('$') | Tok::PathSep)
                    )
                    && !is_ident(at.checked_sub(1).map(|p| &tokens[p]), "in") =>
            {
                let mut path = vec![start.clone()];
                let mut next = at + 1;
                while matches!(tokens.get(next).map(|t| &t.tok), Some(Tok::PathSep)) {
                    let Some(segment) = ident(tokens.get(next + 1)) else {
                        break;
                    };
                    path.push(segment.to_string());
                    next += 2;
                }
                facts.paths.push((here, path, token.line));
                at = next;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    facts
}

/// An import of one file by another: the path as written and its line.
struct Edge {
    path: String,
    line: usize,
}

/// The files of a crate and the imports between them that are not the tree
/// itself: `from → to → one import`.
fn import_graph(files: &[SourceFile]) -> BTreeMap<usize, BTreeMap<usize, Edge>> {
    let all_facts: Vec<FileFacts> = files.iter().map(|f| facts(&f.tokens)).collect();
    // Every module, file or inline, and the file that holds it.
    let mut modules: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        modules.insert(file.module.clone(), i);
        for inline in &all_facts[i].inline {
            modules.insert([file.module.clone(), inline.clone()].concat(), i);
        }
    }
    let mut graph: BTreeMap<usize, BTreeMap<usize, Edge>> = BTreeMap::new();
    for (from, file) in files.iter().enumerate() {
        for (inline, path, line) in &all_facts[from].paths {
            let here = [file.module.clone(), inline.clone()].concat();
            let absolute: Vec<String> = match path[0].as_str() {
                "crate" => path[1..].to_vec(),
                "self" => [here, path[1..].to_vec()].concat(),
                _ => {
                    let ups = path.iter().take_while(|s| *s == "super").count();
                    let base = &here[..here.len().saturating_sub(ups)];
                    [base.to_vec(), path[ups..].to_vec()].concat()
                }
            };
            let to = (0..=absolute.len())
                .rev()
                .find_map(|n| modules.get(&absolute[..n]))
                .copied();
            let Some(to) = to else { continue };
            let target = &files[to].module;
            // The file itself, or a parent reaching down its own tree.
            let descendant = target.len() > file.module.len() && target.starts_with(&file.module);
            if to == from || descendant {
                continue;
            }
            graph.entry(from).or_default().entry(to).or_insert(Edge {
                path: path.join("::"),
                line: *line,
            });
        }
    }
    graph
}

/// The strongly connected components of more than one file (Tarjan).
fn knots(count: usize, graph: &BTreeMap<usize, BTreeMap<usize, Edge>>) -> Vec<Vec<usize>> {
    struct State<'a> {
        graph: &'a BTreeMap<usize, BTreeMap<usize, Edge>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s
            .graph
            .get(&v)
            .map(|t| t.keys().copied().collect())
            .unwrap_or_default();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: vec![None; count],
        low: vec![0; count],
        stack: Vec::new(),
        on_stack: vec![false; count],
        next: 0,
        out: Vec::new(),
    };
    for v in 0..count {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.out.sort();
    state.out
}

/// A shortest cycle through `start` inside `component`.
fn cycle_through(
    start: usize,
    component: &BTreeSet<usize>,
    graph: &BTreeMap<usize, BTreeMap<usize, Edge>>,
) -> Vec<usize> {
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in graph.get(&v).map(|t| t.keys()).into_iter().flatten() {
            if !component.contains(&w) {
                continue;
            }
            if w == start {
                let mut cycle = vec![v];
                while let Some(&p) = previous.get(cycle.last().unwrap_or(&start)) {
                    cycle.push(p);
                }
                cycle.reverse();
                cycle.push(start);
                return cycle;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = previous.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

/// Each import cycle of the package's crates, described; empty when none.
fn import_cycles(package: &str) -> Vec<String> {
    let mut found = Vec::new();
    for files in crates_of(package) {
        let graph = import_graph(&files);
        for component in knots(files.len(), &graph) {
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let cycle = cycle_through(component[0], &members, &graph);
            let mut text = format!(
                "import cycle among {} files: {}\n  e.g. {}\n  imports inside it:",
                component.len(),
                component
                    .iter()
                    .map(|&f| files[f].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                cycle
                    .iter()
                    .map(|&f| files[f].name.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> "),
            );
            for &from in &component {
                for (to, edge) in graph.get(&from).into_iter().flatten() {
                    if members.contains(to) {
                        let _ = write!(
                            text,
                            "\n    {}:{} `{}` -> {}",
                            files[from].name, edge.line, edge.path, files[*to].name
                        );
                    }
                }
            }
            found.push(text);
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Function lengths

/// What stands before an item: its comments, attributes and qualifiers.
#[derive(Debug, Default, PartialEq)]
struct Prelude {
    /// A comment says `long:` and why.
    long_reason: bool,
    /// `#[test]`, `#[tokio::test]`, `#[cfg(test)]`: test code.
    test: bool,
}

/// The prelude of the item whose keyword (`fn`, `mod`) is at `at`.
fn prelude(tokens: &[Token], at: usize) -> Prelude {
    let mut found = Prelude::default();
    let mut i = at;
    while i > 0 {
        i -= 1;
        match &tokens[i].tok {
            Tok::Comment(text) => found.long_reason |= text.contains("long:"),
            Tok::Ident(q)
                if matches!(
                    q.as_str(),
                    "pub"
                        | "crate"
                        | "super"
                        | "self"
                        | "in"
                        | "async"
                        | "const"
                        | "unsafe"
                        | "extern"
                        | "default"
                ) => {}
            Tok::Literal | Tok::Open('(') | Tok::Close(')') => {}
            // An attribute: back to its `#`.
            Tok::Close(']') => {
                let end = i;
                let mut depth = 0;
                while i > 0 {
                    match tokens[i].tok {
                        Tok::Close(_) => depth += 1,
                        Tok::Open(_) => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    i -= 1;
                }
                let names: Vec<&str> = tokens[i..end]
                    .iter()
                    .filter_map(|t| ident(Some(t)))
                    .collect();
                found.test |= names.contains(&"test") && !names.contains(&"not");
                while i > 0 && matches!(tokens[i - 1].tok, Tok::Punct('#' | '!')) {
                    i -= 1;
                }
            }
            _ => break,
        }
    }
    found
}

/// The token ranges of the file's test modules (`#[cfg(test)] mod tests { … }`).
fn test_modules(tokens: &[Token]) -> Vec<std::ops::RangeInclusive<usize>> {
    (0..tokens.len())
        .filter(|&at| {
            is_ident(tokens.get(at), "mod")
                && ident(tokens.get(at + 1)).is_some()
                && tokens.get(at + 2).is_some_and(|t| t.tok == Tok::Open('{'))
                && prelude(tokens, at).test
        })
        .map(|at| at..=closing(tokens, at + 2))
        .collect()
}

/// Every function of the file longer than [`MAX_FN_LINES`] without a reason,
/// tests aside (a scenario reads best in one piece): its name, its first line
/// and its length.
fn long_functions(tokens: &[Token]) -> Vec<(String, usize, usize)> {
    let tests = test_modules(tokens);
    let mut long = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if !matches!(&token.tok, Tok::Ident(kw) if kw == "fn")
            || tests.iter().any(|range| range.contains(&at))
        {
            continue;
        }
        // `fn(…) -> T` is a type; `fn $name` a macro's template.
        let Some(name) = ident(tokens.get(at + 1)) else {
            continue;
        };
        // The body: the first `{` outside the signature's parentheses and
        // brackets; a `;` first means none (a trait's declaration).
        let mut depth = 0usize;
        let mut body = None;
        for (i, t) in tokens.iter().enumerate().skip(at + 2) {
            match t.tok {
                Tok::Open('(' | '[') => depth += 1,
                Tok::Close(')' | ']') => depth = depth.saturating_sub(1),
                Tok::Open('{') if depth == 0 => {
                    body = Some(i);
                    break;
                }
                Tok::Punct(';') if depth == 0 => break,
                _ => {}
            }
        }
        let Some(body) = body else { continue };
        let lines = tokens[closing(tokens, body)].line - token.line + 1;
        let prelude = prelude(tokens, at);
        if lines > MAX_FN_LINES && !prelude.long_reason && !prelude.test {
            long.push((name.to_string(), token.line, lines));
        }
    }
    long
}

/// The functions of a library package's `src` over the limit, described.
fn long_functions_of(package: &str) -> Vec<String> {
    crates_of(package)
        .iter()
        .flatten()
        .flat_map(|file| {
            long_functions(&file.tokens)
                .into_iter()
                .map(move |(name, line, lines)| {
                    format!("{}:{line} fn {name}: {lines} lines", file.name)
                })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The checks

fn assert_no_cycles(package: &str) {
    let cycles = import_cycles(package);
    assert!(
        cycles.is_empty(),
        "{package}: {} import cycle(s); move what the files share into a module \
         they both import:\n{}",
        cycles.len(),
        cycles.join("\n")
    );
}

fn assert_short_functions(package: &str) {
    let long = long_functions_of(package);
    assert!(
        long.is_empty(),
        "{package}: {} function(s) over {MAX_FN_LINES} lines; split them, or say why \
         not in a comment above (`// long: <why>`):\n{}",
        long.len(),
        long.join("\n")
    );
}

#[test]
fn odoo_client_has_no_import_cycle() {
    assert_no_cycles("odoo-client");
}

#[test]
fn odoo_derive_has_no_import_cycle() {
    assert_no_cycles("odoo-derive");
}

#[test]
fn odoo_codegen_has_no_import_cycle() {
    assert_no_cycles("odoo-codegen");
}

#[test]
fn odoo_mcp_has_no_import_cycle() {
    assert_no_cycles("odoo-mcp");
}

#[test]
fn the_tests_crate_has_no_import_cycle() {
    assert_no_cycles("tests");
}

#[test]
fn odoo_client_functions_are_short() {
    assert_short_functions("odoo-client");
}

#[test]
fn odoo_derive_functions_are_short() {
    assert_short_functions("odoo-derive");
}

#[test]
fn odoo_codegen_functions_are_short() {
    assert_short_functions("odoo-codegen");
}

#[test]
fn odoo_mcp_functions_are_short() {
    assert_short_functions("odoo-mcp");
}

// ---------------------------------------------------------------------------
// The checker's own tests

fn module_files(sources: &[(&str, &str)]) -> Vec<SourceFile> {
    sources
        .iter()
        .map(|(module, text)| SourceFile {
            name: format!("{module}.rs"),
            module: module
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            tokens: lex(text),
        })
        .collect()
}

#[test]
fn the_lexer_skips_strings_chars_and_comments() {
    let tokens = lex(
        "fn a<'x>() { let s = r#\"crate::no \"# ; let c = '{'; let b = b'}'; \
         /* crate::no /* nested */ */ x::<'x>(\"}\\\"\") }",
    );
    let idents: Vec<&str> = tokens.iter().filter_map(|t| ident(Some(t))).collect();
    assert_eq!(idents, ["fn", "a", "let", "s", "let", "c", "let", "b", "x"]);
    let body = tokens.iter().position(|t| t.tok == Tok::Open('{'));
    assert_eq!(body.map(|b| closing(&tokens, b)), Some(tokens.len() - 1));
}

#[test]
fn cycles_count_siblings_and_children_importing_parents_not_the_tree() {
    let files = module_files(&[
        ("", "mod a; mod b; use crate::a::X;"),
        ("a", "use crate::b::Y; pub fn f() { super::b::g(); }"),
        (
            "b",
            "use super::a; #[cfg(test)] mod tests { use super::*; }",
        ),
        ("c", "mod d; use self::d::Z;"),
        ("c::d", "fn f() { crate::c::h() }"),
    ]);
    let graph = import_graph(&files);
    let names = |from: usize| -> Vec<usize> {
        graph
            .get(&from)
            .map(|t| t.keys().copied().collect())
            .unwrap_or_default()
    };
    // The root reaches down its tree; `c` down to `c::d`; `tests` is `b` itself.
    assert_eq!(names(0), Vec::<usize>::new());
    assert_eq!(names(1), [2]);
    assert_eq!(names(2), [1]);
    assert_eq!(names(3), Vec::<usize>::new());
    assert_eq!(names(4), [3]);
    assert_eq!(knots(files.len(), &graph), [vec![1, 2]]);
}

#[test]
fn long_functions_need_a_reason() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let text = format!(
        "fn short() {{}}\nfn long() {{\n{body}}}\n// long: one flat template\n#[inline]\npub(crate) fn excused() {{\n{body}}}\ntrait T {{ fn declared(&self); }}\n\
         #[cfg(test)]\nmod tests {{\n#[test]\nfn scenario() {{\n{body}}}\nfn helper() {{\n{body}}}\n}}\n\
         #[tokio::test]\nasync fn scenario() {{\n{body}}}\n"
    );
    let long = long_functions(&lex(&text));
    assert_eq!(long, [("long".to_string(), 2, MAX_FN_LINES + 2)]);
}
