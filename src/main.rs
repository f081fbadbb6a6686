/// A run allocates millions of small strings and vectors (names, tokens,
/// clauses) from several threads at once; mimalloc serves them faster than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    driftcheck::allocator::return_freed_memory_promptly();
    driftcheck::run()
}
