//! The output folder as a user trusts it (FORMAT.md section 7): a build never deletes or
//! replaces what it did not write, never writes into the site's sources however the path is
//! spelled, and whatever stops it (an error, Ctrl-C, `kill -9`, a full disk) leaves the old
//! site or the new site whole, never a mix.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file below `dir` except dossier's own record, with its bytes.
fn site_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut s = snapshot(dir);
    s.remove(".dossier-manifest");
    s
}

/// Names in `dir` (one level), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn site_with_sources() -> (Site, BTreeMap<String, Vec<u8>>) {
    let s = Site::copy("basic");
    let sources = snapshot(s.root());
    (s, sources)
}

#[test]
fn dot_dot_and_symlinks_never_reach_the_site() {
    let (s, sources) = site_with_sources();
    let root = s.root().to_str().unwrap();
    let links = tempfile::tempdir().unwrap();
    let link = |name: &str, to: &Path| {
        let l = links.path().join(name);
        std::os::unix::fs::symlink(to, &l).unwrap();
        l.to_str().unwrap().to_string()
    };
    let to_site = link("to-site", s.root());
    let to_parent = link("to-parent", s.root().parent().unwrap());
    let to_static = link("to-static", &s.root().join("static"));
    let cases: Vec<(String, &str)> = vec![
        ("x/../..".into(), "contains the site itself"),
        (format!("{root}/notyet/../content"), "is the site's content/ folder"),
        (format!("{root}/a/b/../../templates/x"), "lies inside the site's sources (templates/)"),
        (to_site.clone(), "is the site itself"),
        (to_parent, "contains the site itself"),
        (format!("{to_site}/public/../.."), "contains the site itself"),
        (format!("{to_static}/sub"), "lies inside the site's sources (static/)"),
    ];
    for (output, reason) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["build", "--root", root, "--output", &output])
            .current_dir(s.root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{output}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("error: --output {}", output_as_given(s.root(), &output))), "{err}");
        assert!(err.contains(reason), "{output}: {err}");
        assert_eq!(snapshot(s.root()), sources, "{output}: the site is untouched");
    }
    // The same from site.toml, pointed at the value.
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &format!("output_dir = \"notyet/../content\"\n{toml}"));
    for cmd in ["build", "check"] {
        let out = s.run(&[cmd]);
        assert_eq!(out.status.code(), Some(2));
        let content = s.root().canonicalize().unwrap().join("content");
        assert_eq!(
            stderr(&out),
            format!(
                "site.toml:1:14: error: the output folder {} is the site's content/ folder; choose another output_dir\n1 error\n",
                content.display()
            )
        );
    }
    assert!(!s.root().join("notyet").exists());
}

/// `--output` as the error line shows it: relative paths are taken from the current folder.
fn output_as_given(cwd: &Path, output: &str) -> String {
    if output.starts_with('/') { output.to_string() } else { cwd.join(output).display().to_string() }
}

#[test]
fn a_folder_of_other_files_is_refused_and_loses_nothing() {
    let s = Site::copy("basic");
    let tmp = tempfile::tempdir().unwrap();
    let thesis = tmp.path().join("thesis");
    std::fs::create_dir_all(thesis.join("photos")).unwrap();
    std::fs::write(thesis.join("thesis.pdf"), "years of work").unwrap();
    std::fs::write(thesis.join("photos/a.jpg"), "jpeg").unwrap();
    let before = snapshot(tmp.path());
    for cmd in ["build", "check"] {
        let mut args = vec![cmd];
        if cmd == "build" {
            args.extend(["--output", thesis.to_str().unwrap()]);
        } else {
            let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
            s.write("site.toml", &format!("output_dir = \"{}\"\n{toml}", thesis.display()));
        }
        let out = s.run(&args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "the output folder {} holds files that dossier did not write (such as \"photos\") and no record of an earlier build",
                thesis.display()
            )),
            "{err}"
        );
        assert_eq!(snapshot(tmp.path()), before, "{cmd}: nothing changed");
        assert_eq!(names(tmp.path()), ["thesis"]);
    }
}

#[test]
fn a_folder_with_only_hidden_entries_is_built_into_and_keeps_them() {
    let s = Site::copy("basic");
    let tmp = tempfile::tempdir().unwrap();
    let pages = tmp.path().join("gh-pages");
    std::fs::create_dir_all(pages.join(".git")).unwrap();
    std::fs::write(pages.join(".git/HEAD"), "ref: refs/heads/gh-pages").unwrap();
    std::fs::write(pages.join(".nojekyll"), "").unwrap();
    let out = s.run(&["build", "--output", pages.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(pages.join("index.html").exists());
    assert_eq!(std::fs::read_to_string(pages.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages");
    assert!(pages.join(".nojekyll").exists());
}

#[test]
fn files_that_appear_in_the_output_during_a_build_are_kept() {
    let n = 300;
    let site = big_site(n, 0);
    let root = site.path();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    assert!(dossier_cmd(root, &out).status().unwrap().success());
    write_briefings(root, n, 1);
    let mut child = dossier_cmd(root, &out).spawn().unwrap();
    // A writer keeps adding files (a deploy tool's state, a log) while the build runs, and
    // once replaces one by rename, as editors save.
    std::fs::create_dir_all(out.join("logs")).unwrap();
    std::fs::write(out.join("logs/state.txt"), "v1").unwrap();
    let mut written = Vec::new();
    let mut i = 0;
    while child.try_wait().unwrap().is_none() {
        let name = format!("logs/f{i}.txt");
        if std::fs::write(out.join(&name), format!("{i}")).is_ok() {
            written.push(name);
        }
        if i == 20 {
            std::fs::write(out.join("logs/.state.tmp"), "v2").unwrap();
            std::fs::rename(out.join("logs/.state.tmp"), out.join("logs/state.txt")).unwrap();
        }
        i += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(child.wait().unwrap().success());
    assert!(written.len() > 20, "the writer ran during the build ({} files)", written.len());
    for name in &written {
        assert!(out.join(name).exists(), "{name} was written during the build and is gone");
    }
    assert_eq!(std::fs::read_to_string(out.join("logs/state.txt")).unwrap(), "v2");
    assert_eq!(names(work.path()), ["public"]);
}

#[test]
fn hidden_and_foreign_files_survive_rebuilds_and_stale_pages_go() {
    let s = Site::copy("basic");
    s.build(&[]);
    let public = s.public();
    std::fs::create_dir_all(public.join(".git/refs")).unwrap();
    std::fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages").unwrap();
    std::fs::write(public.join("CNAME"), "dossier.example.org").unwrap();
    std::fs::write(public.join("people/notes.txt"), "mine").unwrap();
    let unchanged =
        std::fs::metadata(public.join("people/xi-jinping/index.html")).unwrap().modified().unwrap();
    std::fs::remove_file(s.root().join("content/briefings/2025/trade.md")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = s.build(&[]);
    assert!(stderr(&out).contains("removed"), "{}", stderr(&out));
    assert!(!s.exists("briefings/trade/index.html"));
    assert_eq!(std::fs::read_to_string(public.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages");
    assert_eq!(std::fs::read_to_string(public.join("CNAME")).unwrap(), "dossier.example.org");
    assert_eq!(std::fs::read_to_string(public.join("people/notes.txt")).unwrap(), "mine");
    assert!(public.join(".git/refs").is_dir());
    let now = std::fs::metadata(public.join("people/xi-jinping/index.html")).unwrap().modified().unwrap();
    assert_eq!(now, unchanged, "an unchanged page keeps its modification time");
    assert_eq!(names(s.root()), ["content", "public", "site.toml", "static"], "nothing left beside");
}

#[test]
fn errors_leave_the_output_exactly_as_it_was() {
    let s = Site::copy("basic");
    s.build(&[]);
    let before = snapshot(&s.public());
    s.write(
        "content/briefings/2025/bad.md",
        "---\ntitle: Bad\ndate: 2025-01-01\ncountries: [Atlantis]\n---\n",
    );
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&s.public()), before);
    assert_eq!(names(s.root()), ["content", "public", "site.toml", "static"]);
}

/// A site of `n` generated briefings (with entities, tags and events, so each briefing makes
/// several pages), and a variant with changed titles, some briefings gone and some new.
fn big_site(n: usize, variant: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/briefings")).unwrap();
    std::fs::write(root.join("site.toml"), "title = \"Kill test\"\nbase_url = \"https://example.org/\"\n")
        .unwrap();
    write_briefings(root, n, variant);
    dir
}

fn write_briefings(root: &Path, n: usize, variant: u32) {
    let dir = root.join("content/briefings");
    for e in std::fs::read_dir(&dir).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let countries = ["CN", "KP", "RU", "KR", "JP", "US"];
    // The variant also adds briefings, so its site has pages the other never had.
    let count = if variant == 1 { n + n / 10 } else { n };
    for i in 0..count {
        // The variant drops every seventh briefing and retitles the rest.
        if variant == 1 && i % 7 == 3 {
            continue;
        }
        let text = format!(
            "---\ntitle: \"Briefing {i} (v{variant})\"\ndate: 2025-{:02}-{:02}\ntags: [t{}]\nactors: [Person {}, Person {}]\ncountries: [{}]\nevents:\n  - {{date: {}, title: Event {i}}}\n---\nBody of {i}, version {variant}. [[Person {}]]\n",
            1 + i % 12,
            1 + i % 28,
            i % 40,
            i % 150,
            (i * 7) % 150,
            countries[i % countries.len()],
            1990 + i % 30,
            i % 150,
        );
        std::fs::write(dir.join(format!("b{i:05}.md")), text).unwrap();
    }
}

fn dossier_cmd(root: &Path, output: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dossier"));
    c.args(["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Builds `root` into a fresh folder and returns the site's files.
fn reference(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    let o = dossier_cmd(root, &out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    site_files(&out)
}

/// Checks that the output's record names exactly the site's files.
fn assert_recorded(out: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let text = std::fs::read_to_string(out.join(".dossier-manifest")).unwrap();
    let mut recorded: Vec<String> = text.lines().skip(1).map(|l| serde_json::from_str(l).unwrap()).collect();
    recorded.sort();
    let files: Vec<String> = files.keys().cloned().collect();
    assert_eq!(recorded, files, "the record matches the files");
}

#[test]
fn killed_or_interrupted_builds_leave_one_whole_site() {
    let n = 400;
    let site = big_site(n, 0);
    let root = site.path();
    let sites = [reference(root), {
        write_briefings(root, n, 1);
        reference(root)
    }];
    assert_ne!(sites[0], sites[1]);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    write_briefings(root, n, 0);
    assert!(dossier_cmd(root, &out).status().unwrap().success());
    let started = Instant::now();
    write_briefings(root, n, 1);
    assert!(dossier_cmd(root, &out).status().unwrap().success());
    let full = started.elapsed();
    assert_eq!(site_files(&out), sites[1]);
    // Kill points found by bisection between "too early, the old site stays" and "too late,
    // the new site is in", so most of them fall around the commit whatever the machine's
    // speed; the first ones are spread over the whole build.
    let steps = 24u32;
    let (mut lo, mut hi) = (Duration::ZERO, full * 2);
    // How many kills left the old site, and how many the new one.
    let mut outcomes = [0usize; 2];
    let mut current = 1;
    for step in 0..steps {
        let target = 1 - current;
        write_briefings(root, n, target as u32);
        let delay = if step < 6 { full.mul_f64(0.2 * f64::from(step + 1)) } else { (lo + hi) / 2 };
        let mut child = dossier_cmd(root, &out).spawn().unwrap();
        std::thread::sleep(delay);
        let signal = if step % 3 == 0 { "INT" } else { "KILL" };
        let _ = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status();
        let status = child.wait().unwrap();
        let got = site_files(&out);
        let whole = sites.iter().position(|s| *s == got);
        let Some(whole) = whole else {
            panic!("step {step} (SIG{signal} after {delay:?}): the output mixes two sites");
        };
        let published = whole == target;
        outcomes[usize::from(published)] += 1;
        if published {
            hi = hi.min(delay);
        } else {
            lo = lo.max(delay);
        }
        if lo >= hi {
            (lo, hi) = (hi / 2, lo * 2);
        }
        current = whole;
        assert_recorded(&out, &got);
        if signal == "INT" {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            match status.code() {
                Some(130) => assert!(err.contains("interrupted: the output folder is as it was"), "{err}"),
                Some(0) => assert!(published, "a finished build published the new site"),
                other => panic!("SIGINT gave {other:?}: {err}"),
            }
        }
    }
    eprintln!("kill test: {outcomes:?} (old, new) of {steps} kills over a {full:?} build");
    // The next build finishes the job and clears what the killed ones left behind.
    write_briefings(root, n, 1 - current as u32);
    assert!(dossier_cmd(root, &out).status().unwrap().success());
    assert_eq!(site_files(&out), sites[1 - current]);
    assert_eq!(names(work.path()), ["public"], "leftovers of killed builds removed");
    assert!(!names(&out).iter().any(|n| n.starts_with(".dossier-new")));
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", at.to_str().unwrap()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_mount_point_is_built_into_and_a_full_disk_changes_nothing() {
    let s = Site::copy("basic");
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    let Some(_mount) = Mount::tmpfs(&mnt, "16m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let out = s.run(&["build", "--output", mnt.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(mnt.join("keep.txt"), "mine").unwrap();
    s.write("content/pages/about.md", "---\ntitle: About us\n---\nChanged.\n");
    let out = s.run(&["build", "--output", mnt.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let about = std::fs::read_to_string(mnt.join("about/index.html")).unwrap();
    assert!(about.contains("Changed."));
    assert_eq!(std::fs::read_to_string(mnt.join("keep.txt")).unwrap(), "mine");
    assert_eq!(names(&mnt).iter().filter(|n| n.starts_with('.')).collect::<Vec<_>>(), [".dossier-manifest"]);

    // A disk too small for the new site: the build fails naming the file, the old site stays.
    let small = tmp.path().join("small");
    let Some(_small) = Mount::tmpfs(&small, "1m") else { return };
    let before = {
        let out = s.run(&["build", "--output", small.to_str().unwrap()]);
        assert!(out.status.success(), "the site fits once: {}", stderr(&out));
        snapshot(&small)
    };
    s.write("static/big.bin", &"x".repeat(1_200_000));
    let out = s.run(&["build", "--output", small.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let line = err.lines().next().unwrap();
    assert!(line.starts_with(&small.display().to_string()), "names the real path: {err}");
    assert!(line.contains("No space left on device"), "{err}");
    assert_eq!(snapshot(&small), before);
}

#[test]
fn two_builds_at_once_into_one_folder_leave_one_whole_site() {
    let n = 150;
    let site = big_site(n, 0);
    let root = site.path();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    assert!(dossier_cmd(root, &out).status().unwrap().success());
    write_briefings(root, n, 1);
    let expected = reference(root);
    let children: Vec<_> = (0..3).map(|_| dossier_cmd(root, &out).spawn().unwrap()).collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let got = site_files(&out);
    assert_eq!(got, expected, "no page of one build is kept as a stranger's file by another");
    assert_recorded(&out, &got);
    assert_eq!(names(work.path()), ["public"]);
}

impl Mount {
    fn bind(from: &Path, at: &Path) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["--bind", from.to_str().unwrap(), at.to_str().unwrap()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(at.to_path_buf()))
    }
}

#[test]
fn bind_mounts_are_seen_for_what_they_are() {
    let s = Site::copy("basic");
    let tmp = tempfile::tempdir().unwrap();
    // A folder of someone's, bind-mounted inside the output: refused, its files untouched.
    let out = tmp.path().join("public");
    assert!(s.run(&["build", "--output", out.to_str().unwrap()]).status.success());
    let precious = tmp.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("data.txt"), "irreplaceable").unwrap();
    let Some(inner) = Mount::bind(&precious, &out.join("mirror")) else {
        eprintln!("skipped: cannot bind-mount here (needs root)");
        return;
    };
    let o = s.run(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a mount point inside the output folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(precious.join("data.txt")).unwrap(), "irreplaceable");
    drop(inner);
    assert_eq!(std::fs::read_to_string(precious.join("data.txt")).unwrap(), "irreplaceable");

    // The output itself a bind mount: built inside it.
    let src = tmp.path().join("volume");
    std::fs::create_dir(&src).unwrap();
    let vol = tmp.path().join("www");
    let _vol = Mount::bind(&src, &vol).unwrap();
    for _ in 0..2 {
        let o = s.run(&["build", "--output", vol.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(src.join("index.html").exists() && src.join("people/kim-jong-un/index.html").exists());

    // The site's content under another name: refused by identity, not spelling.
    let alias = tmp.path().join("alias");
    let _alias = Mount::bind(s.root(), &alias).unwrap();
    let before = snapshot(&s.root().join("content"));
    for target in [alias.join("content"), alias.join("content/sub"), alias.clone()] {
        let o = s.run(&["build", "--output", target.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}: {}", target.display(), stderr(&o));
        assert!(stderr(&o).contains("under another name"), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&s.root().join("content")), before);
    assert!(!s.root().join(".dossier-manifest").exists());
}

#[test]
fn static_links_into_the_output_or_the_content_are_not_followed() {
    let s = Site::copy("basic");
    s.build(&[]);
    std::os::unix::fs::symlink("../public", s.root().join("static/out")).unwrap();
    std::os::unix::fs::symlink("../content/briefings/2025/secret.md", s.root().join("static/secret.md"))
        .unwrap();
    let out = s.build(&[]);
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(
        warnings,
        [
            "static/out:1:1: warning: symlink leads into the output or the content; not followed",
            "static/secret.md:1:1: warning: symlink leads into the output or the content; not followed",
        ]
    );
    assert!(!s.exists("out") && !s.exists("secret.md"));
}
