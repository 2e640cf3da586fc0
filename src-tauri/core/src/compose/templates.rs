//! Thank-you templates as the analyst manages them: [`Template`] rows, the built-ins among them
//! (kept in step with the shipped text until customised, and resettable), plus user templates
//! created, edited and duplicated. [`Store::choose_template`] picks the one for a recipient.
//!
//! A template is checked when saved ([`super::render::check_template`]): a syntax error or an
//! unknown variable is refused with its line and column, so it is never found at send time.

use super::builtin::{builtin_templates, BuiltinTemplate};
use super::render::{check_size, check_template, TemplateSource};
use crate::audit;
use crate::error::{Error, Result};
use crate::model::{Audience, IncidentKind};
use crate::store::{new_id, Store};
use crate::validate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Template {
    pub id: String,
    pub name: String,
    /// Set for the templates shipped with the app.
    pub builtin_key: Option<String>,
    /// A built-in the analyst changed (reset brings back the shipped text).
    pub customised: bool,
    /// Who it is for; None: anyone.
    pub audience: Option<Audience>,
    /// Which incidents it is for; None: any kind.
    pub incident_kind: Option<IncidentKind>,
    pub subject: String,
    /// Markdown with minijinja (Jinja2) tags.
    pub body: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct TemplateInput {
    pub name: String,
    pub audience: Option<Audience>,
    pub incident_kind: Option<IncidentKind>,
    pub subject: String,
    pub body: String,
}

const SELECT_TEMPLATE: &str =
    "SELECT id, name, builtin_key, customised, audience, incident_kind, subject, body, updated_at
                               FROM templates";

fn template_from_row(r: &Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get(0)?,
        name: r.get(1)?,
        builtin_key: r.get(2)?,
        customised: r.get(3)?,
        audience: r.get(4)?,
        incident_kind: r.get(5)?,
        subject: r.get(6)?,
        body: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

impl Template {
    /// How well this template fits a recipient: None when it does not fit at all; higher is
    /// more specific. A user template beats a built-in of the same specificity.
    pub fn fit(&self, audience: Audience, kind: IncidentKind) -> Option<u8> {
        let audience_fit = match self.audience {
            Some(a) if a == audience => 2,
            Some(_) => return None,
            None => 0,
        };
        let kind_fit = match self.incident_kind {
            Some(k) if k == kind => 4,
            Some(_) => return None,
            None => 0,
        };
        Some(audience_fit + kind_fit + u8::from(self.builtin_key.is_none()))
    }

    pub fn source(&self) -> TemplateSource {
        TemplateSource { subject: self.subject.clone(), body: self.body.clone() }
    }
}

/// The best-fitting template for a recipient among `templates` (the most specific; among equals
/// the most recently changed).
pub fn best_template(templates: &[Template], audience: Audience, kind: IncidentKind) -> Option<&Template> {
    templates
        .iter()
        .filter_map(|t| t.fit(audience, kind).map(|score| (score, t)))
        .max_by(|(a, ta), (b, tb)| a.cmp(b).then_with(|| ta.updated_at.cmp(&tb.updated_at)))
        .map(|(_, t)| t)
}

pub(crate) fn clean(input: &TemplateInput) -> Result<TemplateInput> {
    let cleaned = TemplateInput {
        name: validate::single_line("name", "The template's name", &input.name, true, validate::SHORT_MAX)?,
        audience: input.audience,
        incident_kind: input.incident_kind,
        // The subject is a template too; its rendered result is made one line at render time.
        subject: validate::text("subject", "The subject", &input.subject, true, 1_000)?,
        body: input.body.replace("\r\n", "\n"),
    };
    let source = TemplateSource { subject: cleaned.subject.clone(), body: cleaned.body.clone() };
    // Size first: a 2 MB paste gets "too large", not a parse error somewhere inside it.
    check_size(&source)?;
    check_template(&source).map_err(Error::Template)?;
    Ok(cleaned)
}

impl Store {
    /// Every live template, built-ins first, then by name.
    pub fn templates(&self) -> Result<Vec<Template>> {
        self.sync_builtin_templates()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_TEMPLATE} WHERE deleted_at IS NULL ORDER BY builtin_key IS NULL, name COLLATE NOCASE"
        ))?;
        let templates = stmt.query_map([], template_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(templates)
    }

    pub fn template(&self, id: &str) -> Result<Template> {
        self.sync_builtin_templates()?;
        self.conn
            .prepare_cached(&format!("{SELECT_TEMPLATE} WHERE (id = ?1 OR builtin_key = ?1) AND deleted_at IS NULL"))?
            .query_row([id], template_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No template '{id}' exists (it may have been deleted).")))
    }

    /// The template for a recipient of this audience on an incident of this kind.
    pub fn choose_template(&self, audience: Audience, kind: IncidentKind) -> Result<Template> {
        let templates = self.templates()?;
        best_template(&templates, audience, kind).cloned().ok_or_else(|| {
            Error::NotFound("No template fits; reset a built-in template or create one for anyone.".into())
        })
    }

    pub fn create_template(&self, input: &TemplateInput) -> Result<Template> {
        let t = clean(input)?;
        let id = new_id();
        self.write(|tx| {
            let now = self.now();
            tx.execute(
                "INSERT INTO templates (id, name, audience, incident_kind, subject, body, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![id, t.name, t.audience, t.incident_kind, t.subject, t.body, now],
            )?;
            audit::record(tx, self, "template", &id, "create", json!({ "name": t.name }))
        })?;
        self.template(&id)
    }

    /// Saves a template. Editing a built-in marks it customised (reset brings the shipped text back).
    pub fn update_template(&self, id: &str, input: &TemplateInput) -> Result<Template> {
        let before = self.template(id)?;
        let t = clean(input)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE templates SET name = ?2, audience = ?3, incident_kind = ?4, subject = ?5, body = ?6,
                        customised = (builtin_key IS NOT NULL), updated_at = ?7 WHERE id = ?1",
                params![before.id, t.name, t.audience, t.incident_kind, t.subject, t.body, self.now()],
            )?;
            audit::record(tx, self, "template", &before.id, "edit", json!({ "name": t.name }))
        })?;
        self.recheck_approvals(None)?;
        self.template(&before.id)
    }

    /// A user copy of any template, named "… (copy)".
    pub fn duplicate_template(&self, id: &str) -> Result<Template> {
        let original = self.template(id)?;
        let name: String = format!("{} (copy)", original.name).chars().take(validate::SHORT_MAX).collect();
        self.create_template(&TemplateInput {
            name,
            audience: original.audience,
            incident_kind: original.incident_kind,
            subject: original.subject,
            body: original.body,
        })
    }

    /// Brings a built-in back to the shipped text.
    pub fn reset_template(&self, id: &str) -> Result<Template> {
        let template = self.template(id)?;
        let builtin =
            template.builtin_key.as_deref().and_then(find_builtin).ok_or_else(|| {
                Error::invalid("template", "Only a built-in template can be reset; this one is yours.")
            })?;
        self.write(|tx| {
            write_builtin(tx, &template.id, builtin, &self.now())?;
            audit::record(tx, self, "template", &template.id, "reset", json!({ "builtin": builtin.key }))
        })?;
        self.recheck_approvals(None)?;
        self.template(&template.id)
    }

    /// Deletes a user template (soft). Built-ins cannot be deleted, only reset.
    pub fn delete_template(&self, id: &str) -> Result<()> {
        let template = self.template(id)?;
        if template.builtin_key.is_some() {
            return Err(Error::invalid("template", "A built-in template cannot be deleted; reset it instead."));
        }
        self.write(|tx| {
            let now = self.now();
            tx.execute(
                "UPDATE templates SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![template.id, now],
            )?;
            audit::record(tx, self, "template", &template.id, "delete", json!({ "name": template.name }))
        })?;
        self.recheck_approvals(None)
    }

    pub fn restore_template(&self, id: &str) -> Result<Template> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE templates SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, self.now()],
            )?;
            if changed == 0 {
                return Err(Error::NotFound("That template cannot be found.".into()));
            }
            audit::record(tx, self, "template", id, "restore", json!({}))
        })?;
        self.template(id)
    }

    /// Inserts missing built-ins and brings unchanged ones up to the shipped text, so an upgrade
    /// improves the templates nobody customised and leaves the customised ones alone.
    fn sync_builtin_templates(&self) -> Result<()> {
        let mut stale = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, customised, subject, body, name, audience, incident_kind FROM templates WHERE builtin_key = ?1",
            )?;
            for builtin in builtin_templates() {
                let row = stmt
                    .query_row([builtin.key], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, bool>(1)?,
                            r.get::<_, String>(2)? == builtin.subject
                                && r.get::<_, String>(3)? == builtin.body
                                && r.get::<_, String>(4)? == builtin.name
                                && r.get::<_, Option<Audience>>(5)? == builtin.audience
                                && r.get::<_, Option<IncidentKind>>(6)? == builtin.incident_kind,
                        ))
                    })
                    .optional()?;
                match row {
                    None => stale.push((None, builtin)),
                    Some((id, false, false)) => stale.push((Some(id), builtin)),
                    Some(_) => {}
                }
            }
        }
        if stale.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let now = self.now();
            for (id, builtin) in stale {
                match id {
                    Some(id) => write_builtin(tx, &id, builtin, &now)?,
                    None => {
                        tx.execute(
                            "INSERT INTO templates (id, name, builtin_key, audience, incident_kind, subject, body, created_at, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                            params![
                                new_id(),
                                builtin.name,
                                builtin.key,
                                builtin.audience,
                                builtin.incident_kind,
                                builtin.subject,
                                builtin.body,
                                now
                            ],
                        )?;
                    }
                }
            }
            Ok(())
        })
    }
}

fn find_builtin(key: &str) -> Option<&'static BuiltinTemplate> {
    builtin_templates().iter().find(|b| b.key == key)
}

fn write_builtin(tx: &rusqlite::Connection, id: &str, builtin: &BuiltinTemplate, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE templates SET name = ?2, audience = ?3, incident_kind = ?4, subject = ?5, body = ?6, customised = 0,
                deleted_at = NULL, updated_at = ?7 WHERE id = ?1",
        params![id, builtin.name, builtin.audience, builtin.incident_kind, builtin.subject, builtin.body, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(audience: Option<Audience>, kind: Option<IncidentKind>, builtin: bool, updated: &str) -> Template {
        Template {
            id: format!("{audience:?}{kind:?}{builtin}{updated}"),
            name: "t".into(),
            builtin_key: builtin.then(|| "k".into()),
            customised: false,
            audience,
            incident_kind: kind,
            subject: String::new(),
            body: String::new(),
            updated_at: updated.into(),
        }
    }

    #[test]
    fn the_most_specific_template_wins_and_users_beat_builtins() {
        use Audience::*;
        use IncidentKind::*;
        let all = vec![
            template(None, None, true, "1"),
            template(Some(EndUser), None, true, "1"),
            template(Some(EndUser), Some(PhishingReport), true, "1"),
            template(Some(ItOperations), None, true, "1"),
        ];
        assert_eq!(best_template(&all, EndUser, PhishingReport).unwrap().id, all[2].id);
        assert_eq!(best_template(&all, EndUser, SecurityIncident).unwrap().id, all[1].id);
        assert_eq!(best_template(&all, Management, SecurityIncident).unwrap().id, all[0].id);

        let mut with_user = all.clone();
        with_user.push(template(Some(EndUser), None, false, "0"));
        assert_eq!(best_template(&with_user, EndUser, SecurityIncident).unwrap().id, with_user[4].id);
        // …but a more specific built-in still beats a broader user template.
        assert_eq!(best_template(&with_user, EndUser, PhishingReport).unwrap().id, all[2].id);
    }

    #[test]
    fn among_equals_the_newest_wins() {
        let all = vec![template(None, None, false, "2026-01-01"), template(None, None, false, "2026-02-01")];
        assert_eq!(best_template(&all, Audience::EndUser, IncidentKind::Other).unwrap().updated_at, "2026-02-01");
    }
}
