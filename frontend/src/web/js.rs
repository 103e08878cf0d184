//! Small, failure-tolerant helpers over wasm-bindgen: dynamic method calls
//! (every call goes through `Function.apply`, which reports a JS exception
//! as an `Err` instead of trapping), JSON, fetch, the DOM and downloads.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement, Window};

pub fn window() -> Window {
    web_sys::window().expect("a window")
}

pub fn document() -> Document {
    window().document().expect("a document")
}

/// `target[method](...args)`, JS exceptions as `Err`.
pub fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f = Reflect::get(target, &JsValue::from_str(method))?;
    let f: Function = f
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{method} is not a function")))?;
    let a = Array::new();
    for v in args {
        a.push(v);
    }
    f.apply(target, &a)
}

pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A serde_json value as a JS value (via `JSON.parse`).
pub fn to_js(v: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

pub fn parse_js(text: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(text).map_err(|e| describe(&e))
}

/// A JS value as serde_json (via `JSON.stringify`).
pub fn from_js(v: &JsValue) -> serde_json::Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// A readable message from a JS error value.
pub fn describe(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    let msg = get(e, "message");
    if let Some(s) = msg.as_string() {
        return s;
    }
    format!("{e:?}")
}

pub fn log_error(msg: &str) {
    web_sys::console::error_1(&JsValue::from_str(msg));
}

/// GET `url` as text. API errors (`{"error":{"message"}}`) become their message.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    fetch_api(url).await.map_err(|e| e.message)
}

/// A failed request: the HTTP status (0 when the server was not reached)
/// and a message for people.
#[derive(Debug, Clone)]
pub struct FetchError {
    pub status: u16,
    pub message: String,
}

impl FetchError {
    /// 401/403: the caller's role does not (or no longer) allow it.
    pub fn is_auth(&self) -> bool {
        self.status == 401 || self.status == 403
    }
}

/// GET `url` as text (cookies sent: same origin), keeping the status of a failure.
pub async fn fetch_api(url: &str) -> Result<String, FetchError> {
    fetch_api_until(url, None).await
}

/// [`fetch_api`] started now. A Rust future does nothing until it is first
/// awaited, so requests the page needs together at start-up would go one
/// after another; this one is sent at once (as a JS promise) and its answer
/// is read when awaited.
pub fn fetch_api_now(url: &str) -> impl std::future::Future<Output = Result<String, FetchError>> {
    let url = url.to_string();
    let started = wasm_bindgen_futures::future_to_promise(async move {
        match fetch_api(&url).await {
            Ok(text) => Ok(JsValue::from(text)),
            Err(e) => Err(Array::of2(&JsValue::from(e.status), &JsValue::from(e.message)).into()),
        }
    });
    async move {
        match JsFuture::from(started).await {
            Ok(text) => Ok(text.as_string().unwrap_or_default()),
            Err(e) => {
                let e = Array::from(&e);
                Err(FetchError {
                    status: e.get(0).as_f64().unwrap_or(0.0) as u16,
                    message: e.get(1).as_string().unwrap_or_default(),
                })
            }
        }
    }
}

/// [`fetch_api`] that `abort` can cancel: a superseded request stops using
/// a connection (the browser has six per server) and its answer is not read.
pub async fn fetch_api_until(
    url: &str,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<String, FetchError> {
    let (status, text) = send("GET", url, None, abort)
        .await
        .map_err(|message| FetchError { status: 0, message })?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        let message = api_message(status, &text);
        Err(FetchError { status, message })
    }
}

/// The server's error message in an answer (`{"error":{"message"}}`), or
/// the status.
pub fn api_message(status: u16, text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("HTTP {status}"))
}

/// `method url` with an optional JSON body and `credentials: 'same-origin'`
/// (the session cookie); the status and the body text whatever the status.
/// `Err` only when the server could not be reached.
pub async fn request(
    method: &str,
    url: &str,
    json_body: Option<&str>,
) -> Result<(u16, String), String> {
    send(method, url, json_body, None).await
}

async fn send(
    method: &str,
    url: &str,
    json_body: Option<&str>,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<(u16, String), String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(signal) = abort {
        init.set_signal(Some(signal));
    }
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    if let Some(body) = json_body {
        let headers = web_sys::Headers::new().map_err(|e| describe(&e))?;
        headers
            .set("Content-Type", "application/json")
            .map_err(|e| describe(&e))?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
    }
    let resp = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| format!("cannot reach the server: {}", describe(&e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    let text = JsFuture::from(resp.text().map_err(|e| describe(&e))?)
        .await
        .map_err(|e| describe(&e))?
        .as_string()
        .unwrap_or_default();
    Ok((resp.status(), text))
}

/// Awaits a JS promise.
pub async fn await_promise(p: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(js_sys::Promise::resolve(&p)).await
}

pub fn by_id(id: &str) -> Element {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("element #{id} missing from index.html"))
}

pub fn html_el(id: &str) -> HtmlElement {
    by_id(id).unchecked_into()
}

pub fn select(id: &str) -> web_sys::HtmlSelectElement {
    by_id(id).unchecked_into()
}

pub fn input(id: &str) -> web_sys::HtmlInputElement {
    by_id(id).unchecked_into()
}

/// Adds a listener that lives as long as the page.
pub fn on(target: &web_sys::EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let c = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, c.as_ref().unchecked_ref());
    c.forget();
}

/// `<option>`s from `(value, label)` pairs, `selected` chosen.
pub fn fill_select(id: &str, options: &[(String, String)], selected: &str) {
    let html: String = options
        .iter()
        .map(|(v, l)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                crate::format::esc(v),
                if v == selected { " selected" } else { "" },
                crate::format::esc(l)
            )
        })
        .collect();
    let s = select(id);
    s.set_inner_html(&html);
    s.set_value(selected);
}

/// Saves `data` as a file through a Blob URL.
pub fn download_text(name: &str, mime: &str, data: &str) -> Result<(), JsValue> {
    let parts = Array::new();
    parts.push(&JsValue::from_str(data));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    download_url(name, &url)?;
    // Revoke after the click has been handled.
    let u = url.clone();
    let c = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&u);
    });
    let _ =
        window().set_timeout_with_callback_and_timeout_and_arguments_0(c.unchecked_ref(), 10_000);
    Ok(())
}

pub fn download_url(name: &str, url: &str) -> Result<(), JsValue> {
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.style().set_property("display", "none")?;
    document().body().ok_or("no body")?.append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}

/// A plain JS object from key/value pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, v);
    }
    o.into()
}

pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Tablets in portrait: the panel is a drawer over the map.
pub fn narrow() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1200.0)
        <= 900.0
}

pub fn button(id: &str) -> web_sys::HtmlButtonElement {
    by_id(id).unchecked_into()
}

/// An empty GeoJSON collection: what a cleared map source gets.
pub fn empty_fc() -> JsValue {
    to_js(&serde_json::json!({ "type": "FeatureCollection", "features": [] }))
}

/// `data-…` of the element matching `selector` that an event came from.
pub fn clicked_data(e: &web_sys::Event, selector: &str, attr: &str) -> Option<String> {
    let t: Element = e.target()?.dyn_into().ok()?;
    t.closest(selector).ok()??.get_attribute(attr)
}
