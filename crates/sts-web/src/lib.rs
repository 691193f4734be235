//! # sts-web
//!
//! The StatefulSet Playground page: a Yew (client-side rendered) app that links
//! `sts-engine` directly, so every frame reads the simulated world without serialising it.

pub mod i18n;

// PLACEHOLDER (replaced at merge by the app's own entry point): mounts a minimal page
// into `#app` so the build pipeline, the size report and the browser tests have a real
// Yew + sts-engine module to work on.
#[cfg(target_arch = "wasm32")]
mod placeholder {
    use wasm_bindgen::prelude::*;
    use yew::prelude::*;

    const SCENARIO: &str = include_str!("../../../scenarios/ordered-creation.yaml");

    #[function_component]
    fn App() -> Html {
        let pods: Vec<(String, String)> = match sts_engine::scenario::parse(SCENARIO) {
            Ok(s) => {
                let run = sts_engine::scenario::run(&s);
                run.timeline
                    .world()
                    .pods
                    .iter()
                    .map(|((_, name), pod)| (name.clone(), sts_engine::printers::pod_status(pod)))
                    .collect()
            }
            Err(e) => vec![("error".into(), e.message)],
        };
        html! {
            <main id="playground" data-ready="true" lang="en">
                <h1>{ "StatefulSet Playground" }</h1>
                <ul>
                    { for pods.iter().map(|(n, s)| html! {
                        <li key={n.clone()} class="pod" data-pod={n.clone()}>{ format!("{n} {s}") }</li>
                    }) }
                </ul>
            </main>
        }
    }

    #[wasm_bindgen(start)]
    pub fn start() {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("app"))
        else {
            return;
        };
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
