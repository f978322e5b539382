//! The `dossier` command line.

use clap::{Parser, Subcommand};
use dossier::commands::{self, Format};
use dossier::config::Overrides;
use dossier::tlp::Tlp;
use dossier::url::LinkStyle;
use std::path::PathBuf;

/// The pipeline allocates many small strings from parallel threads; mimalloc handles that
/// pattern markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "dossier", version, about = "Build briefing dossiers into cross-linked static sites")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish drafts too.
        #[arg(long)]
        drafts: bool,
        /// The most restricted TLP level to publish (overrides publish_tlp).
        #[arg(long, value_parser = parse_tlp)]
        tlp: Option<Tlp>,
        /// The absolute URL the site is published at (overrides base_url).
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
        /// How links to pages end: `directory` (../people/) or `file` (../people/index.html,
        /// for a site opened from disk without JavaScript). Overrides link_style.
        #[arg(long, value_name = "directory|file", value_parser = parse_link_style)]
        link_style: Option<LinkStyle>,
    },
    /// Build, serve and watch the site, reloading open pages after each save.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_tlp)]
        tlp: Option<Tlp>,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (repeatable); localhost, IP addresses and
        /// the --bind name are always answered.
        #[arg(long = "allow-host", value_name = "NAME", value_parser = dossier::serve::parse_allowed_host)]
        allow_host: Vec<String>,
    },
    /// Validate the content without writing anything; also lint it (warnings with codes) and
    /// the briefings the gate withholds.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        #[arg(long, value_parser = parse_tlp)]
        tlp: Option<Tlp>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with status 1 on any warning too (and on findings in withheld briefings).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print a JSON Schema of front matter and registry files, for editors.
    Schema {
        /// Only this kind of file.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(commands::schema::KINDS))]
        kind: Option<String>,
    },
    /// Write a new briefing dated today.
    New {
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site with one example briefing.
    Init { dir: PathBuf },
}

fn parse_base_url(s: &str) -> Result<String, String> {
    if dossier::config::is_http_url(s) || s == "/" {
        Ok(s.to_string())
    } else {
        Err(format!("\"{s}\" is not an http or https URL"))
    }
}

fn parse_link_style(s: &str) -> Result<LinkStyle, String> {
    LinkStyle::parse(s).ok_or_else(|| format!("\"{s}\" is not a link style (directory or file)"))
}

fn parse_tlp(s: &str) -> Result<Tlp, String> {
    s.parse().map_err(|e: dossier::tlp::UnknownTlp| e.to_string())
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { commands::EXIT_USAGE } else { commands::EXIT_OK };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli.command {
        Command::Build { root, output, drafts, tlp, base_url, link_style } => {
            let output = output.map(|o| {
                if o.is_absolute() { o } else { std::env::current_dir().unwrap_or_default().join(o) }
            });
            commands::build::build(&root, &Overrides { output, drafts, tlp, base_url, link_style }, false)
        }
        Command::Serve { root, bind, port, drafts, tlp, open, allow_host } => {
            dossier::serve::serve(dossier::serve::Options {
                root,
                bind,
                port,
                overrides: Overrides { drafts, tlp, ..Overrides::default() },
                open,
                allowed_hosts: allow_host,
            })
        }
        Command::Check { root, drafts, tlp, format, deny_warnings } => commands::check::check(
            &root,
            &Overrides { drafts, tlp, ..Overrides::default() },
            format,
            deny_warnings,
        ),
        Command::Schema { kind } => commands::schema::schema(kind.as_deref()),
        Command::New { title, root } => commands::new::new_briefing(&root, &title),
        Command::Init { dir } => commands::new::init(&dir),
    };
    std::process::exit(code);
}
