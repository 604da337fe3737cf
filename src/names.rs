//! Juju's naming rules for applications and units (juju/names `IsValidApplication`,
//! `IsValidUnit`): an application name is lower-case letters, digits and dashes, starts with a
//! letter, and every dash-separated part after the first contains a letter (`app-1` is not a
//! name: it would read as a unit number); a unit is `<application>/<number>`.

/// A valid application name, or why not.
pub fn check_application(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && name.split('-').skip(1).all(|part| part.chars().any(|c| c.is_ascii_lowercase()));
    if valid {
        Ok(())
    } else {
        Err(format!("{name:?} is not a valid application name"))
    }
}

/// A leader-settings key as leader-set can produce it (juju/utils `keyvalues.Parse`): not
/// empty, no `=`, no leading or trailing white space. The controller and the agent both refuse
/// any other key with this message.
pub fn check_setting_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.trim() != key || key.contains('=') {
        return Err(format!(
            "invalid key {}: a key is not empty and has no \"=\" and no leading or trailing space",
            crate::format::go_quote(key)
        ));
    }
    Ok(())
}

/// The application of a valid unit name (`app/0` → `app`), or why the name is not valid.
pub fn unit_application(unit: &str) -> Result<&str, String> {
    let invalid = || format!("{unit:?} is not a valid unit name");
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
    }
}
