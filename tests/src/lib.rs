//! End-to-end tests live in tests/*.rs; they start the real `hotspot` binary.
