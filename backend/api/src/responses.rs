//! Response bodies (filled in below).
