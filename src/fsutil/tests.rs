//! Tests of fsutil on real temp dirs: atomic private writes, stale temp files, bounded reads,
//! locks, checked replaces.

use super::*;

#[cfg(unix)]
#[test]
fn writes_are_atomic_private_and_create_the_directory() {
    use crate::platform::testing::{mode_at as mode, set_mode_at};
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("sso").join("cache");
    let path = cache.join("a.json");
    write_private(&path, b"{\"x\": 1}").unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&cache), 0o700);
    assert_eq!(mode(&dir.path().join("sso")), 0o700);
    // Replacing keeps 0600 even when the old file was more open, and leaves no temp files.
    set_mode_at(&path, 0o644);
    write_private(&path, b"{}").unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
    let names: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["a.json"]);
}

#[test]
fn stale_temp_files_of_ours_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".ssox-abc123.tmp");
    let fresh = dir.path().join(".ssox-def456.tmp");
    let foreign = dir.path().join(".other-abc.tmp");
    for p in [&stale, &fresh, &foreign] {
        std::fs::write(p, "secret").unwrap();
    }
    let old = SystemTime::now() - Duration::from_secs(3600);
    for p in [&stale, &foreign] {
        File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    write_private(&dir.path().join("t.json"), b"{}").unwrap();
    assert!(!stale.exists(), "a stale temp file of ours is removed");
    assert!(fresh.exists(), "a recent one may belong to a running write");
    assert!(foreign.exists(), "other tools' files are never touched");
}

#[test]
fn bounded_reads_refuse_what_is_not_a_small_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f");
    std::fs::write(&f, "hello").unwrap();
    assert_eq!(read_limited(&f, 5, "f").unwrap(), b"hello");
    assert_eq!(
        read_limited(&f, 4, "f").unwrap_err().to_string(),
        "f is larger than 0 MiB; ssox refuses to read it"
    );
    assert_eq!(
        read_limited(dir.path(), 5, "d").unwrap_err().to_string(),
        "d is not a regular file (a directory); point it at a file"
    );
    assert!(read_limited(&dir.path().join("nope"), 5, "n")
        .unwrap_err()
        .is_not_found());
    assert_eq!(read_cache_text(&dir.path().join("nope")).unwrap(), None);
    #[cfg(unix)]
    {
        let e = read_limited(Path::new("/dev/zero"), 5, "/dev/zero").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero is not a regular file (a device); point it at a file"
        );
        let fifo = dir.path().join("fifo");
        crate::platform::testing::make_fifo(&fifo);
        let e = read_limited(&fifo, 5, "fifo").unwrap_err();
        assert_eq!(
            e.to_string(),
            "fifo is not a regular file (a FIFO); point it at a file"
        );
        // Through a symlink, the target is what counts.
        let link = dir.path().join("link");
        crate::platform::testing::symlink(&f, &link);
        assert_eq!(read_limited(&link, 5, "link").unwrap(), b"hello");
    }
}

#[test]
fn lock_is_exclusive_and_removed_when_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locks").join("abc.lock");
    let held = Lock::acquire(&path, || panic!("nobody holds it yet")).unwrap();
    assert!(path.exists());
    let (tx, rx) = std::sync::mpsc::channel();
    let p2 = path.clone();
    let waiter = std::thread::spawn(move || {
        let _l = Lock::acquire(&p2, || tx.send(()).unwrap()).unwrap();
        assert!(
            p2.exists(),
            "the waiter holds a lock on the file at the path"
        );
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the second locker must wait");
    drop(held);
    waiter.join().unwrap();
    assert!(!path.exists(), "released locks leave no file behind");
}

#[test]
fn a_bounded_lock_gives_up_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locks").join("b.lock");
    let soon = || std::time::Instant::now() + Duration::from_millis(100);
    let held = Lock::acquire_until(&path, soon(), || panic!("free"))
        .unwrap()
        .unwrap();
    let mut waited = false;
    let started = std::time::Instant::now();
    assert!(Lock::acquire_until(&path, soon(), || waited = true)
        .unwrap()
        .is_none());
    assert!(waited);
    assert!(started.elapsed() >= Duration::from_millis(100));
    drop(held);
    assert!(!path.exists());
    let again = Lock::acquire_until(&path, soon(), || panic!("free again")).unwrap();
    assert!(again.is_some() && path.exists());
}

#[cfg(unix)]
#[test]
fn lock_never_follows_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("victim");
    std::fs::write(&target, "keep").unwrap();
    let path = dir.path().join("x.lock");
    crate::platform::testing::symlink(&target, &path);
    let e = Lock::acquire(&path, || {}).err().unwrap();
    assert!(format!("{e:#}").contains("is it a symlink?"), "{e:#}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
}

fn settled(path: &Path) -> Option<Settled> {
    read_settled(path, 1 << 20, "f", || panic!("nobody writes it")).unwrap()
}

#[test]
fn a_checked_replace_writes_only_over_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let keep = Keep {
        mode: 0o600,
        owner: None,
    };
    let changed = "f changed while ssox was working on it (another program wrote it); nothing \
                   was written: run the command again";
    // A file created since it was found missing is not replaced.
    assert_eq!(settled(&path), None);
    std::fs::write(&path, "theirs").unwrap();
    let e = replace_checked(&path, b"ours", &keep, None, 1 << 20, "f").unwrap_err();
    assert_eq!(e.to_string(), changed);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "theirs");
    // Same bytes, but another file (replaced by a rename): not replaced either.
    let read = settled(&path).unwrap();
    assert_eq!(read.bytes, b"theirs");
    std::fs::write(dir.path().join("new"), "theirs").unwrap();
    std::fs::rename(dir.path().join("new"), &path).unwrap();
    let e = replace_checked(&path, b"ours", &keep, Some(&read), 1 << 20, "f").unwrap_err();
    assert_eq!(e.to_string(), changed);
    // Unchanged: replaced.
    let read = settled(&path).unwrap();
    replace_checked(&path, b"ours", &keep, Some(&read), 1 << 20, "f").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "ours");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["config"], "no temp file is left");
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_open_for_writing_elsewhere_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, "half").unwrap();
    let read = settled(&path).unwrap();
    // Another process's writer: a lease counts open files, whoever holds them.
    let writer = File::options().append(true).open(&path).unwrap();
    let keep = Keep {
        mode: 0o600,
        owner: None,
    };
    let e = replace_checked(&path, b"ours", &keep, Some(&read), 1 << 20, "f").unwrap_err();
    assert_eq!(
        e.to_string(),
        "another program is writing f (it has the file open for writing); nothing was written: \
         run the command again once it has finished"
    );
    drop(writer);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "half");
}
