//! `docs/api-reference.md` is generated from the OpenAPI document the
//! service serves, so the reference cannot drift from the API. When an
//! endpoint changes, this test fails; regenerate the file with
//!
//! ```sh
//! HOTSPOT_UPDATE_DOCS=1 cargo test -p hotspot-server --test api_reference
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hotspot_server::{app, AppState, ServerConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

async fn document() -> Value {
    let store = hotspot_store::open("sqlite::memory:").await.unwrap();
    let state = AppState::new(store, Default::default(), ServerConfig::default())
        .await
        .unwrap();
    let req = Request::get("/api/openapi.json")
        .body(Body::empty())
        .unwrap();
    let res = app(state).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// One line of table text: no newlines or pipes to break the row.
fn cell(v: &Value) -> String {
    v.as_str()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn schema_type(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    match (&s["type"], &s["items"]) {
        (Value::String(t), Value::Object(_)) if t == "array" => {
            format!("array of {}", schema_type(&s["items"]))
        }
        (Value::String(t), _) => t.clone(),
        (Value::Array(ts), _) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "object".into(),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = writeln!(out, "### `{} {path}`\n", method.to_uppercase());
    let _ = writeln!(out, "{}\n", cell(&op["summary"]));
    let role = op["x-min-role"].as_str().unwrap_or("public");
    let _ = writeln!(out, "Least role: **{role}**.\n");
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str("| Parameter | In | Type | Description |\n|---|---|---|---|\n");
        for p in params {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                p["name"].as_str().unwrap_or(""),
                p["in"].as_str().unwrap_or(""),
                schema_type(&p["schema"]),
                cell(&p["description"])
            );
        }
        out.push('\n');
    }
    if let Some(body) = op["requestBody"]["content"].as_object() {
        let types: Vec<&str> = body.keys().map(String::as_str).collect();
        let _ = writeln!(out, "Request body: {}.\n", types.join(", "));
    }
    out.push_str("| Status | Description | Body |\n|---|---|---|\n");
    for (status, r) in op["responses"].as_object().into_iter().flatten() {
        let bodies: Vec<String> = r["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media, c)| match c["schema"].is_null() {
                true => format!("`{media}`"),
                false => format!("{} (`{media}`)", schema_type(&c["schema"])),
            })
            .collect();
        let _ = writeln!(
            out,
            "| {status} | {} | {} |",
            cell(&r["description"]),
            bodies.join(", ")
        );
    }
    out.push('\n');
}

/// The fields of a schema, with `allOf` parts (flattened fields) merged.
fn fields(s: &Value, out: &mut Vec<(String, String, String, bool)>) {
    for part in s["allOf"].as_array().into_iter().flatten() {
        fields(part, out);
    }
    let required: Vec<&str> = s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, p) in s["properties"].as_object().into_iter().flatten() {
        let kind = match p["oneOf"].as_array() {
            Some(alts) => alts
                .iter()
                .map(schema_type)
                .collect::<Vec<_>>()
                .join(" or "),
            None => schema_type(p),
        };
        out.push((
            name.clone(),
            kind,
            cell(&p["description"]),
            required.contains(&name.as_str()),
        ));
    }
    if let Some(r) = s["$ref"].as_str() {
        out.push((
            "(all fields of)".into(),
            schema_type(&serde_json::json!({ "$ref": r })),
            String::new(),
            true,
        ));
    }
}

/// Every named schema: the bodies the operations above refer to.
fn schemas(out: &mut String, doc: &Value) {
    out.push_str("## Schemas\n\n");
    for (name, s) in doc["components"]["schemas"].as_object().expect("schemas") {
        let _ = writeln!(out, "### {name}\n");
        if !s["description"].is_null() {
            let _ = writeln!(out, "{}\n", cell(&s["description"]));
        }
        if let Some(values) = s["enum"].as_array() {
            let names: Vec<String> = values
                .iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or("")))
                .collect();
            let _ = writeln!(out, "One of {}.\n", names.join(", "));
            continue;
        }
        let mut rows = Vec::new();
        fields(s, &mut rows);
        if let Some(variants) = s["oneOf"].as_array() {
            for v in variants {
                fields(v, &mut rows);
            }
        }
        if rows.is_empty() {
            let _ = writeln!(out, "{}.\n", schema_type(s));
            continue;
        }
        out.push_str("| Field | Type | Description |\n|---|---|---|\n");
        for (field, kind, description, required) in rows {
            let optional = if required { "" } else { ", optional" };
            let _ = writeln!(out, "| `{field}` | {kind}{optional} | {description} |");
        }
        out.push('\n');
    }
}

fn render(doc: &Value) -> String {
    let mut out = String::from(
        "# HTTP API reference\n\n\
         Generated from the OpenAPI document the service serves at `/api/openapi.json`\n\
         by `backend/server/tests/api_reference.rs`; do not edit by hand. The\n\
         [API overview](api.md) explains roles, formats and errors.\n\n",
    );
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for &m in METHODS {
            if let Some(op) = item.get(m) {
                operation(&mut out, m, path, op);
            }
        }
    }
    schemas(&mut out, doc);
    out.trim_end().to_string() + "\n"
}

#[tokio::test]
async fn the_api_reference_is_generated_from_the_openapi_document() {
    let text = render(&document().await);
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/api-reference.md");
    if std::env::var_os("HOTSPOT_UPDATE_DOCS").is_some() {
        std::fs::write(&file, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        on_disk == text,
        "docs/api-reference.md is out of date: run \
         HOTSPOT_UPDATE_DOCS=1 cargo test -p hotspot-server --test api_reference"
    );
}
