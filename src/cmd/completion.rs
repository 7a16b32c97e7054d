//! `meshscope completion SHELL`.

use std::io::Write;

use crate::error::{Error, ExitCode};

pub fn run(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "meshscope", &mut buf);
    out.write_all(&buf)?;
    Ok(ExitCode::Ok)
}
