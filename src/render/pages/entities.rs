//! `/people/`, `/organisations/`, `/countries/`: every entity of one kind that has a page,
//! by name, with its number of briefings.

use crate::frontmatter::EntityKind;
use crate::index::entities_of;
use crate::pipeline::Site;
use crate::render::context::EntityLink;
use crate::render::table::{Key, Nav, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

pub struct EntityList(pub EntityKind);

impl OutputKind for EntityList {
    fn name(&self) -> &'static str {
        self.0.section()
    }

    fn roots(&self) -> &'static [&'static str] {
        match self.0 {
            EntityKind::Person => &["people"],
            EntityKind::Organisation => &["organisations"],
            EntityKind::Country => &["countries"],
        }
    }

    fn nav(&self) -> Option<Nav> {
        Some(match self.0 {
            EntityKind::Person => {
                Nav { key: "people", label: |t| t.people, active: &["people", "person", "person-events"] }
            }
            EntityKind::Organisation => Nav {
                key: "organisations",
                label: |t| t.organisations,
                active: &["organisations", "organisation", "organisation-events"],
            },
            EntityKind::Country => Nav {
                key: "countries",
                label: |t| t.countries,
                active: &["countries", "country", "country-events"],
            },
        })
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::dir(self.0.section())
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (dir(path)? == [self.0.section()]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, self.url(site, key));
        let title = match self.0 {
            EntityKind::Person => v.t.people,
            EntityKind::Organisation => v.t.organisations,
            EntityKind::Country => v.t.countries,
        };
        let common = v.common(title.to_string(), self.0.section(), None, None);
        let mut list = entities_of(&site.index, &site.registry, self.0);
        list.sort_by(|a, b| {
            let (x, y) = (site.registry.get(a.0), site.registry.get(b.0));
            x.name.to_lowercase().cmp(&y.name.to_lowercase()).then_with(|| x.id.cmp(&y.id))
        });
        let links: Vec<EntityLink> = list.into_iter().map(|(id, n)| v.entity_link(id, None, n)).collect();
        let mut ctx = tera::Context::new();
        ctx.insert("kind", self.0.name());
        ctx.insert("entities", &links);
        v.render(cx, "entities.html", common, ctx)
    }
}
