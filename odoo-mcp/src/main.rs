//! `odoo-mcp`: see the library docs; every option is also an environment variable.

fn main() -> std::process::ExitCode {
    odoo_mcp::main_entry()
}
