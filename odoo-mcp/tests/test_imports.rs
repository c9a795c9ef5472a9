//! Issue 24, through the real binary against the Odoo test double (JSON/2 and
//! XML-RPC): `import_records` checks with Odoo's import as a dry run first and
//! answers its errors by the caller's row, imports only when asked and clean,
//! takes CSV text with its header line, resumes past 1,000 records at
//! `next_row`, refuses a malformed table before Odoo is asked; `export_records`
//! answers a domain's rows as CSV or JSON through `export_data`.

mod common;

use common::*;
use odoo_tests::OdooDouble;
use serde_json::{Value, json};

fn contacts(prefix: &str, bad: bool) -> Value {
    json!([
        [format!("{prefix} one"), "Belgium", "1"],
        [
            format!("{prefix} two"),
            if bad { "Narnia" } else { "Austria" },
            "0"
        ],
        ["", "", ""],
        [
            format!("{prefix} four"),
            "Belgium",
            if bad { "maybe" } else { "yes" }
        ],
    ])
}

fn methods(double: &OdooDouble, method: &str) -> usize {
    double
        .requests()
        .into_iter()
        .filter(|(_, _, m)| m == method)
        .count()
}

async fn count_named(client: &Client, prefix: &str) -> u64 {
    let answer = ok(&call(
        client,
        "search_records",
        json!({"model": "res.partner", "domain": [["name", "=like", format!("{prefix}%")]], "count": true, "fields": ["name"]}),
    )
    .await);
    answer["total"].as_u64().expect("a total")
}

async fn dry_run_then_import(api: &str) {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_API_VERSION", api)])).await;
    let fields = json!(["name", "country_id", "is_company"]);
    let dirty = json!({"model": "res.partner", "fields": fields, "rows": contacts("Imp", true)});

    // The default is a dry run: rows 2 and 4 (the blank row 3 counted), Odoo's words.
    let answer = ok(&call(&client, "import_records", dirty.clone()).await);
    assert_eq!(answer["imported"], json!(false), "{api}: {answer}");
    assert_eq!(
        answer["errors"],
        json!([
            {"row": 2, "field": "country_id", "message": "No matching record found for name 'Narnia' in field 'Country'"},
            {"row": 4, "field": "is_company", "message": "Unknown value 'maybe' for boolean field 'Is a Company'"},
        ]),
        "{api}"
    );
    let summary = answer["summary"].as_str().expect("summary");
    assert!(
        summary.contains("2 errors") && summary.contains("import: true"),
        "{summary}"
    );
    assert_eq!(count_named(&client, "Imp").await, 0);

    // Asked to import while the dry run has errors: nothing imported, and said so.
    let mut asked = dirty;
    asked["import"] = json!(true);
    let answer = ok(&call(&client, "import_records", asked).await);
    assert_eq!(answer["imported"], json!(false));
    assert!(
        answer["summary"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Not imported")
    );
    assert_eq!(
        methods(&double, "execute_import"),
        2,
        "{api}: dry runs only"
    );
    assert_eq!(count_named(&client, "Imp").await, 0);

    // Fixed: imported, and there.
    let fixed = json!({"model": "res.partner", "fields": fields, "rows": contacts("Imp", false), "import": true});
    let answer = ok(&call(&client, "import_records", fixed).await);
    assert_eq!(answer["imported"], json!(true), "{api}: {answer}");
    assert_eq!(answer["errors"], json!([]));
    assert_eq!(answer["ids"].as_array().map(Vec::len), Some(3));
    assert_eq!(count_named(&client, "Imp").await, 3);
    let read = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": [["name", "=", "Imp four"]], "fields": ["is_company", "country_id"]}),
    )
    .await);
    assert_eq!(read["records"][0]["is_company"], json!(true), "{read}");
    client.cancel().await.ok();
}

#[tokio::test]
async fn dry_run_names_the_bad_rows_and_imports_once_fixed_over_json2() {
    dry_run_then_import("json2").await;
}

#[tokio::test]
async fn dry_run_names_the_bad_rows_and_imports_once_fixed_over_xmlrpc() {
    dry_run_then_import("xmlrpc").await;
}

#[tokio::test]
async fn csv_with_a_header_and_resuming_past_the_batch() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let mut csv = String::from("name,\"email\"\n");
    for i in 1..=1005 {
        csv.push_str(&format!("\"Batch, {i}\",b{i}@example.com\n"));
    }
    let answer = ok(&call(
        &client,
        "import_records",
        json!({"model": "res.partner", "csv": csv}),
    )
    .await);
    assert_eq!(answer["errors"], json!([]), "{answer}");
    assert_eq!(answer["next_row"], json!(1001));
    assert!(
        answer["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("start_row: 1001")
    );
    let answer = ok(&call(
        &client,
        "import_records",
        json!({"model": "res.partner", "csv": csv, "start_row": 1001, "import": true}),
    )
    .await);
    assert_eq!(answer["imported"], json!(true), "{answer}");
    assert_eq!(answer["ids"].as_array().map(Vec::len), Some(5));
    assert!(answer.get("next_row").is_none());
    assert_eq!(count_named(&client, "Batch, ").await, 5);
    client.cancel().await.ok();
}

#[tokio::test]
async fn a_malformed_table_is_refused_before_odoo_is_asked() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let cases = [
        (
            json!({"model": "res.partner", "fields": ["name", "email"], "rows": [["a", "a@x.com"], ["b"]]}),
            "row 2 has 1 cells for 2 columns",
        ),
        (
            json!({"model": "res.partner", "rows": [["a"]]}),
            "give the columns",
        ),
        (
            json!({"model": "res.partner", "fields": ["name"], "rows": [["a"]], "csv": "a"}),
            "either `rows` or `csv`",
        ),
        (
            json!({"model": "res.partner", "csv": "name\n\"open"}),
            "never closed",
        ),
        (
            json!({"model": "res.partner", "fields": ["name"], "rows": [["a"]], "start_row": 5}),
            "no data rows from row 5",
        ),
        // The records' own ids would make Odoo's import overwrite them.
        (
            json!({"model": "res.partner", "csv": "id,name\n__export__.p_1,Acme"}),
            "`id` names existing records",
        ),
        (
            json!({"model": "res.partner", "fields": [" .id", "name"], "rows": [["3", "Acme"]]}),
            "`.id` names existing records",
        ),
    ];
    for (arguments, expected) in cases {
        let message = err(&call(&client, "import_records", arguments.clone()).await);
        assert!(message.contains(expected), "{arguments}: {message}");
    }
    assert_eq!(methods(&double, "execute_import"), 0);
    assert_eq!(methods(&double, "create"), 0);
    client.cancel().await.ok();
}

#[tokio::test]
async fn read_only_mode_hides_and_refuses_the_import_but_exports() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| t.name != "import_records"));
    assert!(tools.iter().any(|t| t.name == "export_records"));
    let message = err(&call(
        &client,
        "import_records",
        json!({"model": "res.partner", "fields": ["name"], "rows": [["a"]]}),
    )
    .await);
    assert!(message.contains("read-only"), "{message}");
    assert_eq!(methods(&double, "execute_import"), 0);
    client.cancel().await.ok();
}

#[tokio::test]
async fn export_answers_csv_or_json_through_export_data() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let rows = json!([
        ["Exp one", "Belgium"],
        ["Exp two", "Austria"],
        ["Exp three", ""]
    ]);
    let imported = ok(&call(
        &client,
        "import_records",
        json!({"model": "res.partner", "fields": ["name", "country_id"], "rows": rows, "import": true}),
    )
    .await);
    assert_eq!(imported["imported"], json!(true), "{imported}");
    let domain = json!([["name", "=like", "Exp %"]]);
    let fields = json!(["name", "country_id", "country_id/code", "is_company"]);
    let answer = ok(&call(
        &client,
        "export_records",
        json!({"model": "res.partner", "domain": domain, "fields": fields}),
    )
    .await);
    assert_eq!(
        answer["csv"],
        json!(
            "\"name\",\"country_id\",\"country_id/code\",\"is_company\"\n\"Exp one\",\"Belgium\",\"BE\",\"False\"\n\"Exp two\",\"Austria\",\"AT\",\"False\"\n\"Exp three\",\"\",\"\",\"False\"\n"
        ),
        "{answer}"
    );
    assert_eq!(answer["count"], json!(3));
    assert_eq!(answer["more"], json!(false));
    let answer = ok(&call(
        &client,
        "export_records",
        json!({"model": "res.partner", "domain": domain, "fields": fields, "format": "json", "limit": 2}),
    )
    .await);
    assert_eq!(
        answer["rows"][1],
        json!({"name": "Exp two", "country_id": "Austria", "country_id/code": "AT", "is_company": false})
    );
    assert_eq!(
        (answer["more"].clone(), answer["next_offset"].clone()),
        (json!(true), json!(2))
    );
    assert_eq!(methods(&double, "export_data"), 2);
    let message = err(&call(
        &client,
        "export_records",
        json!({"model": "res.partner", "fields": ["nmae"]}),
    )
    .await);
    assert!(
        message.contains("unknown field `nmae`") && message.contains("name"),
        "{message}"
    );
    client.cancel().await.ok();
}
