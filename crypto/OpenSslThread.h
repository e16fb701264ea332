#pragma once

// Internal helper of the crypto layer (no OpenSSL types here).
namespace mk::crypto::detail {

// Call on a thread before it uses OpenSSL: arranges for OpenSSL's per-thread state (the
// thread's DRBG, its error queue) to be freed with OPENSSL_thread_stop() while the thread is
// still joinable. Cheap after the first call on a thread.
//
// Why: OpenSSL frees that state from a pthread key destructor, which runs only after the
// thread function has returned. QThread (and so every QThreadPool / QtConcurrent worker) uses
// detached threads, and QThread::wait() / ~QThreadPool() return as soon as QThread's finish
// step signals "done" — before those key destructors. A program that destroys its pool and
// returns from main() can therefore run OPENSSL_cleanup() (atexit) before a worker reaches its
// key destructor; OPENSSL_cleanup() deletes the key, and the worker's state is never freed
// (LeakSanitizer: ~6.7 KB of DRBG per worker after re-encrypt or rollback, 904 bytes of error
// queue after a failed decryption). Qt destroys QThreadStorage entries inside that finish step,
// before waking wait(), so the state is released here in a QThreadStorage destructor.
void releaseOpenSslStateAtThreadExit();

} // namespace mk::crypto::detail
