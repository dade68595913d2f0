//! The platform seam holds: no file under `src/` outside `src/platform/` names an OS API
//! (`libc`, `rustix`, `windows-sys`, `std::os::unix`, `std::os::fd`, `std::os::windows`). A new
//! OS call belongs in `src/platform/{unix,windows}` behind one function for both.

use std::path::{Path, PathBuf};

const OS_NAMES: [&str; 6] = [
    "std::os::unix",
    "std::os::fd",
    "std::os::windows",
    "libc::",
    "rustix::",
    "windows_sys",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_src_platform_names_os_apis() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let platform = src.join("platform");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&platform)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(name) = OS_NAMES.iter().find(|name| line.contains(*name)) {
                let shown = file.strip_prefix(&src).unwrap().display();
                found.push(format!("src/{shown}:{}: {name}", n + 1));
            }
        }
    }
    assert!(files.len() > 50, "src/ has {} Rust files?", files.len());
    assert_eq!(found, Vec::<String>::new(), "move these into src/platform/");
    // And the seam is there, with both sides.
    for side in ["unix/mod.rs", "windows/mod.rs"] {
        assert!(platform.join(side).is_file(), "src/platform/{side}");
    }
}
