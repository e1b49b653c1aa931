//! Generates the models of `petstore.yaml` into `OUT_DIR`, with the settings of `apigen.toml`.

fn main() {
    if let Err(err) = apigen::build::Builder::new("apigen.toml").generate() {
        panic!("{err}");
    }
}
