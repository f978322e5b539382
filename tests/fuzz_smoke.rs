//! The fuzz targets on stable, briefly: every harness of src/fuzz.rs runs over its committed
//! corpus (tests/fuzz/corpus: seeds and the inputs of past findings) and then over a fixed
//! sequence of pseudo-random mutations of it, so `cargo test` re-checks every finding and
//! still explores a little without libFuzzer or nightly.

use dossier::fuzz::{Harness, Target};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Mutations per target: a few thousand, a few seconds in all in a debug build.
const MUTATIONS: usize = 2500;
/// Mutated inputs stay small, so the run time stays bounded.
const MAX_LEN: usize = 1024;

/// splitmix64: the same sequence on every machine and every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

/// The committed corpus of a target, sorted so the mutation sequence never depends on the
/// order the file system lists files in.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).expect("corpus file")).collect()
}

/// The tokens of a libFuzzer dictionary (`"…"` lines with `\\`, `\"` and `\xNN` escapes).
fn dictionary(target: &str) -> Vec<Vec<u8>> {
    let path = fuzz_dir().join("dict").join(format!("{target}.dict"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut tokens = Vec::new();
    for line in text.lines() {
        let Some(quoted) = line.trim().strip_prefix('"').and_then(|l| l.strip_suffix('"')) else { continue };
        let (mut tok, b) = (Vec::new(), quoted.as_bytes());
        let mut i = 0;
        while i < b.len() {
            match (b[i], b.get(i + 1)) {
                (b'\\', Some(b'x')) => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex escape");
                    tok.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                    i += 4;
                }
                (b'\\', Some(&c)) => {
                    tok.push(c);
                    i += 2;
                }
                (c, _) => {
                    tok.push(c);
                    i += 1;
                }
            }
        }
        tokens.push(tok);
    }
    tokens
}

/// One to four edits of the kinds libFuzzer makes: byte changes, insertions and deletions,
/// copied ranges, dictionary tokens and splices with another input.
fn mutate(rng: &mut Rng, base: &[u8], corpus: &[Vec<u8>], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, rng.next() as u8),
            2 if !v.is_empty() => {
                let len = rng.below(16.min(v.len() - at.min(v.len())) + 1);
                v.drain(at.min(v.len())..(at + len).min(v.len()));
            }
            3 if !v.is_empty() => {
                let from = rng.below(v.len());
                let len = rng.below(v.len() - from).min(64) + 1;
                let piece = v[from..from + len].to_vec();
                v.splice(at..at, piece);
            }
            4 | 5 if !dict.is_empty() => {
                let tok = &dict[rng.below(dict.len())];
                v.splice(at..at, tok.iter().copied());
            }
            _ => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
        }
    }
    v.truncate(MAX_LEN);
    v
}

/// Runs `f` on `input`; a failure names the target and keeps the input in a file for
/// `cargo fuzz run <target> <file>` and for a regression test.
fn check(h: &Harness, target: &str, f: Target, input: &[u8], what: &str) {
    if catch_unwind(AssertUnwindSafe(|| f(h, input))).is_err() {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-smoke-{target}"));
        let _ = std::fs::write(&path, input);
        panic!(
            "fuzz target {target} failed on {what}; input kept in {} ({:?})",
            path.display(),
            String::from_utf8_lossy(&input[..input.len().min(300)])
        );
    }
}

#[test]
fn every_fuzz_target_holds_on_its_corpus_and_mutations() {
    let started = std::time::Instant::now();
    let h = Harness::default();
    for (target, f) in dossier::fuzz::TARGETS {
        let t0 = std::time::Instant::now();
        let corpus = corpus(target);
        let dict = dictionary(target);
        assert!(corpus.len() >= 5, "tests/fuzz/corpus/{target} lost its seeds");
        for (i, input) in corpus.iter().enumerate() {
            check(&h, target, *f, input, &format!("corpus file {i}"));
        }
        let mut rng =
            Rng(target.bytes().fold(0x0D05_51E4, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))));
        for n in 0..MUTATIONS {
            let base = &corpus[rng.below(corpus.len())];
            let input = mutate(&mut rng, base, &corpus, &dict);
            check(&h, target, *f, &input, &format!("mutation {n}"));
        }
        eprintln!("fuzz smoke: {target}: {} inputs in {:?}", corpus.len() + MUTATIONS, t0.elapsed());
    }
    eprintln!("fuzz smoke: {} targets in {:?}", dossier::fuzz::TARGETS.len(), started.elapsed());
}

#[test]
fn mutations_are_deterministic_and_bounded() {
    let corpus = vec![b"---\ntitle: T\n---\n".to_vec(), b"[[x]]".to_vec()];
    let dict = vec![b"[@".to_vec()];
    let run = || {
        let mut rng = Rng(7);
        (0..200).map(|_| mutate(&mut rng, &corpus[0], &corpus, &dict)).collect::<Vec<_>>()
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.iter().all(|m| m.len() <= MAX_LEN));
    assert!(a.iter().filter(|m| **m != corpus[0]).count() > 150, "mutations change the input");
    assert_eq!(dictionary("front_matter")[0], b"---\n");
}
