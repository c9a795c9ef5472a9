//! Tool schemas: sizes (temporary analysis).

use odoo_mcp::OdooMcp;
use odoo_mcp::settings::Settings;

#[test]
fn sizes() {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-k3y");
    let server = OdooMcp::new(config, Settings::default(), odoo_mcp::generated_models()).unwrap();
    let tools = server.tools();
    let mut total = 0;
    for t in &tools {
        let i = serde_json::to_string(&t.input_schema).unwrap().len();
        let o = serde_json::to_string(&t.output_schema).unwrap().len();
        let all = serde_json::to_string(t).unwrap().len();
        total += all;
        println!("{:<32} {:>7} {:>7} {:>7}", t.name, i, o, all);
    }
    println!("total {total}");
    std::fs::write("/tmp/w/all.json", serde_json::to_string(&tools).unwrap()).unwrap();
    let t = tools.iter().find(|t| t.name == "res_partner_create").unwrap();
    std::fs::write("/tmp/w/partner_create.json", serde_json::to_string_pretty(t).unwrap()).unwrap();
    let t = tools.iter().find(|t| t.name == "res_partner_search").unwrap();
    std::fs::write("/tmp/w/partner_search.json", serde_json::to_string_pretty(t).unwrap()).unwrap();
}
