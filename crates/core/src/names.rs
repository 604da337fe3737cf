//! Juju's naming rules for applications and units (juju/names `IsValidApplication`,
//! `IsValidUnit`): an application name is lower-case letters, digits and dashes, starts with a
//! letter, and every dash-separated part after the first contains a letter (`app-1` is not a
//! name: it would read as a unit number); a unit is `<application>/<number>`.

/// Why a name or key is refused; each message names what was refused and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("{0:?} is not a valid application name")]
    Application(String),
    #[error("{0:?} is not a valid unit name")]
    Unit(String),
    #[error(
        "invalid key {}: a key is not empty and has no \"=\" and no leading or trailing space",
        crate::format::go_quote(.0)
    )]
    SettingKey(String),
}

/// A valid application name, or why not.
pub fn check_application(name: &str) -> Result<(), NameError> {
    let valid = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && name.split('-').skip(1).all(|part| part.chars().any(|c| c.is_ascii_lowercase()));
    if valid {
        Ok(())
    } else {
        Err(NameError::Application(name.to_string()))
    }
}

/// A leader-settings key as leader-set can produce it (juju/utils `keyvalues.Parse`): not
/// empty, no `=`, no leading or trailing white space. The controller and the agent both refuse
/// any other key with this message.
pub fn check_setting_key(key: &str) -> Result<(), NameError> {
    if key.is_empty() || key.trim() != key || key.contains('=') {
        return Err(NameError::SettingKey(key.to_string()));
    }
    Ok(())
}

/// The application of a valid unit name (`app/0` → `app`), or why the name is not valid.
pub fn unit_application(unit: &str) -> Result<&str, NameError> {
    let invalid = || NameError::Unit(unit.to_string());
    let (app, number) = unit.split_once('/').ok_or_else(invalid)?;
    let number_ok = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && (number == "0" || !number.starts_with('0'))
        && number.len() <= 9;
    if !number_ok || check_application(app).is_err() {
        return Err(invalid());
    }
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn juju_names() {
        for good in ["a", "mysql", "my-sql", "k8s-2ab", "app2", "a-b-c"] {
            assert!(check_application(good).is_ok(), "{good}");
        }
        for bad in ["", "App", "1app", "app-", "-app", "app-1", "a--b", "a_b", "a/b", "ü"] {
            assert!(check_application(bad).is_err(), "{bad}");
        }
        assert_eq!(unit_application("my-app/0"), Ok("my-app"));
        assert_eq!(unit_application("app/12"), Ok("app"));
        for bad in ["app", "app/", "app/01", "app/-1", "app/x", "App/0", "app/0/1", "/0"] {
            assert!(unit_application(bad).is_err(), "{bad}");
        }
        // The messages, as the API and the CLI print them.
        assert_eq!(check_application("App").unwrap_err().to_string(), r#""App" is not a valid application name"#);
        assert_eq!(unit_application("app/x").unwrap_err().to_string(), r#""app/x" is not a valid unit name"#);
        assert_eq!(
            check_setting_key("x=y").unwrap_err().to_string(),
            r#"invalid key "x=y": a key is not empty and has no "=" and no leading or trailing space"#
        );
    }
}
