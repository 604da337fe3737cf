//! The hook tools' binary is linked statically (`.cargo/static-jujuc` gives glibc's
//! `crt-static` to it alone): no dynamic loader runs at each of the hundreds of tool calls a
//! hook run makes (docs/benchmarks.md, "Hook tool latency"). Nothing else notices a build that
//! lost the flag (a `RUSTC_WRAPPER` in the environment, sccache say, replaces the wrapper
//! `.cargo/config.toml` names): the tools still work, only slower. This test does.

/// Whether the ELF64 little-endian file `elf` asks for a program interpreter: a `PT_INTERP`
/// program header, naming the dynamic loader.
fn asks_for_a_loader(elf: &[u8]) -> bool {
    assert_eq!(&elf[..6], b"\x7fELF\x02\x01", "an ELF64 little-endian file");
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    const PT_INTERP: u32 = 3;
    (0..count).any(|i| {
        let at = phoff + i * size;
        u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == PT_INTERP
    })
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu", target_endian = "little", target_pointer_width = "64"))]
fn jujuc_needs_no_dynamic_loader_and_leaderd_does() {
    let jujuc = std::fs::read(env!("CARGO_BIN_EXE_jujuc")).unwrap();
    assert!(
        !asks_for_a_loader(&jujuc),
        "jujuc is linked dynamically: was it built without the rustc wrapper in .cargo/ (RUSTC_WRAPPER set)?"
    );
    // The other binary is linked as usual, so the check above can tell the two apart.
    let leaderd = std::fs::read(env!("CARGO_BIN_EXE_leaderd")).unwrap();
    assert!(asks_for_a_loader(&leaderd), "leaderd has no program interpreter");
}
