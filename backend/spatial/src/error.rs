/// Misuse of the change map and clustering entry points.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpatialError {
    /// Two inputs that must describe the same cells differ in length.
    #[error("{what} has {got} entries but {expected} were expected")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A parameter outside its range (the message says which and why).
    #[error("{0}")]
    InvalidParameter(String),
}
