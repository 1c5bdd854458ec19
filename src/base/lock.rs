//! Waiting for an advisory file lock: the store's, and a declaration's while `reply` edits it.

use std::fs::{File, TryLockError};
use std::io;
use std::time::{Duration, Instant};

/// How often a held lock is tried again.
const POLL: Duration = Duration::from_millis(50);

/// Takes an exclusive lock on `file`, trying again until `wait` has passed: `Ok(true)` when taken,
/// `Ok(false)` when another process still holds it. A wait too long for the clock is a wait without end.
pub fn lock_within(file: &File, wait: Duration) -> io::Result<bool> {
    let deadline = Instant::now().checked_add(wait);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(true),
            Err(TryLockError::WouldBlock) if deadline.is_none_or(|d| Instant::now() < d) => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => return Ok(false),
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_waited_for_then_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l");
        let a = File::create(&path).unwrap();
        let b = File::options().write(true).open(&path).unwrap();
        assert!(lock_within(&a, Duration::ZERO).unwrap());
        assert!(!lock_within(&b, Duration::from_millis(120)).unwrap());
        drop(a);
        assert!(lock_within(&b, Duration::ZERO).unwrap());
    }
}
