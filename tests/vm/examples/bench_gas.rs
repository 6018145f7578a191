//! Gas benchmark: runs each contract's scenario (`vm_tests::scenarios`) on the compiled artifact and prints a markdown
//! table of the VM gas of every call, then the size of every artifact.
//!
//!     cargo run -p vm-tests --example bench_gas --release   (or: bash scripts/bench-gas.sh)

use std::process::ExitCode;

use vm_tests::{artifacts_dir, gas_table, scenarios, VmContract, WASMD_GAS_MULTIPLIER};

type Scenario = fn(&mut VmContract) -> Result<(), String>;

fn scenarios() -> Vec<(&'static str, Scenario)> {
    vec![("ai-token", |c| scenarios::ai_token(c).map(|_| ()))]
}

fn main() -> ExitCode {
    let mut failed = false;
    let mut records = Vec::new();
    for (name, scenario) in scenarios() {
        let mut contract = match VmContract::load(name) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{name}: {e}");
                failed = true;
                continue;
            }
        };
        if let Err(e) = scenario(&mut contract) {
            eprintln!("{name}: scenario failed: {e}");
            failed = true;
        }
        records.extend_from_slice(contract.records());
    }

    println!("## VM gas per call\n");
    println!(
        "cosmwasm-vm 3.0 (singlepass), mock backend; 1 SDK gas = {WASMD_GAS_MULTIPLIER} VM gas. The SDK adds storage and \
         transaction gas on chain.\n"
    );
    print!("{}", gas_table(&records));

    println!("\n## Artifacts\n");
    println!("| artifact | bytes | KiB |\n| --- | ---: | ---: |");
    let dir = artifacts_dir();
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect(),
        Err(e) => {
            eprintln!("cannot list {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    for path in files {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("| {name} | {size} | {} |", size.div_ceil(1024));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
