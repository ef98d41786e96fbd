// Migrations are embedded at compile time; without this a new migration folder goes unnoticed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
