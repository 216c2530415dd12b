//! Scenario sources: the layers of a scenario (a file and the files it is based
//! on through `base = "..."`), their merge, and the mapping from a key path or a
//! byte offset back to a file, line and column for error messages.
//! Reading files is left to the caller through [`ReadSource`]: the core never
//! touches the file system.

use std::path::{Component, Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::error::{Location, ScenarioError};

/// How the caller hands scenario text to the core.
pub trait ReadSource {
    fn read(&self, path: &Path) -> std::io::Result<String>;

    /// A data file (a sweep's sample matrix), which may be larger than a
    /// scenario: the caller may bound it differently.
    fn read_data(&self, path: &Path) -> std::io::Result<String> {
        self.read(path)
    }
}

impl<F: Fn(&Path) -> std::io::Result<String>> ReadSource for F {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self(path)
    }
}

/// One file of a scenario: its name as shown to the user, its text, and its table.
#[derive(Clone, Debug)]
pub struct Layer {
    pub name: String,
    pub text: String,
    pub table: toml::Table,
}

/// How deep `base` chains may go before we call it a mistake.
const MAX_BASE_DEPTH: usize = 16;

impl Layer {
    /// Parse one layer from text; `name` is what errors call the file.
    pub fn parse(name: &str, text: String) -> Result<Layer, ScenarioError> {
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut message = super::error::plain_types(&first_line(e.message()));
            // The parser says only "duplicate key"; its span is the key.
            if message == "duplicate key"
                && let Some(key) = text.get(span.clone()).filter(|k| !k.is_empty())
            {
                message = format!("duplicate key `{}`: allowed each key once in a table (and each table header once)", key.trim());
            }
            ScenarioError::Syntax { at: locate_offset(name, &text, span.start), message }
        })?;
        Ok(Layer { name: name.to_string(), text, table })
    }

    /// The layer of one `--set KEY=VALUE` argument of the command line: a
    /// dotted key and a TOML value (`amnesty.offer=false`,
    /// `factions.isis.budget_usd=800`, `prisoners.policy="due_process"`; a
    /// bare word is taken as a string, `prisoners.policy=due_process`).
    /// Errors, here and when the scenario is checked, are located at the
    /// argument (`--set KEY=VALUE`) and name the key.
    pub fn set(arg: &str) -> Result<Layer, ScenarioError> {
        let name = format!("--set {arg}");
        let at = Location { file: name.clone(), line: 1, column: 1 };
        let Some((key, value)) = arg.split_once('=') else {
            return Err(ScenarioError::Invalid {
                at,
                key: arg.trim().to_string(),
                message: "no value: allowed KEY=VALUE, a dotted key and a TOML value, e.g. --set amnesty.offer=false".into(),
            });
        };
        let (key, value) = (key.trim(), value.trim());
        let plain = |seg: &str| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !key.split('.').all(plain) {
            return Err(ScenarioError::Invalid {
                at,
                key: key.to_string(),
                message: "not a dotted key: allowed the keys `resist params` lists, e.g. amnesty.offer or factions.isis.budget_per_day".into(),
            });
        }
        if key == "base" {
            return Err(ScenarioError::Invalid {
                at,
                key: key.into(),
                message: "a scenario's base cannot be set on the command line: allowed the keys `resist params` lists".into(),
            });
        }
        let word = |v: &str| v.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && plain(v) && !["true", "false", "inf", "nan"].contains(&v);
        let value = if word(value) { format!("\"{value}\"") } else { value.to_string() };
        let text = format!("{key} = {value}\n");
        Layer::parse(&name, text).map_err(|e| match e {
            ScenarioError::Syntax { at, message } => ScenarioError::Invalid {
                at,
                key: key.into(),
                message: format!("the value is not TOML ({message}): allowed a number, true or false, or a \"string\""),
            },
            e => e,
        })
    }

    /// A typed parse's error (a wrong type, an unknown key) in this layer's
    /// words: located, naming the key where the span falls in one, with
    /// serde's Rust type names replaced.
    pub fn type_error(&self, e: &toml::de::Error) -> ScenarioError {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let at = locate_offset(&self.name, &self.text, offset);
        let message = super::error::plain_types(e.message().lines().next().unwrap_or("").trim());
        match self.key_at(offset) {
            Some(key) => ScenarioError::Invalid { at, key, message },
            None => ScenarioError::Syntax { at, message },
        }
    }

    /// The location of a key path in this layer, if the layer sets it; the
    /// nearest enclosing table that it sets otherwise (with `false`).
    pub fn find(&self, path: &[&str]) -> Option<(Location, bool)> {
        let doc = DeTable::parse(&self.text).ok()?;
        let mut table = doc.get_ref();
        let mut best: Option<usize> = None;
        for (i, seg) in path.iter().enumerate() {
            let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *seg) else {
                break;
            };
            let last = i + 1 == path.len();
            if last {
                return Some((locate_offset(&self.name, &self.text, key.span().start), true));
            }
            best = Some(key.span().start);
            match value.get_ref() {
                DeValue::Table(t) => table = t,
                _ => break,
            }
        }
        best.map(|o| (locate_offset(&self.name, &self.text, o), false))
    }

    /// The dotted key path whose entry encloses a byte offset (for parse errors
    /// that carry only a span); an entry of an array of tables is named by its
    /// index, as `parameters[1].steps`.
    pub fn key_at(&self, offset: usize) -> Option<String> {
        let doc = DeTable::parse(&self.text).ok()?;
        let mut path = String::new();
        let mut table = doc.get_ref();
        'outer: loop {
            for (k, v) in table.iter() {
                if !encloses(k.span(), v, offset) {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k.get_ref());
                match v.get_ref() {
                    DeValue::Table(t) => {
                        table = t;
                        continue 'outer;
                    }
                    DeValue::Array(items) => {
                        let found = items.iter().enumerate().find_map(|(i, item)| match item.get_ref() {
                            DeValue::Table(t) if t.iter().any(|(k, v)| encloses(k.span(), v, offset)) => Some((i, t)),
                            _ => None,
                        });
                        match found {
                            Some((i, t)) => {
                                path.push_str(&format!("[{i}]"));
                                table = t;
                                continue 'outer;
                            }
                            None => break 'outer,
                        }
                    }
                    _ => break 'outer,
                }
            }
            break;
        }
        (!path.is_empty()).then_some(path)
    }
}

/// Whether an entry (its key, its value, or for a table any entry below it,
/// which a `[a.b.c]` header places far from the key) covers `offset`.
fn encloses(key: std::ops::Range<usize>, value: &toml::Spanned<DeValue>, offset: usize) -> bool {
    let own = (key.start..=value.span().end.max(key.end)).contains(&offset);
    own || match value.get_ref() {
        DeValue::Table(t) => t.iter().any(|(k, v)| encloses(k.span(), v, offset)),
        DeValue::Array(items) => items.iter().any(|item| match item.get_ref() {
            DeValue::Table(t) => t.iter().any(|(k, v)| encloses(k.span(), v, offset)),
            _ => false,
        }),
        _ => false,
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// 1-based line and column of a byte offset (columns count characters).
pub fn locate_offset(name: &str, text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    Location { file: name.to_string(), line, column }
}

/// Join a relative `base` path to the directory of the file that names it,
/// lexically (no file-system access).
fn join_lexically(dir: &Path, rel: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in dir.join(rel).components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A scenario's layers, the file named by the user first, then its bases.
#[derive(Clone, Debug)]
pub struct Sources {
    pub layers: Vec<Layer>,
}

impl Sources {
    /// Read a scenario file and, through `base`, the files it builds on.
    pub fn load(path: &Path, reader: &dyn ReadSource) -> Result<Sources, ScenarioError> {
        let mut layers: Vec<Layer> = Vec::new();
        // The next file to read, and where the file before it names it.
        let mut next: Option<(PathBuf, Option<Location>)> = Some((path.to_path_buf(), None));
        let mut seen: Vec<PathBuf> = Vec::new();
        while let Some((p, named_at)) = next.take() {
            let text = reader.read(&p).map_err(|cause| match named_at {
                Some(at) => ScenarioError::Referred { at, key: "base".into(), path: p.clone(), cause },
                None => ScenarioError::Read { path: p.clone(), what: "scenario file", cause },
            })?;
            let layer = Layer::parse(&p.display().to_string(), text)?;
            seen.push(p.clone());
            if let Some(base) = layer.table.get("base") {
                let at = layer.find(&["base"]).map(|(l, _)| l).unwrap_or_else(|| locate_offset(&layer.name, &layer.text, 0));
                let Some(rel) = base.as_str() else {
                    return Err(ScenarioError::Base { at, message: "must be a string: the path of another scenario file, relative to this one".into() });
                };
                let dir = p.parent().unwrap_or(Path::new(""));
                let target = join_lexically(dir, Path::new(rel));
                if seen.contains(&target) {
                    return Err(ScenarioError::Base { at, message: format!("\"{rel}\" leads back to a file already in the chain (a cycle)") });
                }
                if seen.len() >= MAX_BASE_DEPTH {
                    return Err(ScenarioError::Base { at, message: format!("chains of `base` may be at most {MAX_BASE_DEPTH} files deep") });
                }
                next = Some((target, Some(at)));
            }
            layers.push(layer);
        }
        Ok(Sources { layers })
    }

    /// One layer from text with no file behind it (a manifest's resolved scenario).
    pub fn from_text(name: &str, text: String) -> Result<Sources, ScenarioError> {
        let layer = Layer::parse(name, text)?;
        if layer.table.contains_key("base") {
            let at = layer.find(&["base"]).map(|(l, _)| l).unwrap_or_else(|| locate_offset(name, &layer.text, 0));
            return Err(ScenarioError::Base { at, message: "a scenario given as text cannot name a base file".into() });
        }
        Ok(Sources { layers: vec![layer] })
    }

    /// The bases merged under their overrides: tables merge key by key, any
    /// other value (arrays included) is replaced whole.
    pub fn merged(&self) -> toml::Table {
        let mut out = toml::Table::new();
        for layer in self.layers.iter().rev() {
            merge_into(&mut out, &layer.table);
        }
        out.remove("base");
        out
    }

    /// Where a key path is set: the first layer (from the user's file down)
    /// that sets it, else the nearest enclosing table, else the user's file.
    pub fn locate(&self, path: &[&str]) -> Location {
        let mut fallback = None;
        for layer in &self.layers {
            match layer.find(path) {
                Some((loc, true)) => return loc,
                Some((loc, false)) if fallback.is_none() => fallback = Some(loc),
                _ => {}
            }
        }
        fallback.unwrap_or_else(|| {
            let top = &self.layers[0];
            locate_offset(&top.name, &top.text, 0)
        })
    }
}

fn merge_into(out: &mut toml::Table, over: &toml::Table) {
    for (k, v) in over {
        match (out.get_mut(k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge_into(a, b),
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let t = "a = 1\n[b]\n  c = 2\n";
        let l = locate_offset("f", t, t.find('c').unwrap());
        assert_eq!((l.line, l.column), (3, 3));
    }

    #[test]
    fn key_paths_are_found_in_tables_and_dotted_keys() {
        let layer = Layer::parse("f", "x = 1\n[net]\ndeg = 3\n[pop]\npeople = 10\n".into()).unwrap();
        let (loc, exact) = layer.find(&["pop", "people"]).unwrap();
        assert!(exact);
        assert_eq!(loc.line, 5);
        let (loc, exact) = layer.find(&["net", "missing"]).unwrap();
        assert!(!exact);
        assert_eq!(loc.line, 2);
        assert_eq!(layer.key_at(layer.text.find("10").unwrap()).as_deref(), Some("pop.people"));
    }

    #[test]
    fn bases_merge_under_overrides() {
        let base = Layer::parse("b", "days = 10\n[pop]\npeople = 5\nshare = 0.5\n".into()).unwrap();
        let top = Layer::parse("t", "base = \"b\"\n[pop]\npeople = 7\n".into()).unwrap();
        let s = Sources { layers: vec![top, base] };
        let m = s.merged();
        assert_eq!(m["days"].as_integer(), Some(10));
        assert_eq!(m["pop"]["people"].as_integer(), Some(7));
        assert_eq!(m["pop"]["share"].as_float(), Some(0.5));
        assert!(!m.contains_key("base"));
        assert_eq!(s.locate(&["pop", "share"]).file, "b");
        assert_eq!(s.locate(&["pop", "people"]).file, "t");
    }

    #[test]
    fn base_paths_join_lexically() {
        assert_eq!(join_lexically(Path::new("scenarios/cf"), Path::new("../atarib.toml")), PathBuf::from("scenarios/atarib.toml"));
    }
}
