//! Documentation generated from the code stays current.
#![allow(clippy::disallowed_methods)]

mod common;

#[test]
fn scenario_reference_is_current() {
    let on_disk = std::fs::read_to_string(common::root().join("docs/scenario-reference.md")).unwrap();
    assert!(
        on_disk == resist::scenario::reference_markdown(),
        "docs/scenario-reference.md is stale: run `cargo run --release -- params --markdown > docs/scenario-reference.md`"
    );
}

#[test]
fn every_parameter_has_a_meaning_and_every_number_a_unit_and_source() {
    for d in resist::scenario::reference() {
        assert!(!d.doc.is_empty(), "{} has no meaning", d.key);
        if d.kind == "real" || d.kind == "integer" {
            let seed_like = d.key == "seed";
            assert!(seed_like || !d.unit.is_empty(), "{} has no unit", d.key);
            assert!(seed_like || !d.source.is_empty(), "{} has no source", d.key);
        }
    }
}
