//! `/search/`: the search page. The page itself is a form and empty lists; the theme's script
//! (`search.js`) fills them from the index files (`render::search_files`). Without JavaScript
//! it says so and leads to the site's lists.

use crate::pipeline::Site;
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::{LinkStyle, UrlPath};
use serde::Serialize;

pub struct SearchPage;

pub fn url() -> UrlPath {
    UrlPath::dir("search")
}

/// What the search template gets besides `common`.
#[derive(Serialize)]
struct SearchInfo {
    /// The way from the page to the index files (`search/meta.js` and the rest).
    index: String,
    /// `directory` or `file`: how the script writes links to result pages.
    link_style: &'static str,
    /// The interface words the script shows, as JSON safe inside a `<script>` element.
    labels_json: String,
}

impl OutputKind for SearchPage {
    fn name(&self) -> &'static str {
        "search"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["search"]
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        url()
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (dir(path)? == ["search"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, _key: Key) -> Result<Vec<u8>, RenderError> {
        let v = View::new(cx.site, url());
        let common = v.common(v.t.search.to_string(), "search", None, None);
        let labels = serde_json::to_string(&v.t.search_script).expect("labels serialise");
        let info = SearchInfo {
            index: "./".to_string(),
            link_style: match cx.site.config.link_style {
                LinkStyle::Directory => "directory",
                LinkStyle::File => "file",
            },
            // `<` escaped, so no label can close the script element it is printed in.
            labels_json: labels.replace('<', "\\u003c"),
        };
        let mut ctx = tera::Context::new();
        ctx.insert("search", &info);
        v.render(cx, "search.html", common, ctx)
    }
}
