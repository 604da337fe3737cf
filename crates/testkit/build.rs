//! The paths of the `leaderd`, `jujuc` and `juju` binaries the tests run: beside this build's output,
//! in the profile's directory (`target/<profile>/`, three levels above `OUT_DIR`). Cargo builds
//! them before the `leaderd` package's integration tests and benches, the only users of this
//! crate.

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let profile = out.ancestors().nth(3).expect("OUT_DIR is target/<profile>/build/<crate>/out");
    for bin in ["leaderd", "jujuc", "juju"] {
        println!("cargo:rustc-env=LEADERD_TESTKIT_{}={}", bin.to_uppercase(), profile.join(bin).display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
