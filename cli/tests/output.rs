//! The binary's output edge: a reader that stops early is not an error (issue 11, point 12:
//! `slamail … | head` panicked on the broken pipe).

use std::process::{Command, Stdio};

#[test]
fn a_closed_pipe_is_not_a_panic() {
    for args in [
        ["policy", "show", "activestate"],
        ["policy", "show", "scalr"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_slamail"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("slamail runs");
        // Close the read end before the output is written, as `head` does once it has enough.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("slamail exits");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
