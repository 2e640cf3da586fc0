//! The shell's one error type, [`IpcError`]: what every command returns on failure, serialised
//! as `{code, message, field}` so the UI can branch on `code` and show `message` next to `field`.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    /// Stable machine-readable code, e.g. `invalid`, `conflict`, `needs_confirmation`.
    pub code: String,
    /// A plain sentence for the person using the app.
    pub message: String,
    /// The form field the error is about, if any.
    pub field: Option<String>,
    /// For `unknown_person`: the email and the name the quick-add line suggested.
    pub email: Option<String>,
    pub suggested_name: Option<String>,
    /// For `template`: which part of the template, and the line and column of the problem.
    pub template: Option<Box<afterword_core::compose::render::TemplateError>>,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
            field: None,
            email: None,
            suggested_name: None,
            template: None,
        }
    }
}

impl From<afterword_core::Error> for IpcError {
    fn from(error: afterword_core::Error) -> Self {
        let mut ipc = IpcError::new(error.code(), error.to_string());
        ipc.field = error.field().map(String::from);
        if let afterword_core::Error::UnknownPerson { email, suggested_name } = &error {
            ipc.email = Some(email.clone());
            ipc.suggested_name = Some(suggested_name.clone());
        }
        if let afterword_core::Error::Template(template) = &error {
            ipc.template = Some(Box::new(template.clone()));
        }
        if matches!(error, afterword_core::Error::Database(_) | afterword_core::Error::Io { .. }) {
            tracing::error!(%error, "command failed");
        }
        ipc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_become_code_message_field_json() {
        let error: IpcError = afterword_core::Error::Conflict { field: "email", message: "taken".into() }.into();
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "code": "conflict", "message": "taken", "field": "email", "email": null, "suggested_name": null,
                "template": null
            })
        );
        let error: IpcError =
            afterword_core::Error::UnknownPerson { email: "a@b.org".into(), suggested_name: "A".into() }.into();
        assert_eq!((error.code.as_str(), error.email.as_deref()), ("unknown_person", Some("a@b.org")));
    }
}
