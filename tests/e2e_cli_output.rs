//! What the `hotspot` command prints and how it ends, with the real binary:
//! output into a closed pipe, import reports and exit statuses, `--help`.

mod support;

use std::process::{Command, Stdio};

use support::binary;

/// `hotspot … | head` must not panic when `head` has gone: the command ends
/// as Unix tools do, by SIGPIPE, with nothing on stderr.
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;

    // A pipe whose read end is closed before the child starts, so the very
    // first write fails (no race with a reader that might read first).
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills both descriptors, which are then owned here.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read_end);
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(binary())
        .arg("--db")
        .arg(format!("sqlite:{}", dir.path().join("x.db").display()))
        .arg("groups")
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
}
