//! Renders a report from a JSON file and writes the PDF, timing the render.
//!
//! ```sh
//! cargo run --release -p afterword-pdf --example render -- contributors data.json out.pdf
//! ```

use std::process::ExitCode;
use std::time::Instant;

use afterword_pdf::{render, Template};

// The CLI's allocator: typst allocates a great deal, and the system allocator is slower at it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, input, output] = args.as_slice() else {
        eprintln!("usage: render contributors|recognition DATA.json OUT.pdf");
        return ExitCode::from(2);
    };
    let template = match template.as_str() {
        "contributors" => Template::Contributors,
        "recognition" => Template::Recognition,
        other => {
            eprintln!("unknown template {other:?}: contributors or recognition");
            return ExitCode::from(2);
        }
    };
    let data = match std::fs::read(input) {
        Ok(data) => data,
        Err(err) => {
            eprintln!("cannot read {input}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    match render(template, &data) {
        Ok(pdf) => {
            let elapsed = start.elapsed();
            if let Err(err) = std::fs::write(output, &pdf) {
                eprintln!("cannot write {output}: {err}");
                return ExitCode::FAILURE;
            }
            eprintln!("rendered {} bytes of PDF in {:.2} s", pdf.len(), elapsed.as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
