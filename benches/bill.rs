//! Placeholder: the bill benchmark.
fn main() {}
