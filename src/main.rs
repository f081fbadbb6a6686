fn main() -> std::process::ExitCode {
    driftcheck::run()
}
