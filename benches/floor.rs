//! The floor for startup benchmarks: a Rust binary that does nothing.
fn main() {}
