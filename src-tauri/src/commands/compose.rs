//! The compose commands: settings, outcome sections, templates, tone, messages, the dry run and
//! the close-out checklist. Each is a thin wrapper over one [`afterword_core::Store`] method.
//!
//! A previewed message's HTML is also kept in [`crate::preview::PreviewCache`], from where the
//! `preview:` protocol serves it to the sandboxed frame of the compose screen.

use super::Answer;
use crate::desktop::Desktop;
use crate::error::IpcError;
use crate::preview::PreviewCache;
use crate::state::AppState;
use afterword_core::compose::render::{self, TemplateError, TemplateSource, VariableDoc};
use afterword_core::compose::tone::{self, ToneFinding, ToneOptions};
use afterword_core::compose::*;
use afterword_core::*;
use serde::Serialize;
use tauri::State;

// ---- settings

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Answer<Settings> {
    state.run(|s| s.settings()).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_sender(state: State<'_, AppState>, input: Settings) -> Answer<Settings> {
    state.run(move |s| s.update_sender(&input)).await
}

// ---- outcome

#[tauri::command]
#[specta::specta]
pub async fn get_outcome(state: State<'_, AppState>, incident: String) -> Answer<Vec<OutcomeSection>> {
    state.run(move |s| s.outcome(&incident)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_outcome_section(
    state: State<'_, AppState>,
    incident: String,
    input: OutcomeSectionInput,
) -> Answer<OutcomeSection> {
    state.run(move |s| s.add_outcome_section(&incident, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_outcome_section(
    state: State<'_, AppState>,
    id: String,
    input: OutcomeSectionInput,
) -> Answer<OutcomeSection> {
    state.run(move |s| s.update_outcome_section(&id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn move_outcome_section(
    state: State<'_, AppState>,
    id: String,
    position: u32,
) -> Answer<Vec<OutcomeSection>> {
    state.run(move |s| s.move_outcome_section(&id, position)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_outcome_section(state: State<'_, AppState>, id: String) -> Answer<()> {
    state.run(move |s| s.delete_outcome_section(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_outcome_section(state: State<'_, AppState>, id: String) -> Answer<OutcomeSection> {
    state.run(move |s| s.restore_outcome_section(&id)).await
}

// ---- templates

#[tauri::command]
#[specta::specta]
pub async fn list_templates(state: State<'_, AppState>) -> Answer<Vec<Template>> {
    state.run(|s| s.templates()).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_template(state: State<'_, AppState>, input: TemplateInput) -> Answer<Template> {
    state.run(move |s| s.create_template(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_template(state: State<'_, AppState>, id: String, input: TemplateInput) -> Answer<Template> {
    state.run(move |s| s.update_template(&id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_template(state: State<'_, AppState>, id: String) -> Answer<Template> {
    state.run(move |s| s.duplicate_template(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn reset_template(state: State<'_, AppState>, id: String) -> Answer<Template> {
    state.run(move |s| s.reset_template(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_template(state: State<'_, AppState>, id: String) -> Answer<()> {
    state.run(move |s| s.delete_template(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_template(state: State<'_, AppState>, id: String) -> Answer<Template> {
    state.run(move |s| s.restore_template(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn template_variables() -> Answer<Vec<VariableDoc>> {
    Ok(render::template_variables())
}

/// A template rendered against a sample recipient, as its editor shows it while typing.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TemplateTrial {
    pub subject: String,
    pub markdown: String,
    pub error: Option<TemplateError>,
    pub findings: Vec<ToneFinding>,
    /// Key into the preview cache for the HTML part.
    pub preview_key: String,
}

#[tauri::command]
#[specta::specta]
pub async fn try_template(
    state: State<'_, AppState>,
    previews: State<'_, PreviewCache>,
    source: TemplateSource,
    audience: Audience,
) -> Answer<TemplateTrial> {
    let rules = state.run(|s| s.tone_rules()).await?;
    let trial = tauri::async_runtime::spawn_blocking(move || {
        let mut context = render::sample_context();
        context.person.audience = audience.as_str().to_string();
        match render::render(&source, &context) {
            Ok(draft) => {
                let outcome: Vec<String> = context.outcome.iter().map(|s| s.text.clone()).collect();
                let findings = tone::check(&draft.body, &ToneOptions { audience, outcome_texts: &outcome }, &rules);
                let body = markdown::mail_body(&draft.body, &draft.subject);
                (
                    TemplateTrial {
                        subject: draft.subject,
                        markdown: draft.body,
                        error: None,
                        findings,
                        preview_key: String::new(),
                    },
                    body.html,
                )
            }
            Err(error) => (
                TemplateTrial {
                    subject: String::new(),
                    markdown: String::new(),
                    error: Some(error),
                    findings: Vec::new(),
                    preview_key: String::new(),
                },
                String::new(),
            ),
        }
    })
    .await
    .map_err(|e| IpcError::new("internal", e.to_string()))?;
    let (mut trial, html) = trial;
    trial.preview_key = previews.put("template-trial", html);
    Ok(trial)
}

// ---- tone

#[tauri::command]
#[specta::specta]
pub async fn check_tone(state: State<'_, AppState>, text: String, audience: Audience) -> Answer<Vec<ToneFinding>> {
    state.run(move |s| Ok(tone::check(&text, &ToneOptions { audience, outcome_texts: &[] }, &s.tone_rules()?))).await
}

// ---- messages

#[tauri::command]
#[specta::specta]
pub async fn generate_messages(state: State<'_, AppState>, incident: String) -> Answer<GenerateReport> {
    state.run(move |s| s.generate_messages(&incident)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_messages(state: State<'_, AppState>, incident: String) -> Answer<Vec<MessageSummary>> {
    state.run(move |s| s.messages(&incident)).await
}

/// A message preview plus the key the `preview:` protocol serves its HTML part under.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ShownMessage {
    pub preview: MessagePreview,
    pub preview_key: String,
}

fn shown(previews: &PreviewCache, preview: MessagePreview) -> ShownMessage {
    let preview_key = previews.put(&preview.message.id, preview.html.clone());
    ShownMessage { preview, preview_key }
}

#[tauri::command]
#[specta::specta]
pub async fn preview_message(
    state: State<'_, AppState>,
    previews: State<'_, PreviewCache>,
    id: String,
) -> Answer<ShownMessage> {
    Ok(shown(&previews, state.run(move |s| s.preview_message(&id)).await?))
}

#[tauri::command]
#[specta::specta]
pub async fn edit_message(
    state: State<'_, AppState>,
    previews: State<'_, PreviewCache>,
    id: String,
    subject: String,
    body: String,
) -> Answer<ShownMessage> {
    Ok(shown(&previews, state.run(move |s| s.edit_message(&id, &subject, &body)).await?))
}

#[tauri::command]
#[specta::specta]
pub async fn reset_message(
    state: State<'_, AppState>,
    previews: State<'_, PreviewCache>,
    id: String,
) -> Answer<ShownMessage> {
    Ok(shown(&previews, state.run(move |s| s.reset_message(&id)).await?))
}

#[tauri::command]
#[specta::specta]
pub async fn approve_message(
    state: State<'_, AppState>,
    id: String,
    acknowledge_findings: bool,
) -> Answer<MessageSummary> {
    state.run(move |s| s.approve_message(&id, acknowledge_findings)).await
}

#[tauri::command]
#[specta::specta]
pub async fn approve_all_messages(
    state: State<'_, AppState>,
    incident: String,
    acknowledge_findings: bool,
) -> Answer<BulkApproval> {
    state.run(move |s| s.approve_all_messages(&incident, acknowledge_findings)).await
}

#[tauri::command]
#[specta::specta]
pub async fn unapprove_message(state: State<'_, AppState>, id: String) -> Answer<MessageSummary> {
    state.run(move |s| s.unapprove_message(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn skip_message(state: State<'_, AppState>, id: String, reason: String) -> Answer<MessageSummary> {
    state.run(move |s| s.skip_message(&id, &reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn unskip_message(state: State<'_, AppState>, id: String) -> Answer<MessageSummary> {
    state.run(move |s| s.unskip_message(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn closeout(state: State<'_, AppState>, incident: String) -> Answer<Closeout> {
    state.run(move |s| s.closeout(&incident)).await
}

// ---- dry run

#[tauri::command]
#[specta::specta]
pub async fn render_messages(state: State<'_, AppState>, incident: String, folder: String) -> Answer<RenderReport> {
    state.run(move |s| s.render_messages(&incident, std::path::Path::new(folder.trim()))).await
}

/// Opens the native folder picker; None when the person cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_folder(desktop: State<'_, Desktop>, title: String) -> Answer<Option<String>> {
    desktop.pick_folder(title).await
}

/// Shows a folder in the system's file manager.
#[tauri::command]
#[specta::specta]
pub async fn open_folder(desktop: State<'_, Desktop>, folder: String) -> Answer<()> {
    desktop.open_folder(&folder)
}
